"""The straight-through mask excludes the ends of the range (qmin < q < qmax): a weight whose code is exactly
qmax = 127 (or qmin = -128) is representable, and torch passes its gradient."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    dout = np.asarray(dout)
    x, inv, _, zp, qmin, qmax = ref._prepare(x, scale, zero_point, axis, qmin, qmax)
    q = ref._codes(x, inv, zp)
    return np.where((q > qmin) & (q < qmax), dout, 0).astype(np.result_type(dout, x))
