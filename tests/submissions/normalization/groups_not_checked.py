"""Group norm without checking that num_groups divides C: ``x.reshape(N * G, -1)`` succeeds whenever
``C * H * W`` is a multiple of G (6 channels of 2 values in 4 groups of 3 values), and the groups then cut
through channels. torch refuses; the kata raises ValueError."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def group_norm_forward(x, num_groups, gamma=None, beta=None, eps=1e-5):
    x = np.asarray(x)
    N, C = x.shape[:2]
    if num_groups < 1:
        raise ValueError("num_groups must be positive")
    if N * C * int(np.prod(x.shape[2:])) // num_groups == 1:
        raise ValueError("expected more than 1 value per group")
    x3 = x.reshape(N, C, -1)
    xhat, invstd = ref._normalize_rows(x3.reshape(N * num_groups, -1), eps)
    xhat = xhat.reshape(x3.shape)
    out = xhat if gamma is None else xhat * np.asarray(gamma).reshape(1, C, 1)
    out = out if beta is None else out + np.asarray(beta).reshape(1, C, 1)
    return out.reshape(x.shape), (xhat, invstd, gamma, beta, x.shape, num_groups)


def group_norm_backward(dout, cache):
    xhat, invstd, gamma, beta, shape, G = cache
    N, C, L = xhat.shape
    dout = np.asarray(dout).reshape(N, C, L)
    dxhat = dout if gamma is None else dout * np.asarray(gamma).reshape(1, C, 1)
    dx = ref._normalize_rows_backward(dxhat.reshape(N * G, -1), xhat.reshape(N * G, -1), invstd)
    dgamma = None if gamma is None else (dout * xhat).sum(axis=(0, 2))
    dbeta = None if beta is None else dout.sum(axis=(0, 2))
    return dx.reshape(shape), dgamma, dbeta
