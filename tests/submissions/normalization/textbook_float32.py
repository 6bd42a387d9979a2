"""Correct: the textbook formulas written directly, everything in the input's dtype (float32 stays float32 for
the sums too), numpy means with keepdims, a two-pass variance, and the backward as
``(dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std``. Must get full marks: the float32 tolerances allow
its rounding."""

import numpy as np

CAUGHT_BY = None


def _dt(x, g, b):
    return np.result_type(x, *[a for a in (g, b) if a is not None])


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    if x.ndim < 2:
        raise ValueError("x must be (N, C, ...)")
    C = x.shape[1]
    for name, a in (("gamma", gamma), ("beta", beta), ("running_mean", running_mean), ("running_var", running_var)):
        if a is not None and np.shape(a) != (C,):
            raise ValueError(name)
    dt = _dt(x, gamma, beta)
    x = x.astype(dt)
    axes = (0,) + tuple(range(2, x.ndim))
    sh = (1, C) + (1,) * (x.ndim - 2)
    n = x.size // C if C else 0
    rm = None if running_mean is None else running_mean.copy()
    rv = None if running_var is None else running_var.copy()
    if training:
        if n == 1:
            raise ValueError("one value")
        if x.size == 0:
            out = np.empty_like(x)
            return out, rm, rv, (out, np.ones(sh, dt), gamma, beta, axes, True)
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
        if rm is not None:
            rm = (1 - momentum) * rm + momentum * mu.reshape(C)
            rv = (1 - momentum) * rv + momentum * var.reshape(C) * n / (n - 1)
    else:
        mu = running_mean.reshape(sh).astype(dt)
        var = running_var.reshape(sh).astype(dt)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    out = xhat * (1 if gamma is None else gamma.reshape(sh)) + (0 if beta is None else beta.reshape(sh))
    return out.astype(dt), rm, rv, (xhat, std, gamma, beta, axes, training)


def batch_norm_backward(dout, cache):
    xhat, std, gamma, beta, axes, training = cache
    C = xhat.shape[1]
    sh = (1, C) + (1,) * (xhat.ndim - 2)
    dout = dout.astype(xhat.dtype)
    dxhat = dout * (1 if gamma is None else gamma.reshape(sh))
    if training and xhat.size:
        dx = (dxhat - dxhat.mean(axis=axes, keepdims=True) - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) / std
    else:
        dx = dxhat / std
    dg = None if gamma is None else (dout * xhat).sum(axis=axes)
    db = None if beta is None else dout.sum(axis=axes)
    return dx.astype(xhat.dtype), dg, db


def _rows(r, eps):
    mu = r.mean(axis=1, keepdims=True)
    var = ((r - mu) ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    return (r - mu) / std, std


def _rows_back(dxh, xh, std):
    return (dxh - dxh.mean(axis=1, keepdims=True) - xh * (dxh * xh).mean(axis=1, keepdims=True)) / std


def layer_norm_forward(x, normalized_shape, gamma=None, beta=None, eps=1e-5):
    ns = (normalized_shape,) if np.ndim(normalized_shape) == 0 else tuple(normalized_shape)
    if x.shape[x.ndim - len(ns) :] != ns:
        raise ValueError("normalized_shape")
    for name, a in (("gamma", gamma), ("beta", beta)):
        if a is not None and np.shape(a) != ns:
            raise ValueError(name)
    dt = _dt(x, gamma, beta)
    K = int(np.prod(ns))
    r = x.astype(dt).reshape(-1, K)
    if r.size == 0:
        return np.empty(x.shape, dt), (r, None, gamma, beta, x.shape, ns)
    xh, std = _rows(r, eps)
    out = xh * (1 if gamma is None else gamma.reshape(1, K)) + (0 if beta is None else beta.reshape(1, K))
    return out.reshape(x.shape).astype(dt), (xh, std, gamma, beta, x.shape, ns)


def layer_norm_backward(dout, cache):
    xh, std, gamma, beta, shape, ns = cache
    K = xh.shape[1]
    d = dout.astype(xh.dtype).reshape(-1, K)
    if xh.size == 0:
        dx = np.zeros(shape, xh.dtype)
    else:
        dx = _rows_back(d * (1 if gamma is None else gamma.reshape(1, K)), xh, std).reshape(shape)
    dg = None if gamma is None else (d * xh).sum(0).reshape(ns)
    db = None if beta is None else d.sum(0).reshape(ns)
    return dx, dg, db


def group_norm_forward(x, num_groups, gamma=None, beta=None, eps=1e-5):
    N, C = x.shape[:2]
    if num_groups < 1 or C % num_groups:
        raise ValueError("num_groups")
    if N * (C // num_groups) * int(np.prod(x.shape[2:])) == 1:
        raise ValueError("one value")
    for name, a in (("gamma", gamma), ("beta", beta)):
        if a is not None and np.shape(a) != (C,):
            raise ValueError(name)
    dt = _dt(x, gamma, beta)
    L = int(np.prod(x.shape[2:]))
    x3 = x.astype(dt).reshape(N, C, L)
    if x3.size == 0:
        return np.empty(x.shape, dt), (x3, None, gamma, beta, x.shape, num_groups)
    xh, std = _rows(x3.reshape(N * num_groups, -1), eps)
    xh = xh.reshape(N, C, L)
    out = xh * (1 if gamma is None else gamma.reshape(1, C, 1)) + (0 if beta is None else beta.reshape(1, C, 1))
    return out.reshape(x.shape).astype(dt), (xh, std, gamma, beta, x.shape, num_groups)


def group_norm_backward(dout, cache):
    xh, std, gamma, beta, shape, G = cache
    N, C, L = xh.shape
    d = dout.astype(xh.dtype).reshape(N, C, L)
    if xh.size == 0:
        dx = np.zeros(shape, xh.dtype)
    else:
        dxh = d * (1 if gamma is None else gamma.reshape(1, C, 1))
        dx = _rows_back(dxh.reshape(N * G, -1), xh.reshape(N * G, -1), std).reshape(shape)
    dg = None if gamma is None else (d * xh).sum(axis=(0, 2))
    db = None if beta is None else d.sum(axis=(0, 2))
    return dx, dg, db
