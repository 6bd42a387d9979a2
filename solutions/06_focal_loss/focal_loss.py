"""Kata 06: the sigmoid focal loss of RetinaNet and its analytic gradient.

``logits`` are raw scores (any shape), ``targets`` floats in [0, 1] of the same shape (1 for the positive
class, 0 for the negative one, anything in between for soft labels). With ``p = sigmoid(logits)``::

    ce      = -t * log(p) - (1 - t) * log(1 - p)            # binary cross-entropy
    p_t     = p * t + (1 - p) * (1 - t)                     # the probability given to the right answer
    alpha_t = alpha * t + (1 - alpha) * (1 - t)             # 1 when alpha == -1
    loss    = alpha_t * (1 - p_t) ** gamma * ce

Both functions accept float32 and float64 arrays and compute in the inputs' float dtype
(``np.result_type(logits, targets)``). They never evaluate ``exp`` of a large positive number nor ``log``
of zero, so they are finite and raise no floating-point warning for logits as large as +-1e4.
"""

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def sigmoid_focal_loss(
    logits: np.ndarray,
    targets: np.ndarray,
    alpha: float = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> np.ndarray:
    """Sigmoid focal loss, as ``torchvision.ops.sigmoid_focal_loss``.

    Args:
        logits: float array of any shape: the raw (pre-sigmoid) scores.
        targets: float array of the same shape, values in [0, 1] (soft labels allowed).
        alpha: weight of the positive term, in [0, 1]; the negative term gets ``1 - alpha``.
            -1 disables the weighting. Any other value raises ValueError.
        gamma: exponent of the modulating factor ``(1 - p_t)``, >= 0 (0 gives plain cross-entropy).
        reduction: "none" (elementwise), "mean" (over all elements) or "sum"; anything else raises
            ValueError.

    Returns:
        "none": an array of the logits' shape; "mean" and "sum": a 0-d result. The dtype is
        ``np.result_type(logits, targets)``.
    """
    ### BEGIN SOLUTION
    _check_arguments(alpha, reduction)
    x, t = _as_float_pair(logits, targets)
    s, q, tail = _sigmoid_parts(x)
    loss = _cross_entropy(x, t, tail)
    m = s * (1 - t)  # 1 - p_t = s (1 - t) + (1 - s) t: two non-negative terms, no cancellation
    m += q * t
    loss *= m ** float(gamma)
    if alpha != -1:
        loss *= _alpha_weight(t, float(alpha))
    return _reduce(loss, reduction)
    ### END SOLUTION


def sigmoid_focal_loss_grad(
    logits: np.ndarray,
    targets: np.ndarray,
    alpha: float = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> np.ndarray:
    """Gradient of :func:`sigmoid_focal_loss` with respect to the logits, in closed form.

    Matches torch autograd through ``torchvision.ops.sigmoid_focal_loss`` wherever autograd is finite. At a
    saturated logit with a hard target (``1 - p_t`` rounds to 0) autograd gives NaN for 0 < gamma < 1; the
    analytic limit there is finite, and so is this gradient, for logits as large as +-1e4.

    Args:
        logits, targets, alpha, gamma, reduction: as in :func:`sigmoid_focal_loss` (same validation).

    Returns:
        An array of the logits' shape and dtype ``np.result_type(logits, targets)``: for "none" the
        elementwise derivative (the gradient of the sum), for "sum" the same, for "mean" that divided by
        the number of elements.
    """
    ### BEGIN SOLUTION
    _check_arguments(alpha, reduction)
    gamma = float(gamma)
    x, t = _as_float_pair(logits, targets)
    s, q, tail = _sigmoid_parts(x)
    u = 1 - t
    su, qt = s * u, q * t
    m = su + qt  # 1 - p_t
    mod = m**gamma
    grad = su - qt  # s - t, without cancellation when s and t are both close to 1
    grad *= mod
    if gamma != 0:
        # m**(gamma-1) * s*q = m**gamma * (s*q/m), and s*q/m lies in [0, 1]. Where m underflows to 0,
        # s*q is 0 too, so the floor on the divisor gives the term its limit, 0, without a warning.
        extra = s * q
        extra /= np.maximum(m, np.finfo(m.dtype).tiny)
        extra *= _cross_entropy(x, t, tail)
        extra *= mod
        extra *= u - t
        extra *= gamma
        grad += extra
    if alpha != -1:
        grad *= _alpha_weight(t, float(alpha))
    if reduction == "mean" and grad.size:
        grad /= grad.size
    return grad
    ### END SOLUTION


def _check_arguments(alpha: float, reduction: str) -> None:
    """Optional helper: raise ValueError for an alpha outside [0, 1] other than -1, or an unknown reduction."""
    ### BEGIN SOLUTION
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"alpha must be in [0, 1], or -1 to disable the weighting; got {alpha!r}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")
    ### END SOLUTION


def _as_float_pair(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optional helper: both arrays in their common float dtype (float32 at least)."""
    ### BEGIN SOLUTION
    logits, targets = np.asarray(logits), np.asarray(targets)
    dtype = np.result_type(logits, targets, np.float32)
    return logits.astype(dtype, copy=False), targets.astype(dtype, copy=False)
    ### END SOLUTION


def _sigmoid_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Optional helper: ``sigmoid(x)``, ``sigmoid(-x)`` and ``log(1 + exp(-|x|))``, from one exp of a
    non-positive number."""
    ### BEGIN SOLUTION
    e = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
    tail = np.log1p(e)
    big = 1 / (1 + e)  # sigmoid(|x|)
    small = e * big  # sigmoid(-|x|), accurate even where it is tiny (no 1 - big)
    negative = x < 0
    s = np.where(negative, small, big)
    q = np.where(negative, big, small)
    return s, q, tail
    ### END SOLUTION


def _cross_entropy(x: np.ndarray, t: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """Optional helper: binary cross-entropy with logits, ``softplus(x) - t x``, as ``x (1 - t) + tail`` for x >= 0 and
    ``-x t + tail`` for x < 0: products of non-negative numbers, so no cancellation at large |x|."""
    ### BEGIN SOLUTION
    ce = np.where(x >= 0, 1 - t, -t)
    ce *= x
    ce += tail
    return ce
    ### END SOLUTION


def _alpha_weight(t: np.ndarray, alpha: float) -> np.ndarray:
    """Optional helper: ``alpha_t = alpha t + (1 - alpha)(1 - t)``."""
    ### BEGIN SOLUTION
    return alpha * t + (1 - alpha) * (1 - t)
    ### END SOLUTION


def _reduce(loss: np.ndarray, reduction: str):
    """Optional helper: apply the reduction: the array itself, its mean over all elements, or its sum."""
    ### BEGIN SOLUTION
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean() if loss.size else loss.dtype.type(np.nan)  # the mean of nothing is NaN, as in torch
    return loss
    ### END SOLUTION
