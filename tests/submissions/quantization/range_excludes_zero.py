"""Takes the channel's own [min, max] as the range to spread over the 256 levels, without widening it to
include 0 and without centring it on 0: scale = (max - min) / (qmax - qmin). An all-positive channel in
[0.5, 2] gets 1.5 / 255 instead of 2 / 127.5, and its largest weights are clamped."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    others = tuple(d for d in range(w.ndim) if d != axis % w.ndim)
    lo, hi = w.min(axis=others), w.max(axis=others)
    scale = ((hi - lo) / (qmax - qmin)).astype(np.float32)
    scale = np.maximum(scale, np.finfo(np.float32).eps)
    return scale, np.zeros(scale.shape, dtype=np.int64)
