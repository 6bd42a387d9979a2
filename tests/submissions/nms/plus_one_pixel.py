"""NMS with the legacy "+1" pixel convention in areas and intersections."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = boxes[order].T
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    keep, alive = [], np.arange(len(order))
    while alive.size:
        i, rest = alive[0], alive[1:]
        keep.append(i)
        w = np.maximum(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1, 0)
        h = np.maximum(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1, 0)
        iou = w * h / (areas[i] + areas[rest] - w * h)
        alive = rest[~(iou > iou_threshold)]
    return order[np.asarray(keep, dtype=np.int64)]
