"""Multiplies by np.asarray(weights) (a float64 array): float32 deltas and boxes come back as float64."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    unweighted = ref.encode_boxes(anchors, boxes)
    return unweighted * np.asarray(weights)


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    return ref.decode_boxes(anchors, np.asarray(deltas) / np.asarray(weights), (1.0, 1.0, 1.0, 1.0), scale_clamp)
