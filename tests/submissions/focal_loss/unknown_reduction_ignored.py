"""An unknown reduction silently falls back to "none" instead of raising ValueError."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    if reduction not in ("mean", "sum"):
        reduction = "none"
    return ref.sigmoid_focal_loss(logits, targets, alpha, gamma, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    if reduction not in ("mean", "sum"):
        reduction = "none"
    return ref.sigmoid_focal_loss_grad(logits, targets, alpha, gamma, reduction)
