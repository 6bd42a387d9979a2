"""Correct: torchvision's formula translated to NumPy (ce = (1 - t) x - log_sigmoid(x), p_t, then 1 - p_t by
subtraction) and the chain rule for the gradient, guarded where 1 - p_t is 0. Must get full marks."""

import numpy as np

CAUGHT_BY = None


def _check(alpha, reduction):
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction: {reduction!r}")


def _common(logits, targets):
    x = np.asarray(logits)
    t = np.asarray(targets)
    dtype = np.result_type(x, t)
    x, t = x.astype(dtype), t.astype(dtype)
    p = 0.5 * np.tanh(0.5 * x) + 0.5  # the sigmoid, without overflow
    log_sigmoid = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
    ce = (1 - t) * x - log_sigmoid
    p_t = p * t + (1 - p) * (1 - t)
    one_minus = 1 - p_t
    return x, t, p, ce, one_minus


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    _check(alpha, reduction)
    x, t, p, ce, one_minus = _common(logits, targets)
    loss = ce * one_minus**gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    _check(alpha, reduction)
    x, t, p, ce, one_minus = _common(logits, targets)
    factor = one_minus**gamma
    grad = (p - t) * factor
    if gamma != 0:
        safe = np.where(one_minus > 0, one_minus, 1)
        d_factor = np.where(one_minus > 0, gamma * safe ** (gamma - 1), 0)
        grad += ce * d_factor * p * (1 - p) * (1 - 2 * t)
    if alpha >= 0:
        grad *= alpha * t + (1 - alpha) * (1 - t)
    if reduction == "mean" and grad.size:
        grad /= grad.size
    return grad
