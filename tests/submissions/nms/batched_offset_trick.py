"""batched_nms by the coordinate-offset trick (offset = class * (max + 1)): wrong for negative coordinates."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batched_nms(boxes, scores, class_ids, iou_threshold):
    boxes = np.asarray(boxes)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.asarray(class_ids).astype(boxes.dtype) * (boxes.max() + 1)
    return _reference.nms(boxes + offsets[:, None], scores, iou_threshold)
