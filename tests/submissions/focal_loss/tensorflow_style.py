"""Correct: TensorFlow's sigmoid_cross_entropy_with_logits, max(x, 0) - x t + log1p(exp(-|x|)), a sigmoid
from the same exp, and the gradient in its t = 1 / t = 0 factored form generalised to soft targets.
Must get full marks."""

import numpy as np

CAUGHT_BY = None


def _check(alpha, reduction):
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction: {reduction!r}")


def _parts(logits, targets, alpha, gamma):
    x, t = np.asarray(logits), np.asarray(targets)
    dtype = np.result_type(x, t)
    x, t = x.astype(dtype), t.astype(dtype)
    e = np.exp(-np.abs(x))
    p = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    ce = np.maximum(x, 0) - x * t + np.log1p(e)
    m = p + t - 2 * p * t
    m = np.maximum(m, 0)
    w = alpha * t + (1 - alpha) * (1 - t) if alpha != -1 else np.ones_like(x)
    return x, t, p, ce, m, w


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    _check(alpha, reduction)
    x, t, p, ce, m, w = _parts(logits, targets, alpha, gamma)
    loss = w * ce * m**gamma
    return {"none": loss, "mean": loss.mean() if loss.size else loss.sum(), "sum": loss.sum()}[reduction]


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    _check(alpha, reduction)
    x, t, p, ce, m, w = _parts(logits, targets, alpha, gamma)
    # d m / dx = p (1 - p) (1 - 2t); m is floored at the smallest normal number so that m**(gamma - 1)
    # stays finite (its product with p (1 - p) tends to 0 there)
    mg1 = np.maximum(m, np.finfo(m.dtype).tiny) ** (gamma - 1)
    grad = w * ((p - t) * m**gamma + gamma * ce * mg1 * p * (1 - p) * (1 - 2 * t))
    return grad / grad.size if reduction == "mean" and grad.size else grad
