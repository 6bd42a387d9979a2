"""Replaces the scale of an all-zero channel by eps, but does not clamp the others: a channel of tiny weights
(max |w| = 1e-6) gets scale 7.8e-9 where torch's observer gives max(amax / 127.5, eps) = eps."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    others = tuple(d for d in range(w.ndim) if d != axis % w.ndim)
    amax = np.abs(w).max(axis=others).astype(np.float32)
    scale = np.where(amax == 0, np.finfo(np.float32).eps, amax / np.float32((qmax - qmin) / 2))
    return scale.astype(np.float32), np.zeros(scale.shape, dtype=np.int64)
