"""Correct, but a Python double loop over the pairs: the speed check must fail it by a wide margin."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "speed"


def _pairs(boxes1, boxes2, generalized):
    boxes1, boxes2 = np.asarray(boxes1), np.asarray(boxes2)
    dtype = np.result_type(boxes1, boxes2, np.float32)
    out = np.zeros((len(boxes1), len(boxes2)), dtype=dtype)
    for i, (ax1, ay1, ax2, ay2) in enumerate(boxes1.tolist()):
        for j, (bx1, by1, bx2, by2) in enumerate(boxes2.tolist()):
            inter = max(min(ax2, bx2) - max(ax1, bx1), 0) * max(min(ay2, by2) - max(ay1, by1), 0)
            union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
            iou = inter / union if union > 0 else 0.0
            if generalized:
                c = max(max(ax2, bx2) - min(ax1, bx1), 0) * max(max(ay2, by2) - min(ay1, by1), 0)
                iou = iou - (c - union) / c if c > 0 else 0.0
            out[i, j] = iou
    return out


def box_iou(boxes1, boxes2):
    return _pairs(boxes1, boxes2, False)


def generalized_box_iou(boxes1, boxes2):
    return _pairs(boxes1, boxes2, True)
