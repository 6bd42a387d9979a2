"""Correct: each kept box computes its IoU with every later box, suppressed or not, and ORs the result into a
suppressed mask (no shrinking alive set). About three times the arithmetic of the reference on clustered
boxes, but on contiguous slices instead of gathers: the README says it passes the speed check, and it must."""

import numpy as np

CAUGHT_BY = None


def nms(boxes, scores, iou_threshold):
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = (np.ascontiguousarray(boxes[order, k]) for k in range(4))
    areas = (x2 - x1) * (y2 - y1)
    suppressed = np.zeros(len(order), dtype=bool)
    keep = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(len(order)):
            if suppressed[i]:
                continue
            keep.append(i)
            w = np.maximum(np.minimum(x2[i], x2[i + 1 :]) - np.maximum(x1[i], x1[i + 1 :]), 0)
            h = np.maximum(np.minimum(y2[i], y2[i + 1 :]) - np.maximum(y1[i], y1[i + 1 :]), 0)
            inter = w * h
            suppressed[i + 1 :] |= inter / (areas[i] + areas[i + 1 :] - inter) > iou_threshold
    return order[np.asarray(keep, dtype=np.int64)].astype(np.int64)


def batched_nms(boxes, scores, class_ids, iou_threshold):
    boxes, scores, class_ids = np.asarray(boxes), np.asarray(scores), np.asarray(class_ids)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    by_class = np.argsort(class_ids, kind="stable")
    starts = np.flatnonzero(np.r_[True, class_ids[by_class][1:] != class_ids[by_class][:-1]])
    keep = np.concatenate(
        [members[nms(boxes[members], scores[members], iou_threshold)] for members in np.split(by_class, starts[1:])]
    )
    return keep[np.lexsort((keep, -scores[keep]))].astype(np.int64)
