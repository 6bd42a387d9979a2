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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _check_arguments(alpha: float, reduction: str) -> None:
    """Optional helper: raise ValueError for an alpha outside [0, 1] other than -1, or an unknown reduction."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _as_float_pair(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optional helper: both arrays in their common float dtype (float32 at least)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _sigmoid_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Optional helper: ``sigmoid(x)``, ``sigmoid(-x)`` and ``log(1 + exp(-|x|))``, from one exp of a
    non-positive number."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _cross_entropy(x: np.ndarray, t: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """Optional helper: binary cross-entropy with logits, ``softplus(x) - t x``, as ``x (1 - t) + tail`` for x >= 0 and
    ``-x t + tail`` for x < 0: products of non-negative numbers, so no cancellation at large |x|."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _alpha_weight(t: np.ndarray, alpha: float) -> np.ndarray:
    """Optional helper: ``alpha_t = alpha t + (1 - alpha)(1 - t)``."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _reduce(loss: np.ndarray, reduction: str):
    """Optional helper: apply the reduction: the array itself, its mean over all elements, or its sum."""
    # YOUR CODE HERE
    raise NotImplementedError()
