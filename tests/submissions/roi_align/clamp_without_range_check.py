"""Clamps every sample onto the map, with no range check: samples far outside read the border pixels
instead of counting as 0."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_taps = _reference._axis_taps


def _axis_taps(coords, size):
    return _taps(np.clip(coords, -1, size), size)


_reference._axis_taps = _axis_taps
