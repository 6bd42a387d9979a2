"""Baseline for kata 09: softmax cross-entropy and its gradient in one fused Cython pass
(``_cross_entropy_kernels.pyx``), and the speed workload.

Per position the kernel reads the logits three times (max; exp and sums; gradient) and computes one exp per
logit, where torch's forward and autograd backward run log_softmax, nll_loss and their two backward kernels
(the softmax is exponentiated twice and a one-hot-shaped gradient is materialised). In float32 the exp is the
vectorised polynomial of ``_vecmath.h``; the (N, C) layout runs along the classes, the (N, C, d1, ..., dk)
layout along blocks of positions, so both run on SIMD lanes. The per-target weights, the reductions'
denominators and the argument checks are NumPy work on the targets (N * d1 * ... * dk values).
"""

from __future__ import annotations

import math

import numpy as np

from grader.baselines._cross_entropy_kernels import cross_entropy as _kernel

REDUCTIONS = ("none", "mean", "sum")


def _prepare(logits, target, weight, ignore_index, reduction, label_smoothing):
    """(x (N, C, L) contiguous, y (N, L) int64 with -1 where ignored, w (C,), wy (N, L), e, loss shape)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")
    e = float(label_smoothing)
    if not 0.0 <= e <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {label_smoothing!r}")
    logits, target = np.asarray(logits), np.asarray(target)
    if logits.ndim == 1:
        logits, target = logits[None], target.reshape(1, *target.shape)
    if logits.ndim < 2:
        raise ValueError(f"logits must be (N, C) or (N, C, d1, ..., dk); got shape {logits.shape}")
    N, C = logits.shape[:2]
    if target.shape != (N, *logits.shape[2:]):
        raise ValueError(f"target has shape {target.shape}; logits {logits.shape} need {(N, *logits.shape[2:])}")
    if target.size and not np.issubdtype(target.dtype, np.integer):
        raise ValueError(f"target must hold integer class indices; got dtype {target.dtype}")
    dtype = np.result_type(logits, *([] if weight is None else [np.asarray(weight)]), np.float32)
    L = math.prod(logits.shape[2:])
    x = np.ascontiguousarray(logits, dtype=dtype).reshape(N, C, L)
    t = target.astype(np.int64, copy=False).reshape(N, L)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= C))
    if bad.any():
        raise ValueError(f"target holds {int(t[bad][0])}, outside [0, {C}) and not ignore_index={ignore_index}")
    y = np.ascontiguousarray(np.where(valid, t, -1))
    if weight is None:
        w = np.ones(C, dtype)
        wy = valid.astype(dtype)
    else:
        w = np.ascontiguousarray(weight, dtype=dtype)
        if w.shape != (C,):
            raise ValueError(f"weight has shape {w.shape}, expected ({C},)")
        wy = np.where(valid, w[np.where(valid, t, 0)], 0).astype(dtype, copy=False)
    return x, y, w, wy, e, target.shape


def _scale(reduction, grad_output, wy, shape, dtype):
    """The gradient's factor per position (N, L); 0 where ignored (wy is 0 there only if w[y] is 0, so the
    kernel's own test of y handles ignored positions)."""
    if reduction == "none":
        return np.ascontiguousarray(np.broadcast_to(np.asarray(grad_output, dtype), shape), dtype).reshape(wy.shape)
    scale = float(grad_output)
    if reduction == "mean":
        denominator = float(wy.sum(dtype=np.float64))
        scale = scale / denominator if denominator != 0 else 0.0
    return np.full(wy.shape, scale, dtype)


def _reduced(loss, wy, reduction, shape):
    if reduction == "none":
        return loss.reshape(shape)
    total = loss.sum(dtype=np.float64)
    if reduction == "sum":
        return loss.dtype.type(total)
    denominator = float(wy.sum(dtype=np.float64))
    return loss.dtype.type(total / denominator) if denominator != 0 else loss.dtype.type(np.nan)


def cross_entropy_and_grad(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, grad_output=1.0
):
    """(loss, dlogits) from one pass: the loss reduced as asked and the gradient of sum(loss * grad_output)."""
    x, y, w, wy, e, shape = _prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    g = _scale(reduction, grad_output, wy, shape, x.dtype)
    loss = np.zeros(y.shape, x.dtype) if x.shape[1] == 0 else np.empty(y.shape, x.dtype)
    grad = np.empty_like(x)
    _kernel(x, y, w, e, g, loss, grad, True, True)
    return _reduced(loss, wy, reduction, shape), grad.reshape(np.shape(logits))


def cross_entropy(logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """As ``torch.nn.functional.cross_entropy`` with class-index targets (the kata contract)."""
    x, y, w, wy, e, shape = _prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    loss = np.zeros(y.shape, x.dtype) if x.shape[1] == 0 else np.empty(y.shape, x.dtype)
    _kernel(x, y, w, e, np.empty((0, 0), x.dtype), loss, np.empty((0, 0, 0), x.dtype), True, False)
    return _reduced(loss, wy, reduction, shape)


def cross_entropy_grad(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, grad_output=1.0
):
    """The gradient of ``sum(cross_entropy(...) * grad_output)``, the logits' shape."""
    x, y, w, wy, e, shape = _prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    g = _scale(reduction, grad_output, wy, shape, x.dtype)
    grad = np.empty_like(x)
    _kernel(x, y, w, e, g, np.empty((0, 0), x.dtype), grad, False, True)
    return grad.reshape(np.shape(logits))


# --- speed workload ------------------------------------------------------------------------------------

_CLS = (4096, 1000)  # ImageNet classification: a large batch, 1000 classes, label smoothing 0.1
_SEG = (8, 21, 128, 128)  # semantic segmentation (Pascal VOC's 21 classes), ignore 255, class weights
WORKLOAD = (
    f"loss + gradient, reduction mean, float32: {_CLS} logits with label smoothing 0.1, and a {_SEG} "
    "segmentation map with class weights and ignore_index 255"
)


def make_inputs(rng: np.random.Generator):
    """Classification logits of a network part-way through training (the target class ahead by about 3),
    and segmentation logits with about 5% of the pixels ignored (boundaries) and inverse-frequency weights."""
    N, C = _CLS
    logits = rng.standard_normal(_CLS, dtype=np.float32)
    logits *= 2.0
    labels = rng.integers(0, C, size=N)
    logits[np.arange(N), labels] += 3.0
    n, k, h, w = _SEG
    seg = rng.standard_normal(_SEG, dtype=np.float32)
    seg *= 3.0
    mask = rng.choice(k, size=(n, h, w), p=np.r_[0.6, np.full(k - 1, 0.4 / (k - 1))])
    mask[rng.uniform(size=(n, h, w)) < 0.05] = 255
    weight = rng.uniform(0.5, 2.0, size=k).astype(np.float32)
    return logits, labels, seg, mask, weight


def run_baseline(inputs):
    logits, labels, seg, mask, weight = inputs
    loss1, grad1 = cross_entropy_and_grad(logits, labels, label_smoothing=0.1)
    loss2, grad2 = cross_entropy_and_grad(seg, mask, weight, ignore_index=255)
    return loss1, grad1, loss2, grad2


def run_submission(module, inputs):
    logits, labels, seg, mask, weight = inputs
    loss1 = module.cross_entropy(logits, labels, label_smoothing=0.1)
    grad1 = module.cross_entropy_grad(logits, labels, label_smoothing=0.1)
    loss2 = module.cross_entropy(seg, mask, weight, ignore_index=255)
    grad2 = module.cross_entropy_grad(seg, mask, weight, ignore_index=255)
    return loss1, grad1, loss2, grad2


def compare(got, expected) -> str | None:
    if not isinstance(got, tuple) or len(got) != 4:
        return "expected two losses and two gradients"
    for index, what in ((0, "classification"), (2, "segmentation")):
        loss, exp_loss = np.asarray(got[index]), float(expected[index])
        if loss.shape != () or not np.isfinite(loss) or abs(float(loss) - exp_loss) > 1e-4 * abs(exp_loss):
            return f"the {what} loss is {loss!r}, the baseline's {exp_loss!r}"
        grad, exp_grad = np.asarray(got[index + 1]), expected[index + 1]
        if grad.shape != exp_grad.shape:
            return f"the {what} gradient has shape {grad.shape}, expected {exp_grad.shape}"
        scale = float(np.abs(exp_grad).max(initial=0.0))
        if not np.allclose(grad, exp_grad, rtol=1e-3, atol=1e-4 * scale):
            return f"the {what} gradient differs from the baseline's"
    return None
