"""label_smoothing is used as given: 1.5 or -0.1 give a number (a target distribution with negative mass)
instead of a ValueError."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_original_prepare = ref._prepare


def _prepare(logits, target, weight, ignore_index, reduction, label_smoothing):
    x, t, w, _, shape = _original_prepare(logits, target, weight, ignore_index, reduction, 0.0)
    return x, t, w, float(label_smoothing), shape


ref._prepare = _prepare
