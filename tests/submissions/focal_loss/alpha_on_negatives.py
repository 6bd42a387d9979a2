"""alpha weights the negatives and 1 - alpha the positives (alpha_t swapped)."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _alpha_weight(t, alpha):
    return alpha * (1 - t) + (1 - alpha) * t


ref._alpha_weight = _alpha_weight
