"""Correct, but batch norm written value by value: Python loops over every entry of every channel for the mean,
the variance, the output and both sums of the backward. The speed check must fail it by a wide margin."""

import math

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "speed"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError("x must be (N, C, ...)")
    N, C = x.shape[:2]
    L = math.prod(x.shape[2:])
    for name, a in (("running_mean", running_mean), ("running_var", running_var), ("gamma", gamma), ("beta", beta)):
        if a is not None and np.shape(a) != (C,):
            raise ValueError(f"{name} must have shape ({C},)")
    x3 = x.reshape(N, C, L)
    n = N * L
    if training and n == 1:
        raise ValueError("expected more than 1 value per channel when training")
    out = np.empty((N, C, L), x.dtype)
    means, invstds = [], []
    new_mean = None if running_mean is None else running_mean.copy()
    new_var = None if running_var is None else running_var.copy()
    for c in range(C):
        if training:
            if n == 0:
                means.append(0.0)
                invstds.append(0.0)
                continue
            total = 0.0
            for i in range(N):
                for j in range(L):
                    total += float(x3[i, c, j])
            mean = total / n
            squares = 0.0
            for i in range(N):
                for j in range(L):
                    d = float(x3[i, c, j]) - mean
                    squares += d * d
            var = squares / n
            if new_mean is not None:
                new_mean[c] = (1 - momentum) * running_mean[c] + momentum * mean
                new_var[c] = (1 - momentum) * running_var[c] + momentum * var * n / (n - 1)
        else:
            mean, var = float(running_mean[c]), float(running_var[c])
        invstd = 1.0 / math.sqrt(var + eps)
        g = 1.0 if gamma is None else float(gamma[c])
        b = 0.0 if beta is None else float(beta[c])
        for i in range(N):
            for j in range(L):
                out[i, c, j] = (float(x3[i, c, j]) - mean) * invstd * g + b
        means.append(mean)
        invstds.append(invstd)
    cache = (x3, means, invstds, gamma, beta, training, x.shape)
    return out.reshape(x.shape), new_mean, new_var, cache


def batch_norm_backward(dout, cache):
    x3, means, invstds, gamma, beta, training, shape = cache
    N, C, L = x3.shape
    n = N * L
    d3 = np.asarray(dout).reshape(N, C, L)
    dx = np.zeros((N, C, L), x3.dtype)
    dgamma = np.zeros(C, x3.dtype)
    dbeta = np.zeros(C, x3.dtype)
    for c in range(C):
        mean, invstd = means[c], invstds[c]
        g = 1.0 if gamma is None else float(gamma[c])
        sum_d = 0.0
        sum_dx = 0.0
        for i in range(N):
            for j in range(L):
                d = float(d3[i, c, j])
                sum_d += d
                sum_dx += d * (float(x3[i, c, j]) - mean) * invstd
        dgamma[c] = sum_dx
        dbeta[c] = sum_d
        for i in range(N):
            for j in range(L):
                d = float(d3[i, c, j])
                if training:
                    xhat = (float(x3[i, c, j]) - mean) * invstd
                    dx[i, c, j] = g * invstd * (d - sum_d / n - xhat * sum_dx / n)
                else:
                    dx[i, c, j] = g * invstd * d
    return dx.reshape(shape), None if gamma is None else dgamma, None if beta is None else dbeta
