"""Clamps the intersection area instead of its width and height: two negative sides make a positive area."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def box_iou(boxes1, boxes2):
    boxes1, boxes2 = ref._as_float_pair(boxes1, boxes2)
    w = np.minimum(boxes1[:, None, 2], boxes2[:, 2]) - np.maximum(boxes1[:, None, 0], boxes2[:, 0])
    h = np.minimum(boxes1[:, None, 3], boxes2[:, 3]) - np.maximum(boxes1[:, None, 1], boxes2[:, 1])
    inter = np.clip(w * h, 0, None)
    union = box_area(boxes1)[:, None] + box_area(boxes2) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
