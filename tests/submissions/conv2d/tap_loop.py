"""Correct: no im2col buffer; a loop over the KH*KW kernel taps, each tap one matrix product of the
filters' tap with a shifted, strided view of the padded input (and its adjoint backwards). A natural
vectorised alternative: it must get full marks."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    dtype = np.result_type(x, w, *([] if b is None else [b]))
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    G = groups
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).reshape(N, G, Cg, H + 2 * ph, W + 2 * pw)
    wg = w.reshape(G, F // G, Cg, KH, KW)
    out = np.zeros((N, G, F // G, OH * OW), dtype=dtype)
    for i in range(KH):
        for j in range(KW):
            shifted = xpad[:, :, :, i * dh : i * dh + sh * (OH - 1) + 1 : sh, j * dw : j * dw + sw * (OW - 1) + 1 : sw]
            out += np.matmul(wg[:, :, :, i, j], shifted.reshape(N, G, Cg, OH * OW))
    out = out.reshape(N, F, OH, OW)
    if b is not None:
        out += b[None, :, None, None]
    return out, (xpad, wg, b is not None, (sh, sw, ph, pw, dh, dw, OH, OW), (H, W))


def conv2d_backward(dout, cache):
    xpad, wg, has_bias, (sh, sw, ph, pw, dh, dw, OH, OW), (H, W) = cache
    N, G, Cg = xpad.shape[:3]
    _, Fg, _, KH, KW = wg.shape
    dout_g = np.asarray(dout, dtype=wg.dtype).reshape(N, G, Fg, OH * OW)
    dxpad = np.zeros_like(xpad)
    dwg = np.empty_like(wg)
    for i in range(KH):
        for j in range(KW):
            rows = slice(i * dh, i * dh + sh * (OH - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (OW - 1) + 1, sw)
            shifted = xpad[:, :, :, rows, cols].reshape(N, G, Cg, OH * OW)
            dwg[:, :, :, i, j] = np.matmul(dout_g, shifted.transpose(0, 1, 3, 2)).sum(axis=0)
            dxpad[:, :, :, rows, cols] += np.matmul(wg[:, :, :, i, j].transpose(0, 2, 1), dout_g).reshape(
                N, G, Cg, OH, OW
            )
    C = G * Cg
    dx = dxpad.reshape(N, C, *xpad.shape[3:])[:, :, ph : ph + H, pw : pw + W].copy()
    db = dout_g.sum(axis=(0, 3)).reshape(G * Fg) if has_bias else None
    return dx, dwg.reshape(G * Fg, Cg, KH, KW), db
