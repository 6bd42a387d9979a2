"""Keeps both neighbours inside the map by pinning the lower one at the second-to-last row (column), so a
sample past the last pixel centre extrapolates (weight > 1) instead of clamping onto the last row."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _axis_taps(coords, size):
    T = coords.dtype.type
    inside = (coords >= -1) & (coords <= size)
    c = np.maximum(coords, T(0))
    c[~inside] = 0
    low = np.minimum(c.astype(np.int64), max(size - 2, 0))
    high = np.minimum(low + 1, size - 1)
    w_high = np.where(high > low, c - low.astype(coords.dtype), T(0)).astype(coords.dtype)
    w_low = T(1) - w_high
    w_high[~inside] = 0
    w_low[~inside] = 0
    return low, high, w_low, w_high


_reference._axis_taps = _axis_taps
