"""Correct: the well-known fancy-indexing im2col: precomputed (channel, row, column) index arrays gather
every window in one indexing operation, and col2im scatters back with np.add.at. A natural vectorised
alternative: it must get full marks."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def _indices(C, KH, KW, OH, OW, sh, sw, dh, dw):
    """(C*KH*KW, OH*OW) channel, row and column of every tap of every window in the padded input."""
    i = (np.repeat(np.arange(KH), KW) * dh)[:, None] + np.repeat(np.arange(OH) * sh, OW)[None, :]
    j = (np.tile(np.arange(KW), KH) * dw)[:, None] + np.tile(np.arange(OW) * sw, OH)[None, :]
    k = np.repeat(np.arange(C), KH * KW)[:, None]
    return k, np.tile(i, (C, 1)), np.tile(j, (C, 1))


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
    idx = _indices(C, KH, KW, OH, OW, sh, sw, dh, dw)
    cols = xpad[:, idx[0], idx[1], idx[2]].reshape(N, G, Cg * KH * KW, OH * OW)
    out = np.matmul(w.reshape(G, F // G, Cg * KH * KW), cols).reshape(N, F, OH, OW)
    if b is not None:
        out += b[None, :, None, None]
    return out, (x.shape, w, b is not None, cols, idx, (ph, pw))


def conv2d_backward(dout, cache):
    (N, C, H, W), w, has_bias, cols, idx, (ph, pw) = cache
    F, Cg, KH, KW = w.shape
    G = C // Cg
    P = cols.shape[3]
    dout_g = np.asarray(dout, dtype=w.dtype).reshape(N, G, F // G, P)
    dw_ = np.matmul(dout_g, cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(w.shape)
    dcols = np.matmul(w.reshape(G, F // G, Cg * KH * KW).transpose(0, 2, 1), dout_g).reshape(N, C * KH * KW, P)
    dxpad = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=w.dtype)
    np.add.at(dxpad, (slice(None), idx[0], idx[1], idx[2]), dcols)
    db = dout_g.sum(axis=(0, 3)).reshape(F) if has_bias else None
    return np.ascontiguousarray(dxpad[:, :, ph : ph + H, pw : pw + W]), dw_, db
