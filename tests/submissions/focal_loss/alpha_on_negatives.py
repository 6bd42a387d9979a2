"""alpha weights the negatives and 1 - alpha the positives (alpha_t swapped)."""
from _reference import *  # noqa: F401,F403
import _reference as ref

CAUGHT_BY = "hidden"


def _alpha_weight(t, alpha):
    return alpha * (1 - t) + (1 - alpha) * t


ref._alpha_weight = _alpha_weight
