"""Averages the undefined (-1) entries in as 0: a class without ground truth drags the mean down."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _mean_as_zero(values):
    return float(np.mean(np.maximum(values, 0.0))) if values.size else -1.0


_reference._mean_defined = _mean_as_zero
