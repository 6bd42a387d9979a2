"""The bias gradient is averaged over the batch (dout.sum((2, 3)).mean(0)) instead of summed: right for a
batch of one, N times too small otherwise."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def conv2d_backward(dout, cache):
    dx, dw, db = ref.conv2d_backward(dout, cache)
    if db is not None:
        db = np.asarray(dout, dtype=db.dtype).sum(axis=(2, 3)).mean(axis=0)
    return dx, dw, db
