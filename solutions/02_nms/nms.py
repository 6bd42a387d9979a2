"""Kata 02: greedy non-maximum suppression, single-class and batched (one NMS per class).

Boxes are ``(x1, y1, x2, y2)`` in absolute, continuous pixel coordinates (width = ``x2 - x1``, no "+1").
IoU is computed in the boxes' dtype. Kept indices come back as an int64 array in decreasing score order,
equal scores keeping the lower index first. The greedy loop over kept boxes is inherently sequential;
the work inside each step should be vectorised.
"""

import numpy as np


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression, as ``torchvision.ops.nms``.

    Visit the boxes by decreasing score (ties: lower index first). A box is kept unless its IoU with an
    already kept box is strictly greater than ``iou_threshold``.

    Args:
        boxes: (N, 4) float array of ``(x1, y1, x2, y2)`` boxes.
        scores: (N,) float array, same dtype as ``boxes``.
        iou_threshold: boxes overlapping a kept box with IoU > iou_threshold are discarded.

    Returns:
        (K,) int64 array: indices into ``boxes`` of the kept boxes, by decreasing score.
    """
    ### BEGIN SOLUTION
    boxes = np.asarray(boxes)
    scores = np.asarray(scores)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = (np.ascontiguousarray(boxes[order, k]) for k in range(4))
    areas = (x2 - x1) * (y2 - y1)
    keep = []
    alive = np.arange(boxes.shape[0])  # positions in ``order`` not yet kept or suppressed
    with np.errstate(divide="ignore", invalid="ignore"):
        while alive.size:
            i, rest = alive[0], alive[1:]
            keep.append(i)
            w = np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest])
            h = np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest])
            inter = np.maximum(w, 0) * np.maximum(h, 0)
            iou = inter / (areas[i] + areas[rest] - inter)
            # ``not >`` rather than ``<=`` keeps NaN IoUs (zero-area pairs) alive, as the C++ kernel does.
            alive = rest[~(iou > iou_threshold)]
    return order[np.asarray(keep, dtype=np.int64)].astype(np.int64)
    ### END SOLUTION


def batched_nms(boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Non-maximum suppression within each class independently, as ``torchvision.ops.batched_nms``.

    Boxes of different classes never suppress each other.

    Args:
        boxes: (N, 4) float array of ``(x1, y1, x2, y2)`` boxes.
        scores: (N,) float array, same dtype as ``boxes``.
        class_ids: (N,) integer array: the class of each box.
        iou_threshold: as in :func:`nms`.

    Returns:
        (K,) int64 array: indices of the kept boxes of all classes, by decreasing score (ties: lower
        index first).
    """
    ### BEGIN SOLUTION
    boxes = np.asarray(boxes)
    scores = np.asarray(scores)
    class_ids = np.asarray(class_ids)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    # Group the boxes by class (stable, so each group keeps index order), then run NMS per group.
    by_class = np.argsort(class_ids, kind="stable")
    starts = np.flatnonzero(np.r_[True, class_ids[by_class][1:] != class_ids[by_class][:-1]])
    kept = [members[nms(boxes[members], scores[members], iou_threshold)] for members in np.split(by_class, starts[1:])]
    keep = np.concatenate(kept)
    # Decreasing score, ties by lower index: lexsort sorts by its last key first.
    return keep[np.lexsort((keep, -scores[keep]))].astype(np.int64)
    ### END SOLUTION
