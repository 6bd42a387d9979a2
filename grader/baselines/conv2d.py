"""Baseline for kata 05: conv2d forward and backward by im2col / col2im in Cython (``_conv2d_kernels.pyx``)
and one BLAS matrix product per image and group, and the speed workload.

This is the classic CPU "im2col + GEMM" convolution (Caffe, PyTorch's slow_conv2d): the image is processed
one sample at a time so the column buffer stays in cache; the backward recomputes the columns instead of
keeping them (the weight gradient needs them, the input gradient needs their adjoint, col2im).
"""
from __future__ import annotations

import numpy as np

from grader.baselines._conv2d_kernels import col2im, im2col


def _pair(value) -> tuple[int, int]:
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def _geometry(x_shape, w_shape, stride, padding, dilation, groups):
    N, C, H, W = x_shape
    F, Cg, KH, KW = w_shape
    if groups < 1 or C % groups or F % groups or Cg * groups != C:
        raise ValueError(f"x has {C} channels and w is {tuple(w_shape)}: invalid with groups={groups}")
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    if OH <= 0 or OW <= 0:
        raise ValueError("the dilated kernel does not fit the padded input")
    return (sh, sw, ph, pw, dh, dw), OH, OW


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """(out (N, F, OH, OW), cache), as ``torch.nn.functional.conv2d``."""
    dtype = np.result_type(x, w, *([] if b is None else [b]), np.float32)
    x = np.ascontiguousarray(x, dtype=dtype)
    w = np.ascontiguousarray(w, dtype=dtype)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    geo, OH, OW = _geometry(x.shape, w.shape, stride, padding, dilation, groups)
    G, Fg, K, P = groups, F // groups, Cg * KH * KW, OH * OW
    w_mat = w.reshape(G, Fg, K)
    out = np.empty((N, F, OH, OW), dtype=dtype)
    cols = np.empty((C * KH * KW, P), dtype=dtype)
    for n in range(N):
        im2col(x[n], cols, KH, KW, *geo, OH, OW)
        out_n = out[n].reshape(G, Fg, P)
        for g in range(G):
            np.matmul(w_mat[g], cols[g * K:(g + 1) * K], out=out_n[g])
    if b is not None:
        out += np.asarray(b, dtype=dtype)[None, :, None, None]
    return out, (x, w, b is not None, geo, groups)


def conv2d_backward(dout, cache):
    """(dx, dw, db) of ``sum(out * dout)``; db is None when the forward had no bias."""
    x, w, has_bias, geo, groups = cache
    dtype = x.dtype
    dout = np.ascontiguousarray(dout, dtype=dtype)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    OH, OW = dout.shape[2:]
    G, Fg, K, P = groups, F // groups, Cg * KH * KW, OH * OW
    w_mat = w.reshape(G, Fg, K)
    dx = np.zeros_like(x)
    dw = np.zeros((G, Fg, K), dtype=dtype)
    cols = np.empty((C * KH * KW, P), dtype=dtype)
    dcols = np.empty_like(cols)
    dw_n = np.empty((Fg, K), dtype=dtype)
    for n in range(N):
        im2col(x[n], cols, KH, KW, *geo, OH, OW)
        dout_n = dout[n].reshape(G, Fg, P)
        for g in range(G):
            rows = slice(g * K, (g + 1) * K)
            np.matmul(dout_n[g], cols[rows].T, out=dw_n)
            dw[g] += dw_n
            np.matmul(w_mat[g].T, dout_n[g], out=dcols[rows])
        col2im(dcols, dx[n], KH, KW, *geo, OH, OW)
    db = dout.sum(axis=(0, 2, 3)) if has_bias else None
    return dx, dw.reshape(F, Cg, KH, KW), db


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = "conv2d forward + backward, x (4, 64, 56, 56), w (64, 64, 3, 3), bias, padding 1, float32"
_X_SHAPE, _W_SHAPE = (4, 64, 56, 56), (64, 64, 3, 3)
_STRIDE, _PADDING = 1, 1


def make_inputs(rng: np.random.Generator):
    """x, w, b, dout of the workload; uniform values are a quarter of the cost of normal ones to draw."""
    x = rng.random(_X_SHAPE, dtype=np.float32)
    x -= np.float32(0.5)
    w = rng.standard_normal(_W_SHAPE, dtype=np.float32) / np.float32(np.sqrt(np.prod(_W_SHAPE[1:])))
    b = rng.standard_normal(_W_SHAPE[0], dtype=np.float32)
    OH = (_X_SHAPE[2] + 2 * _PADDING - _W_SHAPE[2]) // _STRIDE + 1
    OW = (_X_SHAPE[3] + 2 * _PADDING - _W_SHAPE[3]) // _STRIDE + 1
    dout = rng.random((_X_SHAPE[0], _W_SHAPE[0], OH, OW), dtype=np.float32)
    dout -= np.float32(0.5)
    return x, w, b, dout


def _run(forward, backward, inputs):
    x, w, b, dout = inputs
    out, cache = forward(x, w, b, stride=_STRIDE, padding=_PADDING)
    return (out, *backward(dout, cache))


def run_baseline(inputs):
    return _run(conv2d_forward, conv2d_backward, inputs)


def run_submission(module, inputs):
    return _run(module.conv2d_forward, module.conv2d_backward, inputs)


def compare(got, expected) -> str | None:
    if not isinstance(got, tuple) or len(got) != 4:
        return "conv2d_backward did not return (dx, dw, db)"
    for name, g, e in zip(("out", "dx", "dw", "db"), got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name} has shape {g.shape}, expected {e.shape}"
        # float32 sums of up to 12544 terms (dw): hold each array to a small fraction of its own scale
        scale = float(np.abs(e).max())
        worst = float(np.abs(g.astype(np.float64) - e).max())
        if not worst <= 1e-3 * scale:
            return f"{name} differs from the baseline by up to {worst:.3g} (values up to {scale:.3g})"
    return None
