"""Correct and stable, but a plain Python loop over the elements: the speed check must fail it."""

import math

import numpy as np

CAUGHT_BY = "speed"


def _check(alpha, reduction):
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError("alpha must be in [0, 1] or -1")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")


def _element(x, t, alpha, gamma):
    """(loss, d loss / dx) of one element."""
    e = math.exp(-abs(x))
    big, small = 1 / (1 + e), e / (1 + e)
    s, q = (big, small) if x >= 0 else (small, big)
    ce = (x * (1 - t) if x >= 0 else -x * t) + math.log1p(e)
    m = s * (1 - t) + q * t
    mod = m**gamma
    d = (s * (1 - t) - q * t) * mod
    if gamma != 0 and m > 0:
        d += gamma * ce * mod * (s * q / m) * (1 - 2 * t)
    w = alpha * t + (1 - alpha) * (1 - t) if alpha != -1 else 1.0
    return w * ce * mod, w * d


def _run(logits, targets, alpha, gamma, reduction, index):
    _check(alpha, reduction)
    logits, targets = np.asarray(logits), np.asarray(targets)
    dtype = np.result_type(logits, targets, np.float32)
    flat_x = logits.astype(np.float64).ravel().tolist()
    flat_t = np.broadcast_to(targets, logits.shape).astype(np.float64).ravel().tolist()
    out = [_element(x, t, float(alpha), float(gamma))[index] for x, t in zip(flat_x, flat_t)]
    return np.array(out, dtype=dtype).reshape(logits.shape)


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    loss = _run(logits, targets, alpha, gamma, reduction, 0)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean() if loss.size else loss.dtype.type(np.nan)
    return loss


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    grad = _run(logits, targets, alpha, gamma, reduction, 1)
    if reduction == "mean" and grad.size:
        grad /= grad.size
    return grad
