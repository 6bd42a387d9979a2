"""batched_nms that concatenates the per-class results without sorting them by score."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batched_nms(boxes, scores, class_ids, iou_threshold):
    boxes, scores, class_ids = np.asarray(boxes), np.asarray(scores), np.asarray(class_ids)
    keep = [
        np.flatnonzero(class_ids == c)[_reference.nms(boxes[class_ids == c], scores[class_ids == c], iou_threshold)]
        for c in np.unique(class_ids)
    ]
    return np.concatenate(keep).astype(np.int64) if keep else np.empty(0, dtype=np.int64)
