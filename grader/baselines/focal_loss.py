"""Baseline for kata 06: sigmoid focal loss and its gradient in one fused Cython loop
(``_focal_kernels.pyx``), and the speed workload.

The kernel visits each element once and computes the loss and the gradient together from one ``exp`` and
one ``log1p`` of ``-|x|`` (a fused CUDA/C++ kernel would do the same). Arithmetic is in the inputs' dtype,
as torch's float32 kernels do; in float32 the exp and log1p are vectorised polynomial versions (within
2 ulp, ``_vecmath.h``), so the loop runs on SIMD lanes. The reductions accumulate in float64.
"""

from __future__ import annotations

import numpy as np

from grader.baselines._focal_kernels import focal as _focal_kernel

REDUCTIONS = ("none", "mean", "sum")


def _prepare(logits, targets, alpha, reduction):
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"alpha must be in [0, 1] or -1; got {alpha!r}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")
    logits, targets = np.asarray(logits), np.asarray(targets)
    dtype = np.result_type(logits, targets, np.float32)
    x = np.ascontiguousarray(logits, dtype=dtype)
    t = np.ascontiguousarray(np.broadcast_to(targets, x.shape), dtype=dtype)
    return x, t


def focal_loss_and_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """(loss, grad) from one pass: loss reduced as asked, grad of that loss, both in the inputs' dtype."""
    x, t = _prepare(logits, targets, alpha, reduction)
    loss = np.empty_like(x)
    grad = np.empty_like(x)
    total = _focal_kernel(
        x.reshape(-1), t.reshape(-1), float(alpha), float(gamma), loss.reshape(-1), grad.reshape(-1), True, True
    )
    return _reduced(loss, total, reduction), _scaled(grad, reduction)


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """Focal loss as ``torchvision.ops.sigmoid_focal_loss``: logits' shape for "none", else a 0-d value."""
    x, t = _prepare(logits, targets, alpha, reduction)
    loss = np.empty_like(x)
    total = _focal_kernel(
        x.reshape(-1), t.reshape(-1), float(alpha), float(gamma), loss.reshape(-1), loss.reshape(-1), True, False
    )
    return _reduced(loss, total, reduction)


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """d(loss)/d(logits), the logits' shape (for "none": the gradient of the sum)."""
    x, t = _prepare(logits, targets, alpha, reduction)
    grad = np.empty_like(x)
    _focal_kernel(
        x.reshape(-1), t.reshape(-1), float(alpha), float(gamma), grad.reshape(-1), grad.reshape(-1), False, True
    )
    return _scaled(grad, reduction)


def _reduced(loss, total, reduction):
    if reduction == "sum":
        return loss.dtype.type(total)
    if reduction == "mean":
        return loss.dtype.type(total / loss.size) if loss.size else loss.dtype.type(np.nan)
    return loss


def _scaled(grad, reduction):
    if reduction == "mean" and grad.size:
        grad /= grad.size
    return grad


# --- speed workload ------------------------------------------------------------------------------------

# RetinaNet on a 512x512 image: 9 anchors at each location of P3-P7 (64^2 + 32^2 + 16^2 + 8^2 + 4^2 cells).
_ANCHORS, _CLASSES = 9 * (64**2 + 32**2 + 16**2 + 8**2 + 4**2), 80
WORKLOAD = (
    f"RetinaNet at 512x512: loss (sum) and gradient on ({_ANCHORS}, {_CLASSES}) float32 logits, "
    "one-hot targets, alpha 0.25, gamma 2"
)


def make_inputs(rng: np.random.Generator):
    """Logits as a RetinaNet head gives them early in training (its prior-0.01 bias puts them near -4.6),
    about 150 positive anchors with one-hot targets, and a few saturated logits."""
    logits = rng.standard_normal((_ANCHORS, _CLASSES), dtype=np.float32)
    logits *= 2.0
    logits -= 4.6
    targets = np.zeros((_ANCHORS, _CLASSES), dtype=np.float32)
    positives = rng.choice(_ANCHORS, size=150, replace=False)
    targets[positives, rng.integers(0, _CLASSES, size=positives.size)] = 1.0
    extreme = rng.integers(0, logits.size, size=64)
    logits.reshape(-1)[extreme] = rng.choice(np.array([-1e4, -80.0, 80.0, 1e4], np.float32), size=64)
    return logits, targets


def run_baseline(inputs):
    logits, targets = inputs
    return focal_loss_and_grad(logits, targets, 0.25, 2.0, "sum")


def run_submission(module, inputs):
    logits, targets = inputs
    loss = module.sigmoid_focal_loss(logits, targets, 0.25, 2.0, "sum")
    grad = module.sigmoid_focal_loss_grad(logits, targets, 0.25, 2.0, "sum")
    return loss, grad


def compare(got, expected) -> str | None:
    loss, grad = got
    exp_loss, exp_grad = expected
    loss = np.asarray(loss)
    if loss.shape != () or not np.isfinite(loss) or abs(float(loss) - float(exp_loss)) > 1e-4 * abs(float(exp_loss)):
        return f"the summed loss is {loss!r}, the baseline's {float(exp_loss)!r}"
    grad = np.asarray(grad)
    if grad.shape != exp_grad.shape:
        return f"the gradient has shape {grad.shape}, expected {exp_grad.shape}"
    if not np.allclose(grad, exp_grad, rtol=1e-4, atol=1e-5):
        return "the gradient differs from the baseline's"
    return None
