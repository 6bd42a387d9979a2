"""The fully-connected batch norm (cs231n's ``x.mean(axis=0)``) applied to images: one mean and variance per
(channel, row, column), over the batch only. For convolutional activations the statistics are per channel,
over the batch AND every spatial position. The running statistics get the spatial average of those."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError("x must be (N, C, ...)")
    C = x.shape[1]
    shape = (1, C) + (1,) * (x.ndim - 2)
    g = np.ones(shape) if gamma is None else np.asarray(gamma).reshape(shape)
    b = np.zeros(shape) if beta is None else np.asarray(beta).reshape(shape)
    if training:
        if x.shape[0] * int(np.prod(x.shape[2:])) == 1:
            raise ValueError("expected more than 1 value per channel when training")
        if x.size == 0:
            return x.copy(), running_mean.copy(), running_var.copy(), (x.copy(), None, gamma, beta, False)
        mu = x.mean(axis=0, keepdims=True)
        var = x.var(axis=0, keepdims=True)
        n = x.shape[0]
        spatial = tuple(range(2, x.ndim))
        new_mean = (1 - momentum) * running_mean + momentum * mu.mean(axis=spatial).reshape(C)
        unbiased = var * n / max(n - 1, 1)
        new_var = (1 - momentum) * running_var + momentum * unbiased.mean(axis=spatial).reshape(C)
    else:
        mu, var = np.reshape(running_mean, shape), np.reshape(running_var, shape)
        new_mean, new_var = running_mean.copy(), running_var.copy()
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    out = (g * xhat + b).astype(x.dtype)
    return out, new_mean.astype(x.dtype), new_var.astype(x.dtype), (xhat, std, gamma, beta, training)


def batch_norm_backward(dout, cache):
    xhat, std, gamma, beta, training = cache
    if std is None:
        C = xhat.shape[1]
        return xhat.copy(), None if gamma is None else np.zeros(C), None if beta is None else np.zeros(C)
    C = xhat.shape[1]
    shape = (1, C) + (1,) * (xhat.ndim - 2)
    axes = (0, *range(2, xhat.ndim))
    g = np.ones(shape) if gamma is None else np.asarray(gamma).reshape(shape)
    dxhat = dout * g
    if training:
        dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / std
    else:
        dx = dxhat / std
    dgamma = None if gamma is None else (dout * xhat).sum(axis=axes).astype(xhat.dtype)
    dbeta = None if beta is None else dout.sum(axis=axes).astype(xhat.dtype)
    return dx.astype(xhat.dtype), dgamma, dbeta
