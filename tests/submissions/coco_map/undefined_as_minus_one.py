"""Averages every entry, the undefined -1 ones included."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _mean_all(values):
    return float(np.mean(values)) if values.size else -1.0


_reference._mean_defined = _mean_all
