"""Computes and returns float64 for float32 input: right values, wrong dtype."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    return ref.sigmoid_focal_loss(
        np.asarray(logits, np.float64), np.asarray(targets, np.float64), alpha, gamma, reduction
    )


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    return ref.sigmoid_focal_loss_grad(
        np.asarray(logits, np.float64), np.asarray(targets, np.float64), alpha, gamma, reduction
    )
