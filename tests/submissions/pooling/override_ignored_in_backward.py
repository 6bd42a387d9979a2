"""avg_pool2d honours divisor_override, but avg_pool2d_backward divides the gradient by the window's cell count
instead: the forward and the backward disagree whenever divisor_override is given."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def avg_pool2d_backward(
    dout,
    input_shape,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    return ref.avg_pool2d_backward(dout, input_shape, kernel_size, stride, padding, ceil_mode, count_include_pad)
