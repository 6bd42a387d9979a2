"""Divides by the scale (x / scale) where torch's kernel multiplies by its inverse rounded to float32,
x * float32(1 / scale): near a code boundary (k + 1/2) the two round to different codes."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _codes(x, scale, zero_point, axis):
    x = np.asarray(x)
    shape = [1] * x.ndim
    shape[axis] = -1
    s = np.asarray(scale, dtype=np.float32).reshape(shape).astype(x.dtype)
    z = np.asarray(zero_point).reshape(shape).astype(x.dtype)
    return np.rint(x / s) + z, s, z


def fake_quantize_per_channel(x, scale, zero_point, axis, qmin=-128, qmax=127):
    q, s, z = _codes(x, scale, zero_point, axis)
    return (np.clip(q, qmin, qmax) - z) * s


def fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    q, _, _ = _codes(x, scale, zero_point, axis)
    return np.where((q >= qmin) & (q <= qmax), dout, 0).astype(np.asarray(x).dtype)
