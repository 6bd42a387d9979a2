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
    ### BEGIN SOLUTION
    x, t, w, e, out_shape = _prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    C = x.shape[1]
    valid, safe_t, wy = _target_weights(t, w, ignore_index, x.dtype)
    z, lse = _shifted_lse(x)  # -log_softmax = lse - z, both non-negative terms
    picked = np.take_along_axis(z, safe_t[:, None, :], axis=1)[:, 0, :]  # z at the target, (N, L)
    lse = lse[:, 0, :]
    loss = lse - picked
    loss *= wy  # w[y] * (-p[y]), 0 at ignored positions
    if e > 0:
        # sum_c w[c] (lse - z[c]) = W lse - sum_c w[c] z[c]: both terms >= 0 since z <= 0, so no cancellation
        if w is None:
            smooth = C * lse - z.sum(axis=1)
        else:
            smooth = w.sum() * lse - np.einsum("ncl,c->nl", z, w)
        smooth *= valid
        loss *= 1 - e
        loss += (e / C) * smooth
    return _reduce(loss.reshape(out_shape), wy, reduction)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, t, w, e, out_shape = _prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    N, C, L = x.shape
    valid, safe_t, wy = _target_weights(t, w, ignore_index, x.dtype)
    g = _position_scale(grad_output, wy, valid, reduction, out_shape, x.dtype)  # (N, L), 0 where ignored
    z, lse = _shifted_lse(x)
    grad = z
    grad -= lse
    np.exp(grad, out=grad)  # softmax, in place of z
    # coefficient of the softmax per position: g ((1 - e) w[y] + (e / C) W)
    total = C if w is None else w.sum()
    coef = (1 - e) * wy
    coef += (e / C) * total * valid
    coef *= g
    grad *= coef[:, None, :]
    # minus g (1 - e) w[y] at the target class, and minus g (e / C) w[c] on every class
    n_idx, l_idx = np.nonzero(valid)
    grad[n_idx, safe_t[n_idx, l_idx], l_idx] -= ((1 - e) * g * wy)[n_idx, l_idx]
    if e > 0:
        ones = np.ones(C, x.dtype) if w is None else w
        grad -= (e / C) * ones[None, :, None] * g[:, None, :]
    return grad.reshape(np.shape(logits))
    ### END SOLUTION


def _prepare(logits, target, weight, ignore_index, reduction, label_smoothing):
    """Optional helper: validate the arguments; return (x (N, C, L), t (N, L) int64, w (C,) or None, e, the
    loss's shape), x and w in their common float dtype (float32 at least)."""
    ### BEGIN SOLUTION
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")
    e = float(label_smoothing)
    if not 0.0 <= e <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {label_smoothing!r}")
    logits, target = np.asarray(logits), np.asarray(target)
    if logits.ndim == 1:  # an unbatched (C,) vector with a 0-d target, as torch allows
        logits, target = logits[None], target.reshape(1, *target.shape)
    if logits.ndim < 2:
        raise ValueError(f"logits must be (N, C) or (N, C, d1, ..., dk); got shape {logits.shape}")
    N, C = logits.shape[:2]
    rest = logits.shape[2:]
    if target.shape != (N, *rest):
        raise ValueError(f"target has shape {target.shape}; logits {logits.shape} need {(N, *rest)}")
    if target.size and not np.issubdtype(target.dtype, np.integer):
        raise ValueError(f"target must hold integer class indices; got dtype {target.dtype}")
    L = int(np.prod(rest, dtype=np.int64))  # positions per sample (1 for (N, C) logits)
    t = target.astype(np.int64, copy=False).reshape(N, L)
    bad = (t != ignore_index) & ((t < 0) | (t >= C))
    if bad.any():
        raise ValueError(f"target holds {int(t[bad][0])}, outside [0, {C}) and not ignore_index={ignore_index}")
    floats = [logits] if weight is None else [logits, np.asarray(weight)]
    dtype = np.result_type(*floats, np.float32)
    x = logits.astype(dtype, copy=False).reshape(N, C, L)
    w = None
    if weight is not None:
        w = np.asarray(weight).astype(dtype, copy=False)
        if w.shape != (C,):
            raise ValueError(f"weight has shape {w.shape}, expected ({C},)")
    return x, t, w, e, target.shape
    ### END SOLUTION


def _target_weights(t, w, ignore_index, dtype):
    """Optional helper: (valid mask, targets with the ignored ones replaced by 0, w[y] with 0 at ignored
    positions), each (N, L)."""
    ### BEGIN SOLUTION
    valid = t != ignore_index
    safe_t = np.where(valid, t, 0)
    wy = valid.astype(dtype) if w is None else np.where(valid, w[safe_t], 0).astype(dtype, copy=False)
    return valid, safe_t, wy
    ### END SOLUTION


def _shifted_lse(x):
    """Optional helper: (z = x - max over the classes, log(sum_c exp(z))), shapes (N, C, L) and (N, 1, L).
    ``-log_softmax(x) = lse - z``; the shift makes every exp at most 1, so nothing overflows."""
    ### BEGIN SOLUTION
    z = x - x.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=1, keepdims=True))
    return z, lse
    ### END SOLUTION


def _position_scale(grad_output, wy, valid, reduction, out_shape, dtype):
    """Optional helper: the (N, L) factor each position's gradient is multiplied by (0 where ignored)."""
    ### BEGIN SOLUTION
    if reduction == "none":
        g = np.broadcast_to(np.asarray(grad_output, dtype=dtype), out_shape).reshape(wy.shape)
        return np.where(valid, g, 0).astype(dtype, copy=False)
    if np.ndim(grad_output) != 0:
        raise ValueError(f"grad_output must be a scalar for reduction {reduction!r}; got shape {np.shape(grad_output)}")
    scale = dtype.type(grad_output)
    if reduction == "mean":
        denominator = wy.sum()
        # autograd gives a zero gradient when the mean's denominator is 0 (every position ignored)
        scale = scale / denominator if denominator != 0 else dtype.type(0)
    return valid * scale
    ### END SOLUTION


def _reduce(loss, wy, reduction):
    """Optional helper: the loss per position, its sum, or its sum divided by the sum of the targets' weights."""
    ### BEGIN SOLUTION
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return total
    denominator = wy.sum()
    return total / denominator if denominator != 0 else loss.dtype.type(np.nan)  # NaN as torch's 0 / 0
    ### END SOLUTION
