"""The gradient of the loss itself: right for grad_output = 1, but the upstream gradient is never multiplied
in (neither the scalar of "mean"/"sum" nor the per-position array of "none")."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_original_grad = ref.cross_entropy_grad


def cross_entropy_grad(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, grad_output=1.0
):
    return _original_grad(logits, target, weight, ignore_index, reduction, label_smoothing, 1.0)
