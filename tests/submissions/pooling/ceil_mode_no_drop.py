"""ceil_mode rounds the number of windows up, but never drops a last window that would start in the bottom/right
padding: with H = 5, kernel 2, stride 2, padding 1 it gives 4 windows where torch gives 3."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _output_size(size, k, s, p, d, ceil_mode, axis):
    span = size + 2 * p - d * (k - 1) - 1
    count = (-(-span // s) if ceil_mode else span // s) + 1
    if count < 1:
        raise ValueError(f"kernel_size {k} leaves no window along the {axis} of {size}")
    return count


ref._output_size = _output_size
