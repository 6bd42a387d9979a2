"""Baseline for kata 02: greedy NMS in numba, as torchvision's C++ CPU kernel computes it, and the speed workload.

The IoU of each pair is torchvision's, in the boxes' dtype (``inter / (area_i + area_j - inter)``), compared with
the threshold in float64. Two things make it faster than the C++ kernel's loop over every later box:
- the boxes are gathered once in score order into contiguous arrays, and after each kept box the survivors are
  packed to the front, so a suppressed box is never looked at again and every read is sequential;
- the score order comes from one sort of 64-bit keys (float32 scores) instead of a stable argsort.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def _greedy(boxes, members, iou_threshold, x1, y1, x2, y2, area, idx, keep, kept):
    """Greedy NMS over ``boxes[members]``, visited in the order of ``members`` (decreasing score). Appends the
    kept indices (into ``boxes``) to ``keep`` from position ``kept`` and returns the new count. ``x1`` ... ``idx``
    are scratch arrays of at least ``len(members)`` entries."""
    m = members.shape[0]
    for p in range(m):
        k = members[p]
        x1[p], y1[p], x2[p], y2[p] = boxes[k, 0], boxes[k, 1], boxes[k, 2], boxes[k, 3]
        area[p] = (x2[p] - x1[p]) * (y2[p] - y1[p])
        idx[p] = k
    zero = area.dtype.type(0)  # in the boxes' dtype, so that no step widens to float64
    # With inter = 0 the IoU is 0 (or 0/0 = NaN for two zero-area boxes: error_model="numpy" gives NaN, not an
    # exception), which exceeds no threshold >= 0: the division is only needed when the boxes overlap.
    zero_can_suppress = iou_threshold < 0
    # The boxes still alive are x1[:m] ... idx[:m], in score order; the first one is kept.
    while m > 0:
        keep[kept] = idx[0]
        kept += 1
        ix1, iy1, ix2, iy2, iarea = x1[0], y1[0], x2[0], y2[0], area[0]
        alive = 0
        for j in range(1, m):
            w = max(min(ix2, x2[j]) - max(ix1, x1[j]), zero)
            h = max(min(iy2, y2[j]) - max(iy1, y1[j]), zero)
            inter = w * h
            # NaN > t is False: a zero union never suppresses
            if (inter > 0 or zero_can_suppress) and inter / (iarea + area[j] - inter) > iou_threshold:
                continue
            x1[alive], y1[alive], x2[alive], y2[alive] = x1[j], y1[j], x2[j], y2[j]
            area[alive], idx[alive] = area[j], idx[j]
            alive += 1
        m = alive
    return kept


@njit(cache=True, nogil=True)
def _scratch(boxes, n):
    """The scratch arrays of ``_greedy`` for up to n boxes: x1, y1, x2, y2 and area in the boxes' dtype, idx."""
    dtype = boxes.dtype
    return (
        np.empty(n, dtype),
        np.empty(n, dtype),
        np.empty(n, dtype),
        np.empty(n, dtype),
        np.empty(n, dtype),
        np.empty(n, np.int64),
    )


@njit(cache=True, nogil=True)
def _nms_kernel(boxes, order, iou_threshold):
    n = order.shape[0]
    x1, y1, x2, y2, area, idx = _scratch(boxes, n)
    keep = np.empty(n, np.int64)
    kept = _greedy(boxes, order, iou_threshold, x1, y1, x2, y2, area, idx, keep, 0)
    return keep[:kept]


@njit(cache=True, nogil=True)
def _batched_kernel(boxes, order, grouped, class_ids, iou_threshold):
    """``grouped``: the indices grouped by class, each class in score order. NMS per class, then the kept
    indices in the global score order ``order``."""
    n = order.shape[0]
    x1, y1, x2, y2, area, idx = _scratch(boxes, n)
    keep = np.empty(n, np.int64)
    kept = 0
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and class_ids[grouped[stop]] == class_ids[grouped[start]]:
            stop += 1
        kept = _greedy(boxes, grouped[start:stop], iou_threshold, x1, y1, x2, y2, area, idx, keep, kept)
        start = stop
    is_kept = np.zeros(n, np.bool_)
    for k in range(kept):
        is_kept[keep[k]] = True
    kept = 0
    for p in range(n):
        if is_kept[order[p]]:
            keep[kept] = order[p]
            kept += 1
    return keep[:kept]


def _score_order(scores: np.ndarray) -> np.ndarray:
    """Indices by decreasing score, equal scores by increasing index: ``np.argsort(-scores, kind="stable")``.
    For float32 scores, one unstable sort of 64-bit keys (the score's bits, mapped so that unsigned order is
    descending score order, above the index) gives the same order several times faster."""
    n = scores.shape[0]
    if scores.dtype != np.float32 or n >= 2**32:
        return np.argsort(-scores, kind="stable")
    bits = (scores + np.float32(0)).view(np.uint32)  # + 0 turns -0.0 into 0.0, which ties with it
    ascending = np.where(bits >> 31, ~bits, bits | np.uint32(0x80000000))  # unsigned order = float order
    ascending[np.isnan(scores)] = 0  # NaN last, as argsort(-scores) puts it
    key = (~ascending).astype(np.uint64) << np.uint64(32)
    key |= np.arange(n, dtype=np.uint64)
    return (np.sort(key) & np.uint64(0xFFFFFFFF)).astype(np.int64)


def _prepare(boxes, scores):
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    dtype = np.result_type(boxes, scores, np.float32)
    return np.ascontiguousarray(boxes, dtype=dtype).reshape(-1, 4), np.ascontiguousarray(scores, dtype=dtype)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """(K,) int64 indices kept by greedy NMS, by decreasing score."""
    boxes, scores = _prepare(boxes, scores)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    return _nms_kernel(boxes, _score_order(scores), float(iou_threshold))


def batched_nms(boxes, scores, class_ids, iou_threshold: float) -> np.ndarray:
    """(K,) int64 indices kept by per-class NMS, by decreasing score (ties: lower index first)."""
    boxes, scores = _prepare(boxes, scores)
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    class_ids = np.ascontiguousarray(class_ids, dtype=np.int64).reshape(-1)
    order = _score_order(scores)
    grouped = order[np.argsort(class_ids[order], kind="stable")]  # by class, each class in score order
    return _batched_kernel(boxes, order, grouped, class_ids, float(iou_threshold))


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
