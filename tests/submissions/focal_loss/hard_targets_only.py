"""p_t = where(t == 1, p, 1 - p) and alpha_t = where(t == 1, alpha, 1 - alpha): right for 0/1 labels only,
wrong for soft targets (label smoothing, IoU-aware targets)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _factors(x, t, alpha, gamma):
    s, q, tail = ref._sigmoid_parts(x)
    positive = t == 1
    m = np.where(positive, q, s)
    w = np.where(positive, alpha, 1 - alpha) if alpha != -1 else np.ones_like(x)
    return s, q, m, m ** float(gamma), w.astype(x.dtype), ref._cross_entropy(x, t, tail), positive


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    _, _, _, mod, w, ce, _ = _factors(x, t, alpha, gamma)
    return ref._reduce(w * ce * mod, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    ref._check_arguments(alpha, reduction)
    x, t = ref._as_float_pair(logits, targets)
    s, q, m, mod, w, ce, positive = _factors(x, t, alpha, gamma)
    ratio = np.divide(s * q, m, out=np.zeros_like(m), where=m > 0)
    grad = w * ((s - t) * mod + float(gamma) * ce * mod * ratio * np.where(positive, -1, 1))
    return grad / grad.size if reduction == "mean" and grad.size else grad
