"""Encodes dw = log(anchor_w / box_w) (and dh likewise): the sign of every size delta is flipped."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    deltas = ref.encode_boxes(anchors, boxes, weights)
    deltas[:, 2:] = -deltas[:, 2:]
    return deltas
