"""No check of the targets' range: a target of -1 (not ignore_index) silently picks the last class through
NumPy's negative indexing, and a target of C raises IndexError instead of ValueError."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _prepare(logits, target, weight, ignore_index, reduction, label_smoothing):
    if reduction not in ref.REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}")
    e = float(label_smoothing)
    if not 0.0 <= e <= 1.0:
        raise ValueError("label_smoothing must be in [0, 1]")
    logits, target = np.asarray(logits), np.asarray(target)
    N, C = logits.shape[:2]
    L = int(np.prod(logits.shape[2:], dtype=np.int64))
    dtype = np.result_type(logits, *([] if weight is None else [np.asarray(weight)]), np.float32)
    x = logits.astype(dtype, copy=False).reshape(N, C, L)
    t = target.astype(np.int64).reshape(N, L)
    w = None if weight is None else np.asarray(weight).astype(dtype)
    return x, t, w, e, target.shape


ref._prepare = _prepare
