"""Softmax cross-entropy, and loss + gradient, against ``torch.nn.functional.cross_entropy`` (and torch
autograd), float32, reduction "mean": ImageNet-style classification with label smoothing 0.1, and a
semantic-segmentation map with class weights and ignore_index 255 (the (N, C, H, W) layout)."""

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
    "`torch.nn.functional.cross_entropy` runs `log_softmax` then `nll_loss` (plus a weighted sum over the "
    "classes for label smoothing); its gradient comes from autograd (the backward of each, which "
    "exponentiates the log-softmax again)."
)

# (logits shape, keyword arguments): classification batches of 1000 classes, segmentation maps of 21 classes
SHAPES = (
    ((1024, 1000), "classification"),
    ((8192, 1000), "classification"),
    ((8, 21, 128, 128), "segmentation"),
    ((4, 21, 256, 256), "segmentation"),
)


def cases(quick: bool) -> list[Case]:
    import torch
    import torch.nn.functional as F

    ref, base = load_reference(KATA), load_baseline(KATA)
    out = []
    chosen = [SHAPES[0], SHAPES[2]] if quick else SHAPES
    for shape, kind in chosen:

        def make_inputs(shape=shape, kind=kind):
            rng = np.random.default_rng([9, *shape])
            N, C = shape[:2]
            logits = rng.standard_normal(shape, dtype=np.float32) * np.float32(2.0)
            target = rng.integers(0, C, size=(N, *shape[2:]))
            if kind == "classification":
                kwargs = dict(label_smoothing=0.1)
            else:
                target[rng.uniform(size=target.shape) < 0.05] = 255  # object boundaries
                kwargs = dict(weight=rng.uniform(0.5, 2.0, size=C).astype(np.float32), ignore_index=255)
            tkwargs = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            return logits, target, kwargs, torch.from_numpy(logits), torch.from_numpy(target), tkwargs

        def kata_loss(module):
            return lambda v: np.asarray(module.cross_entropy(v[0], v[1], **v[2]))

        def kata_both(module, fused: bool):
            if fused:  # the baseline's one-pass loss and gradient
                return lambda v: tuple(np.asarray(a) for a in module.cross_entropy_and_grad(v[0], v[1], **v[2]))
            return lambda v: (
                np.asarray(module.cross_entropy(v[0], v[1], **v[2])),
                module.cross_entropy_grad(v[0], v[1], **v[2]),
            )

        def torch_loss(v):
            with torch.no_grad():
                return F.cross_entropy(v[3], v[4], **v[5]).numpy()

        def torch_both(v):
            x = v[3].detach().requires_grad_()
            loss = F.cross_entropy(x, v[4], **v[5])
            loss.backward()
            return loss.detach().numpy(), x.grad.numpy()

        size = " x ".join(str(n) for n in shape)
        note = "label smoothing 0.1" if kind == "classification" else "class weights, ignore_index 255 (5% of pixels)"
        fused = hasattr(base, "cross_entropy_and_grad")
        out.append(
            Case(
                kata=KATA.slug,
                op="cross_entropy",
                size=size,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_loss(ref)),
                    Impl("baseline", BASELINE, kata_loss(base)),
                    Impl("torch", PRODUCTION, torch_loss, pool="torch"),
                ],
                agree=max_abs_diff(1e-5, scale_relative=True),
                targets=[Target("torch", 1.0, "no slower than torch")],
                note=f'{kind}, reduction "mean", {note}; torch under no_grad',
            )
        )
        out.append(
            Case(
                kata=KATA.slug,
                op="cross-entropy + gradient",
                size=size,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_both(ref, False)),
                    Impl("baseline", BASELINE, kata_both(base, fused)),
                    Impl("torch", PRODUCTION, torch_both, pool="torch"),
                ],
                agree=max_abs_diff(1e-5, scale_relative=True),
                targets=[Target("torch", 1.0, "no slower than torch forward + backward")],
                note=f'{kind}, reduction "mean", {note}; reference: cross_entropy + cross_entropy_grad; baseline: '
                + ("cross_entropy_and_grad (one pass for both)" if fused else "the same two functions")
                + "; torch: forward, then autograd backward",
            )
        )
    return out
