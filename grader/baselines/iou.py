"""Baseline for kata 01: pairwise IoU and GIoU in Cython (``_iou_kernels.pyx``), and the speed workload."""

from __future__ import annotations

import numpy as np

from grader.baselines._iou_kernels import pairwise_iou


def _prepare(boxes1, boxes2) -> tuple[np.ndarray, np.ndarray]:
    boxes1, boxes2 = np.asarray(boxes1), np.asarray(boxes2)
    dtype = np.result_type(boxes1, boxes2, np.float32)
    return (
        np.ascontiguousarray(boxes1, dtype=dtype).reshape(-1, 4),
        np.ascontiguousarray(boxes2, dtype=dtype).reshape(-1, 4),
    )


def box_area(boxes: np.ndarray) -> np.ndarray:
    """(N,) areas of (N, 4) boxes, in their dtype."""
    boxes = np.asarray(boxes)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _pairwise(boxes1, boxes2, generalized: bool) -> np.ndarray:
    boxes1, boxes2 = _prepare(boxes1, boxes2)
    columns2 = np.empty((5, boxes2.shape[0]), dtype=boxes2.dtype)
    columns2[:4] = boxes2.T
    columns2[4] = box_area(boxes2)
    out = np.empty((boxes1.shape[0], boxes2.shape[0]), dtype=boxes1.dtype)
    pairwise_iou(boxes1, columns2, out, generalized)
    return out


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """(N, M) IoU of (N, 4) and (M, 4) boxes; 0 where the union is 0."""
    return _pairwise(boxes1, boxes2, False)


def generalized_box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """(N, M) GIoU of (N, 4) and (M, 4) boxes; 0 where the enclosing box has area 0."""
    return _pairwise(boxes1, boxes2, True)


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = "box_iou + generalized_box_iou, 1500 x 1500 float32 boxes"
_N = 1500


def random_boxes(rng: np.random.Generator, n: int, dtype=np.float32, extent: float = 1000.0) -> np.ndarray:
    """(n, 4) random boxes of mixed sizes inside an ``extent`` x ``extent`` image."""
    xy = rng.uniform(0, extent, size=(n, 2))
    wh = rng.uniform(1, extent / 5, size=(n, 2)) * rng.uniform(0.05, 1, size=(n, 1))
    return np.concatenate([xy, xy + wh], axis=1).astype(dtype)


def make_inputs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return random_boxes(rng, _N), random_boxes(rng, _N)


def run_baseline(inputs):
    return box_iou(*inputs), generalized_box_iou(*inputs)


def run_submission(module, inputs):
    return module.box_iou(*inputs), module.generalized_box_iou(*inputs)


def compare(got, expected) -> str | None:
    for name, g, e in zip(("box_iou", "generalized_box_iou"), got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name} returned shape {g.shape}, expected {e.shape}"
        if not np.allclose(g, e, rtol=1e-5, atol=1e-5):
            worst = np.nanmax(np.abs(g.astype(np.float64) - e))
            return f"{name} differs from the baseline by up to {worst:.3g}"
    return None
