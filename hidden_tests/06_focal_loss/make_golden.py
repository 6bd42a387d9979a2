"""Generates golden.npz for the hidden tests of kata 06 from torchvision.ops.sigmoid_focal_loss.

Run once, with torch 2.14.1 and torchvision 0.29.1 installed (``make golden``); the output is committed.
For each case it stores the float64 loss and its gradient by torch autograd (of the sum for reduction
"none"). Autograd is NaN where a logit saturates and 0 < gamma < 1 (0 ** (gamma - 1) times 0): those
entries stay NaN in the file, the tests skip them there and check the analytic limit elsewhere. The script
also records how far torchvision's float32 result (on the logits and targets rounded to float32) is from
its float64 result: the hidden tests hold a float32 submission to that error, no tighter.

The hidden tests also compare against a torch formula evaluated live; they check that formula against
this file, so the live comparison stays tied to torchvision itself.
"""

from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.ops import sigmoid_focal_loss

OUT = Path(__file__).with_name("golden.npz")


def one_hot(rng, rows, classes, positives):
    targets = np.zeros((rows, classes))
    chosen = rng.choice(rows, size=positives, replace=False)
    targets[chosen, rng.integers(0, classes, size=positives)] = 1.0
    return targets


def extreme_grid():
    """Every combination of a saturated or moderate logit with a hard or soft target."""
    logits = np.array([-1e4, -1e3, -100.0, -40.0, -20.0, -3.0, 0.0, 3.0, 20.0, 40.0, 100.0, 1e3, 1e4])
    targets = np.array([0.0, 1.0, 0.5, 0.25, 0.9])
    x, t = np.meshgrid(logits, targets, indexing="ij")
    return x.copy(), t.copy()


def cases(rng):
    """(name, logits, targets, alpha, gamma, reduction)"""
    yield "retinanet_like", rng.normal(-4.6, 2.0, size=(400, 20)), one_hot(rng, 400, 20, 25), 0.25, 2.0, "none"
    yield "retinanet_sum", rng.normal(-4.6, 2.0, size=(300, 30)), one_hot(rng, 300, 30, 20), 0.25, 2.0, "sum"
    yield (
        "hard_targets",
        rng.normal(0, 3, size=(64, 10)),
        rng.integers(0, 2, size=(64, 10)).astype(float),
        0.25,
        2.0,
        "none",
    )
    yield (
        "mean_3d",
        rng.normal(0, 2, size=(6, 13, 5)),
        rng.integers(0, 2, size=(6, 13, 5)).astype(float),
        0.6,
        1.5,
        "mean",
    )
    yield "soft_targets", rng.normal(0, 4, size=500), rng.uniform(0, 1, size=500), 0.25, 2.0, "none"
    smoothed = np.where(rng.uniform(size=(50, 8)) < 0.2, 0.95, 0.05)  # label smoothing 0.1
    yield "label_smoothing", rng.normal(0, 3, size=(50, 8)), smoothed, 0.25, 2.0, "sum"
    yield "no_alpha", rng.normal(0, 3, size=(40, 7)), rng.integers(0, 2, size=(40, 7)).astype(float), -1, 2.0, "none"
    yield "alpha_0", rng.normal(0, 3, size=120), rng.uniform(0, 1, size=120), 0.0, 2.0, "none"
    yield "alpha_1", rng.normal(0, 3, size=120), rng.uniform(0, 1, size=120), 1.0, 1.0, "mean"
    yield "gamma_0", rng.normal(0, 5, size=(30, 9)), rng.integers(0, 2, size=(30, 9)).astype(float), 0.25, 0.0, "none"
    yield "gamma_3.3", rng.normal(0, 3, size=200), rng.uniform(0, 1, size=200), 0.4, 3.3, "sum"
    x, t = extreme_grid()
    yield "extreme", x, t, 0.25, 2.0, "none"
    yield "extreme_gamma_0.5", x, t, 0.25, 0.5, "none"
    yield "extreme_gamma_1_mean", x, t, -1, 1.0, "mean"
    yield "extreme_gamma_0_sum", x, t, 0.75, 0.0, "sum"
    yield "single", np.array([0.7]), np.array([1.0]), 0.25, 2.0, "none"


def torchvision_result(x, t, alpha, gamma, reduction, dtype):
    """(loss, grad) of torchvision's focal loss in ``dtype``, grad by autograd, both as float64 arrays."""
    logits = torch.tensor(x, dtype=dtype, requires_grad=True)
    loss = sigmoid_focal_loss(logits, torch.tensor(t, dtype=dtype), alpha=alpha, gamma=gamma, reduction=reduction)
    loss.sum().backward()
    return loss.detach().double().numpy(), logits.grad.double().numpy()


def max_error(a, b):
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]), initial=0.0))


def main():
    rng = np.random.default_rng(606)
    arrays, names = {}, []
    for name, x, t, alpha, gamma, reduction in cases(rng):
        loss64, grad64 = torchvision_result(x, t, alpha, gamma, reduction, torch.float64)
        loss32, grad32 = torchvision_result(x, t, alpha, gamma, reduction, torch.float32)
        assert np.isfinite(loss64).all() and np.isfinite(loss32).all(), name
        names.append(name)
        arrays.update(
            {
                f"{name}/logits": x,
                f"{name}/targets": t,
                f"{name}/alpha": np.array(float(alpha)),
                f"{name}/gamma": np.array(float(gamma)),
                f"{name}/reduction": np.array(reduction),
                f"{name}/loss": loss64,
                f"{name}/grad": grad64,
                f"{name}/loss_float32_error": np.array(max_error(loss32, loss64)),
                f"{name}/grad_float32_error": np.array(max_error(grad32, grad64)),
            }
        )
        print(
            f"{name:22s} {str(x.shape):12s} alpha {alpha:5.2f} gamma {gamma:3.1f} {reduction:4s}  "
            f"autograd NaNs: {int(np.isnan(grad64).sum()):3d}  float32 error: loss {max_error(loss32, loss64):.1e}, "
            f"grad {max_error(grad32, grad64):.1e}"
        )
    arrays["cases"] = np.array(names)
    arrays["versions"] = np.array([f"torch {torch.__version__}", f"torchvision {torchvision.__version__}"])
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
