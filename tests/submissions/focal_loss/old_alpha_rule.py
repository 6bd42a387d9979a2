"""The pre-2025 torchvision rule: any negative alpha silently disables the weighting instead of raising."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _check_arguments(alpha, reduction):
    if alpha > 1:
        raise ValueError("alpha must be at most 1")
    if reduction not in ref.REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}")


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    _check_arguments(alpha, reduction)
    return ref.sigmoid_focal_loss(logits, targets, -1 if alpha < 0 else alpha, gamma, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    _check_arguments(alpha, reduction)
    return ref.sigmoid_focal_loss_grad(logits, targets, -1 if alpha < 0 else alpha, gamma, reduction)
