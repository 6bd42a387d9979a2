"""max_pool2d accepts dilation but ignores it: the taps are neighbours, and the output size is that of an
undilated kernel."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return ref.max_pool2d(x, kernel_size, stride, padding, 1, ceil_mode)
