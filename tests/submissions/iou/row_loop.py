"""Correct, vectorised over one set of boxes but looping in Python over the other (a common half-step).

Not required to fail: recorded by the speed tests so the report shows where it stands against the target.
"""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def _rows(boxes1, boxes2, generalized):
    boxes1, boxes2 = ref._as_float_pair(boxes1, boxes2)
    fn = ref.generalized_box_iou if generalized else ref.box_iou
    out = np.empty((len(boxes1), len(boxes2)), dtype=boxes1.dtype)
    for i in range(len(boxes1)):
        out[i] = fn(boxes1[i : i + 1], boxes2)[0]
    return out


def box_iou(boxes1, boxes2):
    return _rows(boxes1, boxes2, False)


def generalized_box_iou(boxes1, boxes2):
    return _rows(boxes1, boxes2, True)
