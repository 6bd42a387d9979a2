"""The running maximum takes a tap when value >= max (instead of >): among equal values the LAST one in the
window gives the index, where torch keeps the first."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = ref._as_float_array(x, "x")
    N, C, H, W = x.shape
    (KH, KW), (sh, sw), (ph, pw), (dh, dw) = ref._window_arguments(kernel_size, stride, padding, dilation)
    OH = ref._output_size(H, KH, sh, ph, dh, ceil_mode, "height")
    OW = ref._output_size(W, KW, sw, pw, dw, ceil_mode, "width")
    xpad = ref._padded(x, ph, pw, (OH - 1) * sh + dh * (KH - 1) + 1, (OW - 1) * sw + dw * (KW - 1) + 1, -np.inf)
    out = np.full((N, C, OH, OW), -np.inf, dtype=x.dtype)
    indices = np.zeros((N, C, OH, OW), dtype=np.int64)
    for i in range(KH):
        rows = np.arange(OH) * sh - ph + i * dh
        for j in range(KW):
            cols = np.arange(OW) * sw - pw + j * dw
            inside = ((rows >= 0) & (rows < H))[:, None] & ((cols >= 0) & (cols < W))[None, :]
            values = xpad[:, :, i * dh :: sh, j * dw :: sw][:, :, :OH, :OW]
            take = ((values >= out) | np.isnan(values)) & inside
            np.copyto(indices, rows[:, None] * W + cols[None, :], where=take)
            np.copyto(out, values, where=take)
    return out, indices
