"""reduction="mean" sums over the classes and averages over the rows (anchors) only, not over all elements."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    if reduction != "mean":
        return ref.sigmoid_focal_loss(logits, targets, alpha, gamma, reduction)
    loss = ref.sigmoid_focal_loss(logits, targets, alpha, gamma, "none")
    rows = loss.shape[0] if loss.ndim else 1
    return loss.sum() / loss.dtype.type(max(rows, 1))


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    if reduction != "mean":
        return ref.sigmoid_focal_loss_grad(logits, targets, alpha, gamma, reduction)
    grad = ref.sigmoid_focal_loss_grad(logits, targets, alpha, gamma, "none")
    rows = grad.shape[0] if grad.ndim else 1
    return grad / grad.dtype.type(max(rows, 1))
