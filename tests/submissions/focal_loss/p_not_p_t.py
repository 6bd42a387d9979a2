"""Modulating factor (1 - p)**gamma instead of (1 - p_t)**gamma: it down-weights the positives, not the easy examples."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, tail = ref._sigmoid_parts(x)
    loss = ref._cross_entropy(x, t, tail) * q ** float(gamma)
    if alpha != -1:
        loss *= ref._alpha_weight(t, float(alpha))
    return ref._reduce(loss, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, tail = ref._sigmoid_parts(x)
    gamma = float(gamma)
    ce = ref._cross_entropy(x, t, tail)
    # d/dx [ce * q**gamma] = (s - t) q**gamma - gamma ce q**gamma s
    grad = (s - t) * q**gamma - gamma * ce * q**gamma * s
    if alpha != -1:
        grad *= ref._alpha_weight(t, float(alpha))
    return grad / grad.size if reduction == "mean" and grad.size else grad
