"""The well-known im2col slip for non-square kernels: the buffer row of tap (c, i, j) is computed as
c*KH*KW + i*KH + j (the kernel height where the width belongs). Square kernels come out right; for a
KH x KW kernel with KH != KW rows collide and others stay 0."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_im2col = ref._im2col


def _buggy_rows(Cg, KH, KW):
    c, i, j = np.meshgrid(np.arange(Cg), np.arange(KH), np.arange(KW), indexing="ij")
    return (c * KH * KW + i * KH + j).ravel()


def _im2col_buggy(x, KH, KW, stride, padding, dilation, groups):
    cols = _im2col(x, KH, KW, stride, padding, dilation, groups)
    rows = _buggy_rows(x.shape[1] // groups, KH, KW)
    out = np.zeros_like(cols)
    keep = rows < cols.shape[2]  # an unchecked write past the end would be worse; the row is lost instead
    out[:, :, rows[keep]] = cols[:, :, keep]  # later taps overwrite earlier ones on a collision
    return out


ref._im2col = _im2col_buggy
