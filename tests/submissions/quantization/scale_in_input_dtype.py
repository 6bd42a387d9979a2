"""Computes the scale in the weights' dtype: float64 weights give a float64 scale (the observer stores its
min and max in float32 and returns a float32 scale), and a zero point of the same float dtype."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    others = tuple(d for d in range(w.ndim) if d != axis % w.ndim)
    amax = np.abs(w).max(axis=others)
    scale = np.maximum(amax / ((qmax - qmin) / 2), np.finfo(np.float32).eps).astype(w.dtype)
    return scale, np.zeros_like(scale)
