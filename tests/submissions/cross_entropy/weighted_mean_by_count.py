"""With class weights, "mean" divides the weighted sum by the number of positions that are not ignored,
where torch divides by the sum of their targets' weights (sum over M of w[y])."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _reduce(loss, wy, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    count = int(np.count_nonzero(wy))
    return loss.sum() / count if count else loss.dtype.type(np.nan)


def _position_scale(grad_output, wy, valid, reduction, out_shape, dtype):
    if reduction == "mean":
        count = int(np.count_nonzero(valid))
        return valid * (dtype.type(grad_output) / count if count else dtype.type(0))
    return _original_scale(grad_output, wy, valid, reduction, out_shape, dtype)


_original_scale = ref._position_scale
ref._reduce = _reduce
ref._position_scale = _position_scale
