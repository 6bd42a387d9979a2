"""Clamps dw and dh to [-scale_clamp, scale_clamp]: detectron2 and torchvision bound them from above only."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    deltas = np.array(deltas, copy=True)
    for k in (2, 3):
        deltas[:, k] = np.maximum(deltas[:, k], -scale_clamp * weights[k])
    return ref.decode_boxes(anchors, deltas, weights, scale_clamp)
