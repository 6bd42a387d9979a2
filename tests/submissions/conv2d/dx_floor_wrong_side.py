"""dx as a transposed convolution whose result covers only the rows the windows reach, (OH - 1)*s +
d*(KH - 1) + 1 of them; the rows that the floor in the output size dropped are then added back as zeros
at the top/left instead of the bottom/right. Right whenever (H + 2p - d(k-1) - 1) is divisible by the
stride, shifted otherwise."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _col2im(dcols, H, W, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, KH, KW, OH, OW = dcols.shape
    reach_h, reach_w = (OH - 1) * sh + dh * (KH - 1) + 1, (OW - 1) * sw + dw * (KW - 1) + 1
    reached = np.zeros((N, C, reach_h, reach_w), dtype=dcols.dtype)
    for i in range(KH):
        for j in range(KW):
            reached[:, :, i * dh : i * dh + sh * (OH - 1) + 1 : sh, j * dw : j * dw + sw * (OW - 1) + 1 : sw] += dcols[
                :, :, i, j
            ]
    missing_h, missing_w = H + 2 * ph - reach_h, W + 2 * pw - reach_w
    dxpad = np.pad(reached, ((0, 0), (0, 0), (missing_h, 0), (missing_w, 0)))
    return np.ascontiguousarray(dxpad[:, :, ph : ph + H, pw : pw + W])


ref._col2im = _col2im
