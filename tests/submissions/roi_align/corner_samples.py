"""Puts the samples at the corners of the sub-cells (b * bin + i * bin / g) instead of their centres."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _sample_coords(start, bin_size, n_bins, grid):
    b = np.arange(n_bins, dtype=start.dtype)[None, :, None]
    i = np.arange(grid, dtype=start.dtype)[None, None, :]
    size = bin_size[:, None, None]
    return start[:, None, None] + b * size + i * size / grid


_reference._sample_coords = _sample_coords
