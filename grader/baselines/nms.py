"""Baseline for kata 02: greedy NMS in numba, written as torchvision's C++ CPU kernel, and the speed workload."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _nms_kernel(boxes, scores, iou_threshold):
    n = boxes.shape[0]
    order = np.argsort(-scores, kind="mergesort")  # stable: equal scores keep the lower index first
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = np.zeros(n, dtype=np.bool_)
    keep = np.empty(n, dtype=np.int64)
    kept = 0
    for _i in range(n):
        i = order[_i]
        if suppressed[i]:
            continue
        keep[kept] = i
        kept += 1
        ix1, iy1, ix2, iy2 = boxes[i, 0], boxes[i, 1], boxes[i, 2], boxes[i, 3]
        for _j in range(_i + 1, n):
            j = order[_j]
            if suppressed[j]:
                continue
            w = max(min(ix2, boxes[j, 2]) - max(ix1, boxes[j, 0]), 0)
            h = max(min(iy2, boxes[j, 3]) - max(iy1, boxes[j, 1]), 0)
            inter = w * h
            ovr = inter / (areas[i] + areas[j] - inter)
            if ovr > iou_threshold:
                suppressed[j] = True
    return keep[:kept]


@njit(cache=True, nogil=True)
def _batched_kernel(boxes, scores, class_ids, iou_threshold):
    by_class = np.argsort(class_ids, kind="mergesort")
    n = boxes.shape[0]
    keep = np.empty(n, dtype=np.int64)
    kept = 0
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and class_ids[by_class[stop]] == class_ids[by_class[start]]:
            stop += 1
        members = by_class[start:stop]
        local = _nms_kernel(boxes[members], scores[members], iou_threshold)
        for k in range(local.shape[0]):
            keep[kept] = members[local[k]]
            kept += 1
        start = stop
    keep = keep[:kept]
    # decreasing score, ties by lower index: sort by index, then stably by -score
    keep = np.sort(keep)
    return keep[np.argsort(-scores[keep], kind="mergesort")]


def _prepare(boxes, scores):
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    dtype = np.result_type(boxes, scores, np.float32)
    return np.ascontiguousarray(boxes, dtype=dtype).reshape(-1, 4), np.ascontiguousarray(scores, dtype=dtype)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """(K,) int64 indices kept by greedy NMS, by decreasing score."""
    boxes, scores = _prepare(boxes, scores)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    return _nms_kernel(boxes, scores, float(iou_threshold))


def batched_nms(boxes, scores, class_ids, iou_threshold: float) -> np.ndarray:
    """(K,) int64 indices kept by per-class NMS, by decreasing score (ties: lower index first)."""
    boxes, scores = _prepare(boxes, scores)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    return _batched_kernel(boxes, scores, np.ascontiguousarray(class_ids, dtype=np.int64), float(iou_threshold))


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = "nms on 5000 clustered float32 boxes + batched_nms on 5000 boxes of 20 classes, IoU 0.5"
_N = 5000


def clustered_boxes(rng: np.random.Generator, n: int, clusters: int = 50, dtype=np.float32):
    """(n, 4) boxes jittered around ``clusters`` centres (as a detector's raw output is), (n,) scores, and
    (n,) the cluster of each box."""
    centres = rng.uniform(0, 1000, size=(clusters, 2))
    sizes = rng.uniform(20, 200, size=(clusters, 2))
    which = rng.integers(0, clusters, size=n)
    centre = centres[which] + rng.normal(0, 0.15, size=(n, 2)) * sizes[which]
    half = sizes[which] * rng.uniform(0.35, 0.65, size=(n, 2))
    boxes = np.concatenate([centre - half, centre + half], axis=1).astype(dtype)
    scores = rng.uniform(0, 1, size=n).astype(dtype)
    return boxes, scores, which


def make_inputs(rng: np.random.Generator):
    boxes, scores, cluster = clustered_boxes(rng, _N)
    # mostly one class per cluster, as in a detector's output, with some confusion between classes
    class_ids = np.where(rng.uniform(size=_N) < 0.8, cluster % 20, rng.integers(0, 20, size=_N))
    return boxes, scores, class_ids


def run_baseline(inputs):
    boxes, scores, class_ids = inputs
    return nms(boxes, scores, 0.5), batched_nms(boxes, scores, class_ids, 0.5)


def run_submission(module, inputs):
    boxes, scores, class_ids = inputs
    return module.nms(boxes, scores, 0.5), module.batched_nms(boxes, scores, class_ids, 0.5)


def compare(got, expected) -> str | None:
    for name, g, e in zip(("nms", "batched_nms"), got, expected):
        g = np.asarray(g)
        if g.shape != e.shape or not np.array_equal(g, e):
            return f"{name} kept {g.shape[0] if g.ndim else '?'} boxes, the baseline {e.shape[0]}, or in another order"
    return None
