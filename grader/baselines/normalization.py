"""Baseline for kata 08: batch, layer and group normalization, forward and backward, in numba (one thread),
as torch's CPU kernels compute them, and the speed workload.

Each statistic is gathered where its data sits: batch norm channel by channel (one channel of a (16, 64, 56, 56)
activation is 200 KB, so its three passes run from cache), group norm and layer norm row by row. The mean and
the variance of the centred values are two passes, accumulated in float64 (exact enough for float32 inputs of
any offset); the output is ``x * a + b`` with per-channel ``a = gamma * invstd`` and ``b = beta - mean * a``,
in the input's dtype. The backward keeps no normalized copy of x: it recomputes ``xhat`` from x, the mean and
``invstd``, gathers ``sum(dout)`` and ``sum(dout * xhat)`` per statistic, and writes dx in a second pass.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from numba import njit

_FAST = {"reassoc", "contract", "nsz"}  # reorder the sums into SIMD lanes; NaN and inf still propagate


# --- batch norm: x as (N, C, L), one statistic per channel -------------------------------------------------


@njit(cache=True, nogil=True, fastmath=_FAST)
def _bn_forward(x, gamma, beta, eps, training, mean, var, out):
    """Channel by channel: in training, the batch mean and biased variance (two passes, written to ``mean``
    and ``var``); then, while the channel is still in cache, ``out = x * a + b``."""
    N, C, L = x.shape
    inv = 1.0 / (N * L)
    for c in range(C):
        if training:
            s = 0.0
            for n in range(N):
                for i in range(L):
                    s += x[n, c, i]
            m = s * inv
            q = 0.0
            for n in range(N):
                for i in range(L):
                    d = x[n, c, i] - m
                    q += d * d
            mean[c] = m
            var[c] = q * inv
        a = gamma[c] / math.sqrt(var[c] + eps)
        at = out.dtype.type(a)
        bt = out.dtype.type(beta[c] - mean[c] * a)
        for n in range(N):
            for i in range(L):
                out[n, c, i] = x[n, c, i] * at + bt


@njit(cache=True, nogil=True, fastmath=_FAST)
def _bn_backward(dout, x, mean, invstd, gamma, training, dx, dgamma, dbeta):
    """dgamma, dbeta (float64, per channel) and dx: ``k (dout - sum(dout)/n - xhat sum(dout xhat)/n)`` with
    ``k = gamma * invstd`` in training, ``k * dout`` in eval."""
    N, C, L = x.shape
    n_total = N * L
    for c in range(C):
        m = mean[c]
        sd = 0.0
        sdx = 0.0
        for n in range(N):
            for i in range(L):
                g = np.float64(dout[n, c, i])
                sd += g
                sdx += g * (x[n, c, i] - m)
        sdx *= invstd[c]
        dbeta[c] = sd
        dgamma[c] = sdx
        k = gamma[c] * invstd[c]
        if training and n_total > 0:
            # dx = k * dout + (x - m) * p + q, all in x's dtype
            p = -k * invstd[c] * sdx / n_total
            q = -k * sd / n_total - m * p
            kt = dx.dtype.type(k)
            pt = dx.dtype.type(p)
            qt = dx.dtype.type(q)
            for n in range(N):
                for i in range(L):
                    dx[n, c, i] = dout[n, c, i] * kt + x[n, c, i] * pt + qt
        else:
            kt = dx.dtype.type(k)
            for n in range(N):
                for i in range(L):
                    dx[n, c, i] = dout[n, c, i] * kt


# --- rows: group norm as (N*G, Cg, L) and layer norm as (M, 1, K) ------------------------------------------


@njit(cache=True, nogil=True, fastmath=_FAST)
def _gn_forward(x, gamma, beta, G, eps, mean, invstd, out):
    """x, out: (N, C, L). Group by group (its Cg * L values are contiguous): the mean and the inverse standard
    deviation (two passes, written to ``mean`` and ``invstd`` at row n * G + g), then per channel of the group
    ``out = x * a + b``."""
    N, C, L = x.shape
    Cg = C // G
    K = Cg * L
    for n in range(N):
        for g in range(G):
            c0 = g * Cg
            s = 0.0
            for j in range(Cg):
                for i in range(L):
                    s += x[n, c0 + j, i]
            m = s / K
            q = 0.0
            for j in range(Cg):
                for i in range(L):
                    d = x[n, c0 + j, i] - m
                    q += d * d
            r = n * G + g
            sd = 1.0 / math.sqrt(q / K + eps)
            mean[r] = m
            invstd[r] = sd
            for j in range(Cg):
                c = c0 + j
                a = gamma[c] * sd
                at = out.dtype.type(a)
                bt = out.dtype.type(beta[c] - m * a)
                for i in range(L):
                    out[n, c, i] = x[n, c, i] * at + bt


@njit(cache=True, nogil=True, fastmath=_FAST)
def _gn_backward(dout, x, mean, invstd, gamma, G, dx, dgamma, dbeta):
    N, C, L = x.shape
    Cg = C // G
    K = Cg * L
    ds = np.empty(Cg)  # per channel of the group: sum(dout * x)
    db = np.empty(Cg)  # sum(dout)
    for n in range(N):
        for g in range(G):
            r = n * G + g
            m, s = mean[r], invstd[r]
            sum_d = 0.0  # sum of dxhat = dout * gamma over the group
            sum_dx = 0.0  # sum of dxhat * xhat
            for j in range(Cg):
                c = g * Cg + j
                a = 0.0
                b = 0.0
                for i in range(L):
                    d = np.float64(dout[n, c, i])
                    a += d * (x[n, c, i] - m)
                    b += d
                a *= s
                ds[j] = a
                db[j] = b
                dgamma[c] += a
                dbeta[c] += b
                sum_d += gamma[c] * b
                sum_dx += gamma[c] * a
            # dx = s * (gamma_c dout - sum_d / K - xhat * sum_dx / K)
            p = -s * s * sum_dx / K
            for j in range(Cg):
                c = g * Cg + j
                kt = dx.dtype.type(s * gamma[c])
                pt = dx.dtype.type(p)
                qt = dx.dtype.type(-s * sum_d / K - m * p)
                for i in range(L):
                    dx[n, c, i] = dout[n, c, i] * kt + x[n, c, i] * pt + qt


@njit(cache=True, nogil=True, fastmath=_FAST)
def _ln_forward(x, gamma, beta, eps, mean, invstd, out):
    """x, out: (R, K) rows; gamma, beta: (K,) in x's dtype. Per row: the statistics (two passes, float64), then
    ``out = (x - mean) * (invstd * gamma) + beta`` in x's dtype, while the row is in cache."""
    R, K = x.shape
    for r in range(R):
        s = 0.0
        for i in range(K):
            s += x[r, i]
        m = s / K
        q = 0.0
        for i in range(K):
            d = x[r, i] - m
            q += d * d
        sd = 1.0 / math.sqrt(q / K + eps)
        mean[r] = m
        invstd[r] = sd
        mt = out.dtype.type(m)
        st = out.dtype.type(sd)
        for i in range(K):
            out[r, i] = (x[r, i] - mt) * (st * gamma[i]) + beta[i]


@njit(cache=True, nogil=True, fastmath=_FAST)
def _ln_backward(dout, x, mean, invstd, gamma, dx, dgamma, dbeta):
    """gamma in x's dtype; dgamma, dbeta float64 accumulators. Per row: the two sums (float64), then
    ``dx = invstd * (dout * gamma - mean(dout * gamma) - xhat * mean(dout * gamma * xhat))``."""
    R, K = x.shape
    for r in range(R):
        m = mean[r]
        s = invstd[r]
        sum_d = 0.0
        sum_dx = 0.0
        for i in range(K):
            d = np.float64(dout[r, i])
            xh = (x[r, i] - m) * s
            dgamma[i] += d * xh
            dbeta[i] += d
            dg = d * gamma[i]
            sum_d += dg
            sum_dx += dg * xh
        q = sum_dx / K
        # dx = dout * gamma * s + x * a + b, the row's constants a and b folded from the mean terms
        st = dx.dtype.type(s)
        at = dx.dtype.type(-s * s * q)
        bt = dx.dtype.type(s * s * q * m - s * sum_d / K)
        for i in range(K):
            dx[r, i] = dout[r, i] * gamma[i] * st + x[r, i] * at + bt


# --- the kata's functions ----------------------------------------------------------------------------------


def _dtype(x, gamma, beta):
    return np.result_type(x, *(np.asarray(a) for a in (gamma, beta) if a is not None), np.float32)


def _affine(gamma, beta, shape):
    """gamma and beta as float64 arrays of ``shape`` (1 and 0 for None), checked."""
    out = []
    for name, value, default in (("gamma", gamma, 1.0), ("beta", beta, 0.0)):
        if value is None:
            out.append(np.full(shape, default))
            continue
        value = np.asarray(value, dtype=np.float64)
        if value.shape != tuple(shape):
            raise ValueError(f"{name} must have shape {tuple(shape)}; got {value.shape}")
        out.append(value)
    return out


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must be (N, C) or (N, C, *spatial); got shape {x.shape}")
    N, C = x.shape[:2]
    L = math.prod(x.shape[2:])
    dtype = _dtype(x, gamma, beta)
    g64, b64 = _affine(gamma, beta, (C,))
    stats = []
    for name, value in (("running_mean", running_mean), ("running_var", running_var)):
        if value is not None:
            value = np.asarray(value)
            if value.shape != (C,):
                raise ValueError(f"{name} must have shape ({C},); got {value.shape}")
        elif not training:
            raise ValueError(f"{name} is required in eval mode (training=False)")
        stats.append(value)
    rm, rv = stats
    x3 = np.ascontiguousarray(x.reshape(N, C, L), dtype=dtype)
    n = N * L
    out = np.empty(x3.shape, dtype)
    new_mean = None if rm is None else rm.copy()
    new_var = None if rv is None else rv.copy()
    if training:
        if n == 1:
            raise ValueError(f"expected more than 1 value per channel when training; got x of shape {x.shape}")
        mean, var = np.zeros(C), np.ones(C)
        if x3.size:
            _bn_forward(x3, g64, b64, eps, True, mean, var, out)
            if rm is not None:
                new_mean = ((1 - momentum) * rm + momentum * mean).astype(rm.dtype)
            if rv is not None:
                new_var = ((1 - momentum) * rv + momentum * var * (n / (n - 1))).astype(rv.dtype)
    else:
        mean, var = rm.astype(np.float64), rv.astype(np.float64)
        if x3.size:
            _bn_forward(x3, g64, b64, eps, False, mean, var, out)
    invstd = 1.0 / np.sqrt(var + eps)
    cache = (x3, mean, invstd, g64, gamma is not None, beta is not None, bool(training), x.shape)
    return out.reshape(x.shape), new_mean, new_var, cache


def batch_norm_backward(dout, cache):
    x3, mean, invstd, g64, has_gamma, has_beta, training, shape = cache
    d3 = np.ascontiguousarray(np.asarray(dout).reshape(x3.shape), dtype=x3.dtype)
    C = x3.shape[1]
    dx = np.empty_like(x3)
    dgamma, dbeta = np.zeros(C), np.zeros(C)
    _bn_backward(d3, x3, mean, invstd, g64, training, dx, dgamma, dbeta)
    return (
        dx.reshape(shape),
        dgamma.astype(x3.dtype) if has_gamma else None,
        dbeta.astype(x3.dtype) if has_beta else None,
    )


def layer_norm_forward(x, normalized_shape, gamma=None, beta=None, eps=1e-5):
    x = np.asarray(x)
    shape = (int(normalized_shape),) if np.ndim(normalized_shape) == 0 else tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or x.shape[x.ndim - k :] != shape:
        raise ValueError(f"normalized_shape {shape} must be the shape of x's last axes; x has shape {x.shape}")
    dtype = _dtype(x, gamma, beta)
    g64, b64 = _affine(gamma, beta, shape)
    K = math.prod(shape)
    x2 = np.ascontiguousarray(x.reshape(-1, K), dtype=dtype)
    out = np.empty(x2.shape, dtype)
    mean, invstd = np.zeros(x2.shape[0]), np.zeros(x2.shape[0])
    gt = g64.reshape(-1).astype(dtype)
    if x2.size:
        _ln_forward(x2, gt, b64.reshape(-1).astype(dtype), eps, mean, invstd, out)
    cache = (x2, mean, invstd, gt, gamma is not None, beta is not None, x.shape, shape)
    return out.reshape(x.shape), cache


def layer_norm_backward(dout, cache):
    x2, mean, invstd, g64, has_gamma, has_beta, x_shape, shape = cache
    d2 = np.ascontiguousarray(np.asarray(dout).reshape(x2.shape), dtype=x2.dtype)
    dx = np.empty_like(x2)
    dgamma, dbeta = np.zeros(x2.shape[1]), np.zeros(x2.shape[1])
    if x2.size:
        _ln_backward(d2, x2, mean, invstd, g64, dx, dgamma, dbeta)
    return (
        dx.reshape(x_shape),
        dgamma.astype(x2.dtype).reshape(shape) if has_gamma else None,
        dbeta.astype(x2.dtype).reshape(shape) if has_beta else None,
    )


def group_norm_forward(x, num_groups, gamma=None, beta=None, eps=1e-5):
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must be (N, C, *spatial); got shape {x.shape}")
    N, C = x.shape[:2]
    if int(num_groups) != num_groups or num_groups < 1 or C % num_groups:
        raise ValueError(f"num_groups must be a positive divisor of the {C} channels; got {num_groups}")
    G = int(num_groups)
    L = math.prod(x.shape[2:])
    if N * (C // G) * L == 1:
        raise ValueError(f"expected more than 1 value per group when training; got x of shape {x.shape}")
    dtype = _dtype(x, gamma, beta)
    g64, b64 = _affine(gamma, beta, (C,))
    x3 = np.ascontiguousarray(x.reshape(N, C, L), dtype=dtype)
    out = np.empty(x3.shape, dtype)
    mean, invstd = np.zeros(N * G), np.zeros(N * G)
    if x3.size:
        _gn_forward(x3, g64, b64, G, eps, mean, invstd, out)
    cache = (x3, mean, invstd, g64, G, gamma is not None, beta is not None, x.shape)
    return out.reshape(x.shape), cache


def group_norm_backward(dout, cache):
    x3, mean, invstd, g64, G, has_gamma, has_beta, shape = cache
    d3 = np.ascontiguousarray(np.asarray(dout).reshape(x3.shape), dtype=x3.dtype)
    C = x3.shape[1]
    dx = np.empty_like(x3)
    dgamma, dbeta = np.zeros(C), np.zeros(C)
    if x3.size:
        _gn_backward(d3, x3, mean, invstd, g64, G, dx, dgamma, dbeta)
    return (
        dx.reshape(shape),
        dgamma.astype(x3.dtype) if has_gamma else None,
        dbeta.astype(x3.dtype) if has_beta else None,
    )


# --- speed workload ------------------------------------------------------------------------------------

_SHAPE, _GROUPS = (8, 64, 56, 56), 32
WORKLOAD = (
    "a ResNet stage-1 activation (8, 64, 56, 56) float32: batch_norm training forward (running statistics "
    "updated) + backward, and group_norm (32 groups) forward + backward"
)


def make_inputs(rng: np.random.Generator):
    """An activation after a ReLU-free conv (per-channel offsets and scales), its upstream gradient, the
    layer's gamma/beta and running statistics."""
    C = _SHAPE[1]
    x = rng.standard_normal(_SHAPE, dtype=np.float32)
    x *= rng.uniform(0.5, 2.0, size=(1, C, 1, 1)).astype(np.float32)
    x += rng.normal(0.0, 1.0, size=(1, C, 1, 1)).astype(np.float32)
    dout = rng.standard_normal(_SHAPE, dtype=np.float32)
    dout *= np.float32(1e-3)
    gamma = rng.uniform(0.5, 1.5, C).astype(np.float32)
    beta = rng.normal(0.0, 0.1, C).astype(np.float32)
    running_mean = rng.normal(0.0, 0.1, C).astype(np.float32)
    running_var = rng.uniform(0.5, 1.5, C).astype(np.float32)
    return x, dout, gamma, beta, running_mean, running_var


def _run(module, inputs):
    x, dout, gamma, beta, running_mean, running_var = inputs
    out, new_mean, new_var, cache = module.batch_norm_forward(
        x, running_mean, running_var, gamma, beta, True, 0.1, 1e-5
    )
    dx, dgamma, dbeta = module.batch_norm_backward(dout, cache)
    gout, gcache = module.group_norm_forward(x, _GROUPS, gamma, beta, 1e-5)
    gdx, gdgamma, gdbeta = module.group_norm_backward(dout, gcache)
    return out, new_mean, new_var, dx, dgamma, dbeta, gout, gdx, gdgamma, gdbeta


def run_baseline(inputs):
    return _run(sys.modules[__name__], inputs)


def run_submission(module, inputs):
    return _run(module, inputs)


_NAMES = (
    "batch_norm out",
    "new running_mean",
    "new running_var",
    "batch_norm dx",
    "batch_norm dgamma",
    "batch_norm dbeta",
    "group_norm out",
    "group_norm dx",
    "group_norm dgamma",
    "group_norm dbeta",
)


def compare(got, expected) -> str | None:
    if not isinstance(got, tuple) or len(got) != len(expected):
        return "the results do not have the expected structure"
    for name, g, e in zip(_NAMES, got, expected):
        if not isinstance(g, np.ndarray):
            return f"{name} is not an array ({type(g).__name__})"
        if g.shape != e.shape:
            return f"{name} has shape {g.shape}, expected {e.shape}"
        if g.dtype != e.dtype:
            return f"{name} has dtype {g.dtype}, expected {e.dtype}"
        diff = np.abs(g.astype(np.float64) - e)
        scale = float(np.max(np.abs(e)))
        if not np.all(diff <= 1e-4 * np.abs(e) + 1e-4 * scale):  # NaN fails
            return f"{name} differs from the baseline's (max abs diff {float(np.nanmax(diff)):.3g})"
    return None
