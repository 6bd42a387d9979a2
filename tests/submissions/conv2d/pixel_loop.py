"""Correct and vectorised over the batch, the filters and the channels, but with a Python loop over the
output pixels: each iteration one window product for every sample and filter at once (a common half-step).

Not required to fail: recorded by the speed tests so the report shows where it stands against the target
(about 7x the baseline on the speed workload, where the textbook loop is over 100x)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def _geometry(x, w, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    return (sh, sw), (ph, pw), (dh, dw), OH, OW


def _window(oh, ow, sh, sw, dh, dw, KH, KW):
    return (slice(oh * sh, oh * sh + dh * (KH - 1) + 1, dh), slice(ow * sw, ow * sw + dw * (KW - 1) + 1, dw))


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    dtype = np.result_type(x, w, *([] if b is None else [b]))
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    (sh, sw), (ph, pw), (dh, dw), OH, OW = _geometry(x, w, stride, padding, dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    G = groups
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).reshape(N, G, Cg, H + 2 * ph, W + 2 * pw)
    wg = w.reshape(G, F // G, Cg * KH * KW)
    out = np.empty((N, G, F // G, OH, OW), dtype=dtype)
    for oh in range(OH):
        for ow in range(OW):
            rows, cols = _window(oh, ow, sh, sw, dh, dw, KH, KW)
            patch = xpad[:, :, :, rows, cols].reshape(N, G, Cg * KH * KW, 1)
            out[:, :, :, oh, ow] = np.matmul(wg, patch)[..., 0]
    out = out.reshape(N, F, OH, OW)
    if b is not None:
        out += b[None, :, None, None]
    return out, (xpad, w, b is not None, (sh, sw, ph, pw, dh, dw, OH, OW, G), x.shape)


def conv2d_backward(dout, cache):
    xpad, w, has_bias, (sh, sw, ph, pw, dh, dw, OH, OW, G), (N, C, H, W) = cache
    F, Cg, KH, KW = w.shape
    dout = np.asarray(dout, dtype=w.dtype).reshape(N, G, F // G, OH, OW)
    wg = w.reshape(G, F // G, Cg * KH * KW)
    dxpad = np.zeros_like(xpad)
    dwg = np.zeros_like(wg)
    for oh in range(OH):
        for ow in range(OW):
            rows, cols = _window(oh, ow, sh, sw, dh, dw, KH, KW)
            d = dout[:, :, :, oh, ow]  # (N, G, Fg)
            patch = xpad[:, :, :, rows, cols].reshape(N, G, Cg * KH * KW)
            dwg += np.einsum("ngf,ngk->gfk", d, patch)
            dxpad[:, :, :, rows, cols] += np.einsum("ngf,gfk->ngk", d, wg).reshape(N, G, Cg, KH, KW)
    dx = dxpad.reshape(N, C, H + 2 * ph, W + 2 * pw)[:, :, ph : ph + H, pw : pw + W].copy()
    db = dout.sum(axis=(0, 3, 4)).reshape(F) if has_bias else None
    return dx, dwg.reshape(F, Cg, KH, KW), db
