"""Correct, but the textbook loops: one Python iteration per (sample, filter, output pixel), each a small
window product. The speed check must fail it by a wide margin."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "speed"


def _geometry(x, w, stride, padding, dilation, groups):
    (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    return (sh, sw), (ph, pw), (dh, dw), OH, OW


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    dtype = np.result_type(x, w, *([] if b is None else [b]))
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    (sh, sw), (ph, pw), (dh, dw), OH, OW = _geometry(x, w, stride, padding, dilation, groups)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, OH, OW), dtype=dtype)
    Fg = F // groups
    for n in range(N):
        for f in range(F):
            g = f // Fg
            for oh in range(OH):
                for ow in range(OW):
                    window = xpad[
                        n,
                        g * Cg : (g + 1) * Cg,
                        oh * sh : oh * sh + dh * (KH - 1) + 1 : dh,
                        ow * sw : ow * sw + dw * (KW - 1) + 1 : dw,
                    ]
                    out[n, f, oh, ow] = np.sum(window * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out, (x, w, b is not None, stride, padding, dilation, groups)


def conv2d_backward(dout, cache):
    x, w, has_bias, stride, padding, dilation, groups = cache
    (sh, sw), (ph, pw), (dh, dw), OH, OW = _geometry(x, w, stride, padding, dilation, groups)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxpad = np.zeros_like(xpad)
    dwt = np.zeros_like(w)
    Fg = F // groups
    for n in range(N):
        for f in range(F):
            g = f // Fg
            for oh in range(OH):
                for ow in range(OW):
                    rows = slice(oh * sh, oh * sh + dh * (KH - 1) + 1, dh)
                    cols = slice(ow * sw, ow * sw + dw * (KW - 1) + 1, dw)
                    channels = slice(g * Cg, (g + 1) * Cg)
                    dwt[f] += dout[n, f, oh, ow] * xpad[n, channels, rows, cols]
                    dxpad[n, channels, rows, cols] += dout[n, f, oh, ow] * w[f]
    db = dout.sum(axis=(0, 2, 3)).astype(x.dtype) if has_bias else None
    return dxpad[:, :, ph : ph + H, pw : pw + W].copy(), dwt, db
