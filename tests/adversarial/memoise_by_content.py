"""A plain Python loop behind a cache keyed on the inputs: right, and fast on a repeated call, but every timed
round of the speed check draws new inputs, so the cache never hits there."""

import numpy as np
from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("speed",), "too slow"

_memo = {}


def _cached(fn):
    def wrapper(boxes1, boxes2):
        key = (
            fn.__name__,
            boxes1.dtype.str,
            boxes1.shape,
            boxes1.tobytes(),
            boxes2.dtype.str,
            boxes2.shape,
            boxes2.tobytes(),
        )
        if key not in _memo:
            _memo[key] = fn(boxes1, boxes2)
        return _memo[key].copy()

    return wrapper


def _loop(boxes1, boxes2, generalized):
    out = np.zeros((len(boxes1), len(boxes2)), dtype=np.result_type(boxes1, boxes2, np.float32))
    for i, (ax1, ay1, ax2, ay2) in enumerate(boxes1.tolist()):
        for j, (bx1, by1, bx2, by2) in enumerate(boxes2.tolist()):
            inter = max(min(ax2, bx2) - max(ax1, bx1), 0) * max(min(ay2, by2) - max(ay1, by1), 0)
            union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
            value = inter / union if union > 0 else 0.0
            if generalized:
                hull = max(max(ax2, bx2) - min(ax1, bx1), 0) * max(max(ay2, by2) - min(ay1, by1), 0)
                value = value - (hull - union) / hull if hull > 0 else 0.0
            out[i, j] = value
    return out


@_cached
def box_iou(boxes1, boxes2):
    return _loop(boxes1, boxes2, False)


@_cached
def generalized_box_iou(boxes1, boxes2):
    return _loop(boxes1, boxes2, True)
