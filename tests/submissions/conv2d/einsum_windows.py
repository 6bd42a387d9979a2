"""Correct: one einsum over a sliding-window view (no im2col copy by hand), backward by einsum too and a
col2im over the kernel taps. A natural vectorised alternative: it must get full marks."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403
from numpy.lib.stride_tricks import sliding_window_view

CAUGHT_BY = None


def _windows(xpad, KH, KW, sh, sw, dh, dw, OH, OW, G):
    N, C = xpad.shape[:2]
    v = sliding_window_view(xpad, (dh * (KH - 1) + 1, dw * (KW - 1) + 1), axis=(2, 3))
    v = v[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :OH, :OW]
    return v.reshape(N, G, C // G, OH, OW, KH, KW)


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    dtype = np.result_type(x, w, *([] if b is None else [b]))
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    G = groups
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = _windows(xpad, KH, KW, sh, sw, dh, dw, OH, OW, G)
    out = np.einsum("ngchwij,gfcij->ngfhw", win, w.reshape(G, F // G, Cg, KH, KW), optimize=True)
    out = out.reshape(N, F, OH, OW)
    if b is not None:
        out = out + b[None, :, None, None]
    return out, (xpad, w, b is not None, (sh, sw, ph, pw, dh, dw, OH, OW, G), (H, W))


def conv2d_backward(dout, cache):
    xpad, w, has_bias, (sh, sw, ph, pw, dh, dw, OH, OW, G), (H, W) = cache
    N, C = xpad.shape[:2]
    F, Cg, KH, KW = w.shape
    dout_g = np.asarray(dout, dtype=w.dtype).reshape(N, G, F // G, OH, OW)
    win = _windows(xpad, KH, KW, sh, sw, dh, dw, OH, OW, G)
    dw_ = np.einsum("ngfhw,ngchwij->gfcij", dout_g, win, optimize=True).reshape(F, Cg, KH, KW)
    dwin = np.einsum("ngfhw,gfcij->ngcijhw", dout_g, w.reshape(G, F // G, Cg, KH, KW), optimize=True)
    dwin = dwin.reshape(N, C, KH, KW, OH, OW)
    dxpad = np.zeros_like(xpad)
    for i in range(KH):
        for j in range(KW):
            dxpad[:, :, i * dh : i * dh + sh * (OH - 1) + 1 : sh, j * dw : j * dw + sw * (OW - 1) + 1 : sw] += dwin[
                :, :, i, j
            ]
    db = dout.sum(axis=(0, 2, 3)).astype(w.dtype) if has_bias else None
    return dxpad[:, :, ph : ph + H, pw : pw + W].copy(), dw_, db
