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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()
