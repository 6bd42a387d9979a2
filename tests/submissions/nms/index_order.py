"""Right set of boxes, returned in index order instead of decreasing score."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    return np.sort(_reference.nms(boxes, scores, iou_threshold))
