"""Groups the elements of each channel with w.reshape(C, -1), C = w.shape[axis]: right for axis 0, but for
any other axis the rows of the reshape are not the channels (the axis has to be moved to the front first)."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    rows = w.reshape(w.shape[axis], -1)
    amax = np.maximum(-np.minimum(rows.min(axis=1), 0), np.maximum(rows.max(axis=1), 0)).astype(np.float32)
    scale = np.maximum(amax / np.float32((qmax - qmin) / 2), np.finfo(np.float32).eps)
    return scale, np.zeros(scale.shape, dtype=np.int64)
