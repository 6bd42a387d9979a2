"""Every box is dropped if any higher-scored box overlaps it, kept or not (one matrix, no greedy loop)."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    order = np.argsort(-scores, kind="stable")
    b = boxes[order]
    w = np.clip(np.minimum(b[:, None, 2], b[:, 2]) - np.maximum(b[:, None, 0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(b[:, None, 3], b[:, 3]) - np.maximum(b[:, None, 1], b[:, 1]), 0, None)
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = w * h / (area[:, None] + area - w * h)
    earlier = np.triu(iou > iou_threshold, k=1)  # earlier[i, j]: i ranks above j and overlaps it
    return order[~earlier.any(axis=0)].astype(np.int64)
