"""Clamps all four deltas from above, dx and dy included (only dw and dh go through exp)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    deltas = np.asarray(deltas)
    clamped = np.minimum(deltas / np.asarray(weights, dtype=deltas.dtype), scale_clamp)
    return ref.decode_boxes(anchors, clamped * np.asarray(weights, dtype=deltas.dtype), weights, scale_clamp)
