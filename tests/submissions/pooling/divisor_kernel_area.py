"""With count_include_pad the divisor is always KH * KW. torch counts the window's cells inside the padded input,
and a ceil_mode window that runs past the end of the padding has fewer: at the bottom of a 6x6 input pooled 3x3,
stride 2, no padding, ceil_mode, torch divides by 6, this by 9."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_avg_divisor = ref._avg_divisor


def _kernel_area_divisor(H, W, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    if count_include_pad and divisor_override is None:
        return np.full(out_size, kernel[0] * kernel[1], dtype=np.int64)
    return _avg_divisor(H, W, kernel, stride, padding, out_size, count_include_pad, divisor_override)


ref._avg_divisor = _kernel_area_divisor
