"""The scale divides the channel's absolute maximum by qmax (127), not by (qmax - qmin) / 2 = 127.5 as
torch's observer does: every scale is 0.4% too large."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    others = tuple(d for d in range(w.ndim) if d != axis % w.ndim)
    amax = np.abs(w).max(axis=others).astype(np.float32)
    scale = np.maximum(amax / np.float32(qmax), np.finfo(np.float32).eps)
    return scale, np.zeros(scale.shape, dtype=np.int64)
