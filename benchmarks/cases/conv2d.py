"""Kata 05: conv2d forward, and forward + backward, against torch (``F.conv2d`` and autograd), float32."""
from __future__ import annotations

import numpy as np

from benchmarks.cases import BASELINE, PRODUCTION, REFERENCE, Case, Impl, Target, load_baseline, load_reference, max_abs_diff

NOTE = ("torch's `F.conv2d` (oneDNN on this CPU) and its autograd backward, against the kata's "
        "`conv2d_forward` / `conv2d_backward`; the baseline and the reference use NumPy's BLAS for their matrix "
        "products.")

# (label, x shape, w shape, stride, padding): ResNet's 3x3 stage-1 conv at three batch sizes, and its stem.
SHAPES = (
    ("3x3, 64->64, 56x56, batch 1", (1, 64, 56, 56), (64, 64, 3, 3), 1, 1),
    ("3x3, 64->64, 56x56, batch 4", (4, 64, 56, 56), (64, 64, 3, 3), 1, 1),
    ("3x3, 64->64, 56x56, batch 16", (16, 64, 56, 56), (64, 64, 3, 3), 1, 1),
    ("7x7/2 stem, 3->64, 224x224, batch 8", (8, 3, 224, 224), (64, 3, 7, 7), 2, 3),
)


def cases(quick: bool) -> list[Case]:
    import torch
    import torch.nn.functional as F

    ref, base = load_reference("05_conv2d", "conv2d"), load_baseline("conv2d")
    out = []
    for label, xs, ws, stride, padding in SHAPES[:1] if quick else SHAPES:
        def make_inputs(xs=xs, ws=ws, stride=stride, padding=padding):
            rng = np.random.default_rng([5, *xs])
            x = rng.standard_normal(xs, dtype=np.float32)
            w = rng.standard_normal(ws, dtype=np.float32) / np.float32(np.sqrt(np.prod(ws[1:])))
            b = rng.standard_normal(ws[0], dtype=np.float32)
            oh = (xs[2] + 2 * padding - ws[2]) // stride + 1
            ow = (xs[3] + 2 * padding - ws[3]) // stride + 1
            dout = rng.standard_normal((xs[0], ws[0], oh, ow), dtype=np.float32)
            return x, w, b, dout, *(torch.from_numpy(a) for a in (x, w, b, dout))

        def kata_forward(module, stride=stride, padding=padding):
            return lambda v: module.conv2d_forward(v[0], v[1], v[2], stride=stride, padding=padding)[0]

        def kata_both(module, stride=stride, padding=padding):
            def run(v):
                y, cache = module.conv2d_forward(v[0], v[1], v[2], stride=stride, padding=padding)
                return (y, *module.conv2d_backward(v[3], cache))
            return run

        def torch_forward(v, stride=stride, padding=padding):
            with torch.no_grad():
                return F.conv2d(v[4], v[5], v[6], stride=stride, padding=padding).numpy()

        def torch_both(v, stride=stride, padding=padding):
            x, w, b = (t.detach().requires_grad_() for t in v[4:7])
            y = F.conv2d(x, w, b, stride=stride, padding=padding)
            y.backward(v[7])
            return y.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()

        # float32 sums of up to ~1e5 terms (dw at batch 16): relative to each array's largest value
        agree = max_abs_diff(1e-4, scale_relative=True)
        out.append(Case(
            kata="conv2d", op="conv2d forward", size=label, make_inputs=make_inputs,
            impls=[Impl("reference", REFERENCE, kata_forward(ref), pool="blas"),
                   Impl("baseline", BASELINE, kata_forward(base), pool="blas"),
                   Impl("torch", PRODUCTION, torch_forward, pool="torch")],
            agree=agree, note="with bias; torch under no_grad",
        ))
        out.append(Case(
            kata="conv2d", op="conv2d forward + backward", size=label, make_inputs=make_inputs,
            impls=[Impl("reference", REFERENCE, kata_both(ref), pool="blas"),
                   Impl("baseline", BASELINE, kata_both(base), pool="blas"),
                   Impl("torch", PRODUCTION, torch_both, pool="torch")],
            agree=agree,
            targets=[Target("torch", 1.5, "within 1.5x of torch")],
            note="out, dx, dw, db; torch: F.conv2d then autograd backward(dout)",
        ))
    return out
