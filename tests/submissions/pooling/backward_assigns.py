"""max_pool2d_backward writes each output's gradient at its index with an assignment (fancy-index ``=``), not an
addition: when overlapping windows share a maximum, only one of their gradients survives."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def max_pool2d_backward(dout, indices, input_shape):
    dout = ref._as_float_array(dout, "dout")
    N, C, H, W = ref._input_shape(input_shape)
    dx = np.zeros((N * C, H * W), dtype=dout.dtype)
    planes = np.arange(N * C)[:, None]
    dx[planes, np.asarray(indices).reshape(N * C, -1)] = dout.reshape(N * C, -1)
    return dx.reshape(N, C, H, W)
