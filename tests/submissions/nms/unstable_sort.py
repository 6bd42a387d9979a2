"""Sorts scores with the default (unstable) quicksort: ties come out in an arbitrary order."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    scores = np.asarray(scores)
    order = np.argsort(-scores)  # introsort: not stable for large inputs
    keep = _reference.nms(np.asarray(boxes)[order], scores[order], iou_threshold)
    return order[keep].astype(np.int64)
