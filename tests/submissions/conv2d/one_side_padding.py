"""All the padding on one side: 2p zeros above and to the left, none below and to the right. The output
has the right size, but every window is shifted by p rows and columns."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403
from numpy.lib.stride_tricks import sliding_window_view

CAUGHT_BY = "hidden"


def _im2col(x, KH, KW, stride, padding, dilation, groups):
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, H, W = x.shape
    OH, OW = ref._output_size(H, W, KH, KW, stride, padding, dilation)
    xpad = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)
    xpad[:, :, 2 * ph :, 2 * pw :] = x
    windows = sliding_window_view(xpad, (dh * (KH - 1) + 1, dw * (KW - 1) + 1), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :OH, :OW]
    return np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(N, groups, -1, OH * OW)


def _col2im(dcols, H, W, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, KH, KW, OH, OW = dcols.shape
    dxpad = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=dcols.dtype)
    for i in range(KH):
        for j in range(KW):
            dxpad[:, :, i * dh : i * dh + sh * (OH - 1) + 1 : sh, j * dw : j * dw + sw * (OW - 1) + 1 : sw] += dcols[
                :, :, i, j
            ]
    return np.ascontiguousarray(dxpad[:, :, 2 * ph :, 2 * pw :])


ref._im2col = _im2col
ref._col2im = _col2im
