"""The gradient ignores the reduction: for "mean" it is not divided by the number of elements."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    return ref.sigmoid_focal_loss_grad(logits, targets, alpha, gamma, "none")
