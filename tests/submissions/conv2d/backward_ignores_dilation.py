"""The forward handles dilation, but the backward's col2im adds each tap's gradient at offset i (and j)
instead of i*d: the taps of a dilated kernel land on neighbouring pixels. dw and db are right; dx is not
(identical when dilation is 1)."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_col2im = ref._col2im


def _col2im_undilated(dcols, H, W, stride, padding, dilation):
    return _col2im(dcols, H, W, stride, padding, (1, 1))


ref._col2im = _col2im_undilated
