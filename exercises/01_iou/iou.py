"""Kata 01: box area, IoU and generalized IoU for axis-aligned boxes.

Boxes are ``(x1, y1, x2, y2)`` in absolute, continuous pixel coordinates with ``x1 <= x2`` and ``y1 <= y2``:
a box's width is ``x2 - x1`` (no "+1"). All functions accept float32 and float64 arrays and return the
float dtype of their inputs (``np.result_type`` of the inputs). No Python loop over boxes is needed.
"""

import numpy as np


def box_area(boxes: np.ndarray) -> np.ndarray:
    """Area of each box.

    Args:
        boxes: (N, 4) float array of ``(x1, y1, x2, y2)`` boxes.

    Returns:
        (N,) array, same dtype as ``boxes``: ``(x2 - x1) * (y2 - y1)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """Intersection over union of every pair of boxes, as ``torchvision.ops.box_iou``.

    Args:
        boxes1: (N, 4) float array of ``(x1, y1, x2, y2)`` boxes.
        boxes2: (M, 4) float array of ``(x1, y1, x2, y2)`` boxes.

    Returns:
        (N, M) array of IoU values in [0, 1], dtype ``np.result_type(boxes1, boxes2)``. A pair whose
        union is 0 (two degenerate boxes) has IoU 0.0, where torchvision would give NaN.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def generalized_box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """Generalized IoU of every pair of boxes, as ``torchvision.ops.generalized_box_iou``.

    ``GIoU = IoU - (C - U) / C`` where ``U`` is the union's area and ``C`` the area of the smallest box
    enclosing both.

    Args:
        boxes1: (N, 4) float array of ``(x1, y1, x2, y2)`` boxes.
        boxes2: (M, 4) float array of ``(x1, y1, x2, y2)`` boxes.

    Returns:
        (N, M) array of GIoU values in [-1, 1], dtype ``np.result_type(boxes1, boxes2)``. The IoU of a
        zero-union pair counts as 0 (so two distinct points give -1); where ``C`` is 0 the value is 0.0.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def _as_float_pair(boxes1: np.ndarray, boxes2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optional helper: both box arrays as (N, 4) and (M, 4) arrays of their common float dtype."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _intersection(boxes1: np.ndarray, boxes2: np.ndarray, enclosing: bool = False) -> np.ndarray:
    """Optional helper: (N, M) areas of the pairwise intersections, or of the enclosing boxes when
    ``enclosing`` is True."""
    # YOUR CODE HERE
    raise NotImplementedError()
