"""The chain rule written as autograd evaluates it, gamma * (1 - p_t)**(gamma - 1) * d(1 - p_t)/dx with
1 - p_t = 1 - (p t + (1 - p)(1 - t)), warnings silenced: 0 * inf = nan at saturated logits when gamma < 1."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, tail = ref._sigmoid_parts(x)
    ce = ref._cross_entropy(x, t, tail)
    m = 1 - (s * t + (1 - s) * (1 - t))
    with np.errstate(all="ignore"):
        dm = s * (1 - s) * (1 - 2 * t)
        grad = (s - t) * m**gamma + ce * gamma * m ** (gamma - 1) * dm
    if alpha != -1:
        grad *= ref._alpha_weight(t, float(alpha))
    return grad / grad.size if reduction == "mean" and grad.size else grad
