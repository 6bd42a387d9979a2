"""Adaptive pooling as a plain pooling: stride = H // OH and kernel = H - (OH - 1) * stride. Right when OH divides
H; otherwise the bins are not torch's [floor(i H / OH), ceil((i + 1) H / OH)) (13 -> 6: stride 2 and kernel 3
give [0, 3), [2, 5), ..., [10, 13) by luck, but 5 -> 3 gives [0, 3), [1, 4), [2, 5) for [0, 2), [1, 4), [3, 5))."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _adaptive_bins(size, n):
    stride = max(size // n, 1)
    kernel = size - (n - 1) * stride
    start = np.arange(n, dtype=np.int64) * stride
    return start, start + kernel


ref._adaptive_bins = _adaptive_bins
