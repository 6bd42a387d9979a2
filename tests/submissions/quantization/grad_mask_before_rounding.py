"""The straight-through mask tests the unrounded value, |x / scale| <= qmax, where torch tests the rounded
code: x / scale = 127.4 rounds to 127, inside the range, so its gradient passes; here it is blocked."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    dout = np.asarray(dout)
    x, inv, _, zp, qmin, qmax = ref._prepare(x, scale, zero_point, axis, qmin, qmax)
    v = x * inv
    if zp is not None:
        v = v + zp
    return np.where((v >= qmin) & (v <= qmax), dout, 0).astype(np.result_type(dout, x))
