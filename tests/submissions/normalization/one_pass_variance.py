"""The variance in one pass, ``mean(x**2) - mean(x)**2``, in the input's dtype. In float32 with a mean of 1e4
and a spread of 1, ``mean(x**2)`` is about 1e8, whose float32 ulp is 8: the difference has no correct digit
left (it can even come out negative). Two passes (the mean, then the mean of the squared deviations) or
Welford's update are stable."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError("x must be (N, C, ...)")
    C = x.shape[1]
    axes = (0, *range(2, x.ndim))
    shape = (1, C) + (1,) * (x.ndim - 2)
    n = x.size // C if C else 0
    new_mean, new_var = running_mean.copy(), running_var.copy()
    if training:
        if n == 1:
            raise ValueError("expected more than 1 value per channel when training")
        if n == 0:
            return x.copy(), new_mean, new_var, (x.copy(), np.zeros(shape), gamma, beta, training, axes)
        mean = x.mean(axis=axes)
        var = np.maximum((x * x).mean(axis=axes) - mean * mean, 0)
        new_mean = ((1 - momentum) * running_mean + momentum * mean).astype(running_mean.dtype)
        new_var = ((1 - momentum) * running_var + momentum * var * n / (n - 1)).astype(running_var.dtype)
    else:
        mean, var = running_mean, running_var
    std = np.sqrt(var + eps).reshape(shape)
    xhat = (x - mean.reshape(shape)) / std
    out = xhat if gamma is None else xhat * gamma.reshape(shape)
    out = out if beta is None else out + beta.reshape(shape)
    return out.astype(x.dtype), new_mean, new_var, (xhat, std, gamma, beta, training, axes)


def batch_norm_backward(dout, cache):
    xhat, std, gamma, beta, training, axes = cache
    shape = std.shape
    dxhat = dout if gamma is None else dout * gamma.reshape(shape)
    if training and xhat.size:
        dx = (dxhat - dxhat.mean(axis=axes, keepdims=True) - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) / std
    else:
        dx = dxhat / std if xhat.size else np.zeros_like(xhat)
    dgamma = None if gamma is None else (dout * xhat).sum(axis=axes).astype(xhat.dtype)
    dbeta = None if beta is None else np.sum(dout, axis=axes).astype(xhat.dtype)
    return dx.astype(xhat.dtype), dgamma, dbeta
