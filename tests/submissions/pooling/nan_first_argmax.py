"""Each window's taps in a row and np.argmax over them: the first maximum, as torch, and NaN counts as the
maximum, as torch, but np.argmax returns the FIRST NaN where torch's ``val > max || isnan(val)`` loop ends on the
last one."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403
from numpy.lib.stride_tricks import sliding_window_view

CAUGHT_BY = "hidden"


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = ref._as_float_array(x, "x")
    N, C, H, W = x.shape
    (KH, KW), (sh, sw), (ph, pw), (dh, dw) = ref._window_arguments(kernel_size, stride, padding, dilation)
    OH = ref._output_size(H, KH, sh, ph, dh, ceil_mode, "height")
    OW = ref._output_size(W, KW, sw, pw, dw, ceil_mode, "width")
    xpad = ref._padded(x, ph, pw, (OH - 1) * sh + dh * (KH - 1) + 1, (OW - 1) * sw + dw * (KW - 1) + 1, -np.inf)
    extent = (dh * (KH - 1) + 1, dw * (KW - 1) + 1)
    windows = sliding_window_view(xpad, extent, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :OH, :OW]
    taps = windows.reshape(N, C, OH, OW, KH * KW)
    tap = np.argmax(taps, axis=-1)
    out = np.take_along_axis(taps, tap[..., None], axis=-1)[..., 0]
    i, j = np.divmod(tap, KW)
    rows = (np.arange(OH) * sh - ph)[:, None] + i * dh
    cols = (np.arange(OW) * sw - pw)[None, :] + j * dw
    indices = (rows * W + cols).astype(np.int64)
    # a window of only -inf values: its first cell inside the input, as torch
    first = ref.max_pool2d(np.zeros((1, 1, H, W), x.dtype), kernel_size, stride, padding, dilation, ceil_mode)[1]
    np.copyto(indices, np.broadcast_to(first, indices.shape), where=out == -np.inf)
    return out, indices
