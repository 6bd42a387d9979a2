"""Right values, but sigmoid as 1 / (1 + exp(-x)): exp overflows for x below about -709 (-88 in float32) and
numpy warns, where the contract asks for warning-free code up to |x| = 1e4."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _sigmoid_parts(x):
    s = 1 / (1 + np.exp(-x))
    q = 1 / (1 + np.exp(x))
    tail = np.log1p(np.exp(-np.abs(x)))
    return s, q, tail


ref._sigmoid_parts = _sigmoid_parts
