"""Correct: the classic "strides" formulation. as_strided builds the (N, C, OH, OW, KH, KW) window view by
hand, tensordot does the contraction per group, and the input gradient is a transposed convolution computed
as a forward convolution of the stride-dilated, fully padded upstream gradient with the flipped kernel. A
natural vectorised alternative: it must get full marks."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403
from numpy.lib.stride_tricks import as_strided

CAUGHT_BY = None


def _windows(xpad, KH, KW, sh, sw, dh, dw, OH, OW):
    N, C, Hp, Wp = xpad.shape
    s = xpad.strides
    return as_strided(
        xpad, (N, C, OH, OW, KH, KW), (s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw), writeable=False
    )


def _conv(x, w, stride, padding, dilation, groups):
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = _windows(xpad, KH, KW, sh, sw, dh, dw, OH, OW)
    Fg = F // groups
    out = np.empty((N, F, OH, OW), dtype=x.dtype)
    for g in range(groups):
        part = np.tensordot(win[:, g * Cg : (g + 1) * Cg], w[g * Fg : (g + 1) * Fg], axes=([1, 4, 5], [1, 2, 3]))
        out[:, g * Fg : (g + 1) * Fg] = part.transpose(0, 3, 1, 2)
    return out, xpad, win


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    dtype = np.result_type(x, w, *([] if b is None else [b]))
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    params = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    out, xpad, _ = _conv(x, w, *params, groups)
    if b is not None:
        out += b[None, :, None, None]
    return out, (x, w, b is not None, params, groups)


def conv2d_backward(dout, cache):
    x, w, has_bias, ((sh, sw), (ph, pw), (dh, dw)), groups = cache
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    Fg = F // groups
    dout = np.asarray(dout, dtype=x.dtype)
    OH, OW = dout.shape[2:]
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = _windows(xpad, KH, KW, sh, sw, dh, dw, OH, OW)
    dw_ = np.empty_like(w)
    for g in range(groups):
        dw_[g * Fg : (g + 1) * Fg] = np.tensordot(
            dout[:, g * Fg : (g + 1) * Fg], win[:, g * Cg : (g + 1) * Cg], axes=([0, 2, 3], [0, 2, 3])
        )
    # dx: put dout on a grid with stride-1 gaps, pad by the dilated kernel's extent - 1, and correlate with
    # the kernel flipped in space and transposed between filters and channels (per group). The rows the
    # output-size floor dropped are covered by extra zeros at the bottom/right.
    eh, ew = dh * (KH - 1), dw * (KW - 1)
    Hp, Wp = H + 2 * ph, W + 2 * pw
    grid = np.zeros((N, F, Hp + eh, Wp + ew), dtype=x.dtype)
    grid[:, :, eh : eh + sh * (OH - 1) + 1 : sh, ew : ew + sw * (OW - 1) + 1 : sw] = dout
    wt = w[:, :, ::-1, ::-1].reshape(groups, Fg, Cg, KH, KW).transpose(0, 2, 1, 3, 4).reshape(C, Fg, KH, KW)
    dxpad, _, _ = _conv(grid, np.ascontiguousarray(wt), (1, 1), (0, 0), (dh, dw), groups)
    db = dout.sum(axis=(0, 2, 3)) if has_bias else None
    return np.ascontiguousarray(dxpad[:, :, ph : ph + H, pw : pw + W]), dw_, db
