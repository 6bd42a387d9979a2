"""Gradient (s - t) * (1 - p_t)**gamma * alpha_t: the modulating factor treated as a constant (no gamma term)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, tail = ref._sigmoid_parts(x)
    m = s * (1 - t) + q * t
    grad = (s * (1 - t) - q * t) * m ** float(gamma)
    if alpha != -1:
        grad *= ref._alpha_weight(t, float(alpha))
    return grad / grad.size if reduction == "mean" and grad.size else grad
