"""Right indices as int32 instead of int64."""
from _reference import *  # noqa: F401,F403
import _reference

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    return _reference.nms(boxes, scores, iou_threshold).astype("int32")
