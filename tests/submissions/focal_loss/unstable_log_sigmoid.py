"""Textbook cross-entropy -t log(p) - (1-t) log(1-p) with p = 1/(1 + exp(-x)): overflow warnings, log(0) = -inf
and inf * 0 = nan once |x| is large."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _parts(x, t):
    p = 1 / (1 + np.exp(-x))
    ce = -t * np.log(p) - (1 - t) * np.log(1 - p)
    return p, ce


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    p, ce = _parts(x, t)
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha != -1:
        loss *= ref._alpha_weight(t, float(alpha))
    return ref._reduce(loss, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    p, ce = _parts(x, t)
    m = p * (1 - t) + (1 - p) * t
    grad = (p - t) * m**gamma + gamma * ce * m ** (gamma - 1) * p * (1 - p) * (1 - 2 * t)
    if alpha != -1:
        grad *= ref._alpha_weight(t, float(alpha))
    return grad / grad.size if reduction == "mean" and grad.size else grad
