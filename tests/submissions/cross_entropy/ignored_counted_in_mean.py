"""Ignored positions get a loss of 0, but "mean" still divides by every position (loss.mean()), so the
ignored ones pull the mean down; the gradient is scaled the same way."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _reduce(loss, wy, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean() if loss.size else loss.dtype.type(np.nan)


def _position_scale(grad_output, wy, valid, reduction, out_shape, dtype):
    if reduction == "mean":
        scale = dtype.type(grad_output) / wy.size if wy.size else dtype.type(0)
        return valid * scale
    return _original_scale(grad_output, wy, valid, reduction, out_shape, dtype)


_original_scale = ref._position_scale
ref._reduce = _reduce
ref._position_scale = _position_scale
