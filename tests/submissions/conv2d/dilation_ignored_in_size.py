"""The output size leaves dilation out: OH = (H + 2p - KH) // s + 1, as if the kernel spanned KH rows
rather than d*(KH - 1) + 1. The input is padded further at the bottom/right so the too-many windows fit,
so nothing crashes: the output just has extra rows and columns."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x = np.asarray(x)
    (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    N, C, H, W = x.shape
    KH, KW = np.shape(w)[2:]
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    grown = np.pad(x, ((0, 0), (0, 0), (0, (dh - 1) * (KH - 1)), (0, (dw - 1) * (KW - 1))))
    out, inner = ref.conv2d_forward(grown, w, b, stride, padding, dilation, groups)
    return np.ascontiguousarray(out[:, :, :OH, :OW]), (inner, out.shape, (OH, OW), (H, W))


def conv2d_backward(dout, cache):
    inner, full_shape, (OH, OW), (H, W) = cache
    full = np.zeros(full_shape, dtype=inner["w"].dtype)
    full[:, :, :OH, :OW] = dout
    dx, dw, db = ref.conv2d_backward(full, inner)
    return np.ascontiguousarray(dx[:, :, :H, :W]), dw, db
