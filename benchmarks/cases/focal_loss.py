"""Sigmoid focal loss, and loss + gradient, against ``torchvision.ops.sigmoid_focal_loss`` (and
torch autograd), float32, reduction "sum", alpha 0.25, gamma 2, one-hot targets as in RetinaNet."""

from __future__ import annotations

import numpy as np

from benchmarks.cases import (
    BASELINE,
    PRODUCTION,
    REFERENCE,
    Case,
    Impl,
    Target,
    case_kata,
    load_baseline,
    load_reference,
    max_abs_diff,
)

KATA = case_kata(__name__)

NOTE = (
    "`torchvision.ops.sigmoid_focal_loss` is a chain of elementwise tensor ops (each a pass over "
    "memory with a temporary); its gradient comes from autograd."
)

CLASSES = 80
# anchors: a small batch, RetinaNet at 512x512 (9 anchors on P3-P7), and the 100k-anchor size of the notes
ANCHORS = (10_000, 9 * (64**2 + 32**2 + 16**2 + 8**2 + 4**2), 100_000)
ALPHA, GAMMA = 0.25, 2.0


def cases(quick: bool) -> list[Case]:
    import torch
    from torchvision.ops import sigmoid_focal_loss

    ref, base = load_reference(KATA), load_baseline(KATA)
    out = []
    for n in ANCHORS[:1] if quick else ANCHORS:

        def make_inputs(n=n):
            rng = np.random.default_rng([6, n])
            # a RetinaNet head early in training: its prior bias puts logits near -4.6
            logits = rng.standard_normal((n, CLASSES), dtype=np.float32) * np.float32(2.0) - np.float32(4.6)
            targets = np.zeros((n, CLASSES), dtype=np.float32)
            positives = rng.choice(n, size=max(n // 300, 1), replace=False)
            targets[positives, rng.integers(0, CLASSES, size=positives.size)] = 1.0
            return logits, targets, torch.from_numpy(logits), torch.from_numpy(targets)

        def kata_loss(module):
            return lambda v: np.asarray(module.sigmoid_focal_loss(v[0], v[1], ALPHA, GAMMA, "sum"))

        def kata_both(module, fused: bool):
            if fused:  # the baseline's one-pass loss and gradient, when it has one
                return lambda v: tuple(
                    np.asarray(a) for a in module.focal_loss_and_grad(v[0], v[1], ALPHA, GAMMA, "sum")
                )
            return lambda v: (
                np.asarray(module.sigmoid_focal_loss(v[0], v[1], ALPHA, GAMMA, "sum")),
                module.sigmoid_focal_loss_grad(v[0], v[1], ALPHA, GAMMA, "sum"),
            )

        def torch_loss(v):
            with torch.no_grad():
                return sigmoid_focal_loss(v[2], v[3], ALPHA, GAMMA, "sum").numpy()

        def torch_both(v):
            x = v[2].detach().requires_grad_()
            loss = sigmoid_focal_loss(x, v[3], ALPHA, GAMMA, "sum")
            loss.backward()
            return loss.detach().numpy(), x.grad.numpy()

        size = f"{n} x {CLASSES}"
        fused = hasattr(base, "focal_loss_and_grad")
        # a float32 sum of up to 8e6 positive terms: relative error ~1e-6 or better with pairwise sums
        out.append(
            Case(
                kata=KATA.slug,
                op="sigmoid_focal_loss",
                size=size,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_loss(ref)),
                    Impl("baseline", BASELINE, kata_loss(base)),
                    Impl("torchvision", PRODUCTION, torch_loss, pool="torch"),
                ],
                agree=max_abs_diff(1e-4, scale_relative=True),
                targets=[Target("torchvision", 1.0, "no slower than torchvision")],
                note='reduction "sum"; torchvision under no_grad',
            )
        )
        out.append(
            Case(
                kata=KATA.slug,
                op="focal loss + gradient",
                size=size,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_both(ref, False)),
                    Impl("baseline", BASELINE, kata_both(base, fused)),
                    Impl("torchvision", PRODUCTION, torch_both, pool="torch"),
                ],
                agree=max_abs_diff(1e-4, scale_relative=True),
                targets=[Target("torchvision", 1.0, "no slower than torchvision forward + backward")],
                note="reference: sigmoid_focal_loss + sigmoid_focal_loss_grad; baseline: "
                + ("focal_loss_and_grad (one pass for both)" if fused else "the same two functions")
                + "; torchvision: forward, then autograd backward",
            )
        )
    return out
