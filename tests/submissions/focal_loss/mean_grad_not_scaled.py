"""The gradient ignores the reduction: for "mean" it is not divided by the number of elements."""
from _reference import *  # noqa: F401,F403
import _reference as ref

CAUGHT_BY = "hidden"


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    return ref.sigmoid_focal_loss_grad(logits, targets, alpha, gamma, "none")
