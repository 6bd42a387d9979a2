"""The union is area1 + area2, forgetting to subtract the intersection."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def box_iou(boxes1, boxes2):
    boxes1, boxes2 = ref._as_float_pair(boxes1, boxes2)
    inter = ref._intersection(boxes1, boxes2)
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :]
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
