"""Right indices as int32 instead of int64."""

import _reference
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    return _reference.nms(boxes, scores, iou_threshold).astype("int32")
