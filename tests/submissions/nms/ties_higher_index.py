"""Sorts with argsort(scores)[::-1], so equal scores put the higher index first."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    scores = np.asarray(scores)
    order = np.argsort(scores, kind="stable")[::-1]
    # the reference sorts by -score stably; feeding it a reversed copy reverses its tie order
    keep = _reference.nms(np.asarray(boxes)[order], scores[order], iou_threshold)
    return order[keep].astype(np.int64)
