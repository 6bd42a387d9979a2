"""The weight gradient of each sample overwrites the previous one instead of adding to it (a loop over
the batch with ``=`` where ``+=`` belongs): dw is the last sample's share only."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def conv2d_backward(dout, cache):
    dx, _, db = ref.conv2d_backward(dout, cache)
    w, cols = cache["w"], cache["cols"]
    N, G = cols.shape[:2]
    F = w.shape[0]
    dout_g = np.asarray(dout, dtype=w.dtype).reshape(N, G, F // G, -1)
    dw = np.zeros((G, F // G, cols.shape[2]), dtype=w.dtype)
    for n in range(N):
        dw = np.matmul(dout_g[n], cols[n].transpose(0, 2, 1))
    return dx, dw.reshape(w.shape), db
