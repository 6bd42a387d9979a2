"""batched_nms by a fixed coordinate offset per class (class * 1000): the classes overlap once the boxes span more
than 1000 pixels, as they do in a 4000-pixel image, and one class's box suppresses another's."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batched_nms(boxes, scores, class_ids, iou_threshold):
    boxes = np.asarray(boxes)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.asarray(class_ids).astype(boxes.dtype) * 1000
    return _reference.nms(boxes + offsets[:, None], scores, iou_threshold)
