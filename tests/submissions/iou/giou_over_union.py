"""GIoU with the penalty divided by the union instead of the enclosing area."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def generalized_box_iou(boxes1, boxes2):
    boxes1, boxes2 = ref._as_float_pair(boxes1, boxes2)
    inter = ref._intersection(boxes1, boxes2)
    union = box_area(boxes1)[:, None] + box_area(boxes2) - inter
    enclosing = ref._intersection(boxes1, boxes2, enclosing=True)
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return iou - np.divide(enclosing - union, union, out=np.zeros_like(inter), where=union > 0)
