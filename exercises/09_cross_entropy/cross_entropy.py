"""Kata 09: softmax cross-entropy over class indices, as ``torch.nn.functional.cross_entropy``, and its gradient.

``logits`` are raw scores with the classes on axis 1: (N, C) for classification, (N, C, d1, ..., dk) for dense
prediction (a segmentation map is (N, C, H, W)). ``target`` holds one int class index per position: (N,) or
(N, d1, ..., dk). With ``p = log_softmax(logits)`` over the C classes, ``w`` the class weights (ones when
``weight`` is None), ``y`` a position's target, ``e`` the label smoothing and M the positions whose target is
not ``ignore_index``::

    loss = (1 - e) * w[y] * (-p[y]) + (e / C) * sum_c w[c] * (-p[c])        (0 where the target is ignored)
    "sum":  the sum over M;   "mean": that sum divided by sum over M of w[y]  (NaN when that is 0)

Both functions accept float32 and float64 logits (and weights) and compute in ``np.result_type`` of them;
targets are integers. They shift the logits by their maximum before the exponential and take the log-sum-exp
in one piece, so they are finite and accurate for logits as large as +-1e4. Empty inputs are legal: "none"
gives an empty array, "sum" 0 and "mean" NaN (as torch does).
"""

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def cross_entropy(
    logits: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """Softmax cross-entropy with class-index targets, as ``torch.nn.functional.cross_entropy``.

    Args:
        logits: (N, C) or (N, C, d1, ..., dk) float array of raw scores; the class axis is 1.
        target: (N,) or (N, d1, ..., dk) int array of class indices in [0, C), or ``ignore_index``.
        weight: (C,) float array of per-class weights, or None for all ones.
        ignore_index: int, a target value whose positions contribute nothing (not to the mean's
            denominator either).
        reduction: "none" (one loss per position), "mean" (the weighted mean over the positions that are
            not ignored: divided by the sum of their targets' weights) or "sum".
        label_smoothing: float e in [0, 1]: the target distribution is (1 - e) one-hot + e / C on every class.

    Returns:
        "none": an array of the target's shape (0 at ignored positions); "mean" and "sum": a 0-d result.
        The dtype is ``np.result_type(logits, weight)`` (float32 stays float32).

    Raises:
        ValueError: for an unknown reduction, a label_smoothing outside [0, 1], mismatched shapes, a
            non-integer target, or a target outside [0, C) that is not ``ignore_index``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def cross_entropy_grad(
    logits: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    grad_output=1.0,
) -> np.ndarray:
    """Gradient of ``sum(cross_entropy(...) * grad_output)`` with respect to the logits, in closed form.

    Per position, with ``s = softmax(logits)``, ``W = sum_c w[c]`` and ``g`` the position's scale::

        dlogits[c] = g * ((1 - e) * w[y] * (s[c] - [c == y]) + (e / C) * (W * s[c] - w[c]))

    where g is ``grad_output`` ("sum"), ``grad_output`` divided by the sum over M of w[y] ("mean"; the
    gradient is 0 when that sum is 0, as autograd gives where every position is ignored), or the position's
    entry of ``grad_output`` ("none"); g is 0 at ignored positions.

    Args:
        logits, target, weight, ignore_index, reduction, label_smoothing: as in :func:`cross_entropy` (same
            validation).
        grad_output: the upstream gradient: a scalar for "mean" and "sum", an array of the loss's shape (the
            target's shape) for "none" (a scalar is broadcast).

    Returns:
        An array of the logits' shape and dtype ``np.result_type(logits, weight)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def _prepare(logits, target, weight, ignore_index, reduction, label_smoothing):
    """Optional helper: validate the arguments; return (x (N, C, L), t (N, L) int64, w (C,) or None, e, the
    loss's shape), x and w in their common float dtype (float32 at least)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _target_weights(t, w, ignore_index, dtype):
    """Optional helper: (valid mask, targets with the ignored ones replaced by 0, w[y] with 0 at ignored
    positions), each (N, L)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _shifted_lse(x):
    """Optional helper: (z = x - max over the classes, log(sum_c exp(z))), shapes (N, C, L) and (N, 1, L).
    ``-log_softmax(x) = lse - z``; the shift makes every exp at most 1, so nothing overflows."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _position_scale(grad_output, wy, valid, reduction, out_shape, dtype):
    """Optional helper: the (N, L) factor each position's gradient is multiplied by (0 where ignored)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _reduce(loss, wy, reduction):
    """Optional helper: the loss per position, its sum, or its sum divided by the sum of the targets' weights."""
    # YOUR CODE HERE
    raise NotImplementedError()
