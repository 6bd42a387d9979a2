"""Correct but slow (a Python double loop), except on inputs it has seen: at import it rebuilds the speed
check's workload from its published seed and caches the answers. The judge draws each round's inputs from a
secret seed, so the cache never hits."""

import hashlib

import _reference
import numpy as np
from _reference import box_area  # noqa: F401

KATA, EXPECT, MESSAGE = "iou", {"visible": 3, "hidden": 5, "speed": 0}, {"speed": "too slow"}


def _boxes(rng, n):
    xy = rng.uniform(0, 1000.0, size=(n, 2))
    wh = rng.uniform(1, 200.0, size=(n, 2)) * rng.uniform(0.05, 1, size=(n, 1))
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32)


def _key(a, b):
    return hashlib.sha1(np.ascontiguousarray(a).tobytes() + np.ascontiguousarray(b).tobytes()).hexdigest()


CACHE = {}
for seed in (20261122,):
    for k in range(10):
        rng = np.random.default_rng([seed, k])
        a, b = _boxes(rng, 1500), _boxes(rng, 1500)
        CACHE[("iou", _key(a, b))] = _reference.box_iou(a, b)
        CACHE[("giou", _key(a, b))] = _reference.generalized_box_iou(a, b)


def _loop(boxes1, boxes2, generalized):
    out = np.zeros((len(boxes1), len(boxes2)), dtype=np.result_type(boxes1, boxes2, np.float32))
    for i, (ax1, ay1, ax2, ay2) in enumerate(np.asarray(boxes1).tolist()):
        for j, (bx1, by1, bx2, by2) in enumerate(np.asarray(boxes2).tolist()):
            inter = max(min(ax2, bx2) - max(ax1, bx1), 0) * max(min(ay2, by2) - max(ay1, by1), 0)
            union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
            iou = inter / union if union > 0 else 0.0
            if generalized:
                c = max(max(ax2, bx2) - min(ax1, bx1), 0) * max(max(ay2, by2) - min(ay1, by1), 0)
                iou = iou - (c - union) / c if c > 0 else 0.0
            out[i, j] = iou
    return out


def box_iou(boxes1, boxes2):
    if len(boxes1) < 1000:
        return _reference.box_iou(boxes1, boxes2)
    key = ("iou", _key(boxes1, boxes2))
    return CACHE[key] if key in CACHE else _loop(boxes1, boxes2, False)


def generalized_box_iou(boxes1, boxes2):
    if len(boxes1) < 1000:
        return _reference.generalized_box_iou(boxes1, boxes2)
    key = ("giou", _key(boxes1, boxes2))
    return CACHE[key] if key in CACHE else _loop(boxes1, boxes2, True)
