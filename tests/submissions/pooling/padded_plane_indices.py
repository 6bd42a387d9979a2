"""The argmax is found in the -inf padded array and its flat position in that PADDED (H + 2 ph) x (W + 2 pw)
plane is reported, instead of torch's h * W + w in the unpadded plane (identical when the padding is 0)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = np.asarray(x)
    out, idx = ref.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode)
    ph, pw = ref._pair(padding, "padding")
    W = x.shape[3]
    h, w = np.divmod(idx, W)
    return out, (h + ph) * (W + 2 * pw) + (w + pw)
