"""Correct: one greedy loop over all boxes that suppresses only within the kept box's class.

Recorded by the speed tests (not required to fail): a natural alternative to one NMS per class.
"""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def batched_nms(boxes, scores, class_ids, iou_threshold):
    boxes, scores, class_ids = np.asarray(boxes), np.asarray(scores), np.asarray(class_ids)
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = (np.ascontiguousarray(boxes[order, k]) for k in range(4))
    cls = class_ids[order]
    areas = (x2 - x1) * (y2 - y1)
    keep, alive = [], np.arange(len(order))
    with np.errstate(invalid="ignore", divide="ignore"):
        while alive.size:
            i, rest = alive[0], alive[1:]
            keep.append(i)
            w = np.maximum(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0)
            h = np.maximum(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0)
            iou = w * h / (areas[i] + areas[rest] - w * h)
            alive = rest[~((iou > iou_threshold) & (cls[rest] == cls[i]))]
    return order[np.asarray(keep, dtype=np.int64)].astype(np.int64)
