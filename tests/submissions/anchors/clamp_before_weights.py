"""Clamps the raw dw and dh before dividing by the weights, so with ww = 5 boxes stop at e**(4.1/5) = 2.3x."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    deltas = np.array(deltas, copy=True)
    deltas[:, 2:] = np.minimum(deltas[:, 2:], scale_clamp)
    return ref.decode_boxes(anchors, deltas, weights, float("inf"))
