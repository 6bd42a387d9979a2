"""No lower bound on the scale: an all-zero channel (a dead filter) gets scale 0, and fake quantisation then
computes 0 * (1 / 0) = NaN for it."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    others = tuple(d for d in range(w.ndim) if d != axis % w.ndim)
    amax = np.abs(w).max(axis=others).astype(np.float32)
    scale = amax / np.float32((qmax - qmin) / 2)
    return scale, np.zeros(scale.shape, dtype=np.int64)
