"""A true convolution: the kernel is flipped in both spatial axes (the textbook signal-processing
definition), where deep-learning frameworks compute a cross-correlation. The backward is consistent with
that forward, so only a comparison with torch catches it."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    out, cache = ref.conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, padding, dilation, groups)
    return out, cache


def conv2d_backward(dout, cache):
    dx, dw, db = ref.conv2d_backward(dout, cache)
    return dx, dw[:, :, ::-1, ::-1].copy(), db
