"""p clipped to [1e-7, 1 - 1e-7] before the logs (the Keras trick): finite, but the loss of a confidently wrong
logit is capped at -log(1e-7) = 16.1 instead of growing with |x|, and its gradient vanishes."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
EPS = 1e-7


def _parts(x, t):
    s, q, _ = ref._sigmoid_parts(x)
    p = np.clip(s, EPS, 1 - EPS)
    ce = -t * np.log(p) - (1 - t) * np.log1p(-p)
    return s, q, p, ce


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, p, ce = _parts(x, t)
    loss = ce * (s * (1 - t) + q * t) ** float(gamma)
    if alpha != -1:
        loss *= ref._alpha_weight(t, float(alpha))
    return ref._reduce(loss, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, p, ce = _parts(x, t)
    clipped = (s < EPS) | (s > 1 - EPS)
    m = s * (1 - t) + q * t
    dce = np.where(clipped, 0, s - t)
    mod = m ** float(gamma)
    ratio = np.divide(s * q, m, out=np.zeros_like(m), where=m > 0)
    grad = dce * mod + float(gamma) * ce * mod * ratio * (1 - 2 * t)
    if alpha != -1:
        grad *= ref._alpha_weight(t, float(alpha))
    return grad / grad.size if reduction == "mean" and grad.size else grad
