"""Rounds with floor(v + 0.5) (half up), where torch's kernel uses std::nearbyint (half to even): a code of
exactly 2.5 becomes 3 instead of 2, and -1.5 becomes -1 instead of -2."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _codes(x, inv, zero_point):
    v = np.floor(x * inv + 0.5)
    if zero_point is not None:
        v += zero_point
    return v


ref._codes = _codes
