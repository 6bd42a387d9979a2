"""Conv2d forward, and forward + backward, against torch (``F.conv2d`` and autograd), float32."""

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
    "torch's `F.conv2d` (oneDNN's direct convolution on this CPU) and its autograd backward, against the "
    "kata's `conv2d_forward` / `conv2d_backward`. The baseline runs the 3x3 layers with Winograd F(2x2, 3x3) "
    "(2.25x fewer flops, all three passes) and the 7x7/2 stem with im2col + GEMM; the baseline and the "
    "reference use NumPy's BLAS (OpenBLAS) for their matrix products. Two more columns show why the 3x3 "
    'layers need Winograd to keep up with oneDNN: "torch im2col" is torch with oneDNN switched off, its own '
    'im2col + GEMM convolution (slow_conv2d, on Intel MKL); "conv2d GEMM" times an im2col forward\'s one '
    "matrix product per image, NumPy against torch.mm (MKL)."
)

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

    ref, base = load_reference(KATA), load_baseline(KATA)
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

        def torch_im2col(run):
            def without_onednn(v):
                torch.backends.mkldnn.enabled = False
                try:
                    return run(v)
                finally:
                    torch.backends.mkldnn.enabled = True

            return without_onednn

        # float32 sums of up to ~1e5 terms (dw at batch 16): relative to each array's largest value
        agree = max_abs_diff(1e-4, scale_relative=True)
        out.append(
            Case(
                kata=KATA.slug,
                op="conv2d forward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_forward(ref), pool="blas"),
                    Impl("baseline", BASELINE, kata_forward(base), pool="blas"),
                    Impl("torch", PRODUCTION, torch_forward, pool="torch"),
                    Impl("torch im2col", PRODUCTION, torch_im2col(torch_forward), pool="torch"),
                ],
                agree=agree,
                note="with bias; torch under no_grad",
            )
        )
        out.append(
            Case(
                kata=KATA.slug,
                op="conv2d forward + backward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_both(ref), pool="blas"),
                    Impl("baseline", BASELINE, kata_both(base), pool="blas"),
                    Impl("torch", PRODUCTION, torch_both, pool="torch"),
                    Impl("torch im2col", PRODUCTION, torch_im2col(torch_both), pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.5, "within 1.5x of torch")],
                note="out, dx, dw, db; torch: F.conv2d then autograd backward(dout)",
            )
        )
    out += [
        _gemm_case(torch, label, xs, ws, stride, padding)
        for label, xs, ws, stride, padding in (SHAPES[:1] if quick else SHAPES[1:2])
    ]
    return out


def _gemm_case(torch, label, xs, ws, stride, padding) -> Case:
    """The forward's matrix product, (F, C*KH*KW) @ (C*KH*KW, OH*OW) once per image, on NumPy's BLAS and on
    torch's: how much of the gap to torch is the BLAS alone."""
    n, (f, c, kh, kw) = xs[0], ws
    oh = (xs[2] + 2 * padding - kh) // stride + 1
    ow = (xs[3] + 2 * padding - kw) // stride + 1

    def make_inputs():
        rng = np.random.default_rng([55, *xs])
        w = rng.standard_normal((f, c * kh * kw), dtype=np.float32)
        cols = rng.standard_normal((c * kh * kw, oh * ow), dtype=np.float32)
        return w, cols, torch.from_numpy(w), torch.from_numpy(cols)

    def numpy_products(v):
        out = np.empty((n, f, oh * ow), dtype=np.float32)
        for i in range(n):
            np.matmul(v[0], v[1], out=out[i])
        return out

    def torch_products(v):
        out = torch.empty((n, f, oh * ow), dtype=torch.float32)
        for i in range(n):
            torch.mm(v[2], v[3], out=out[i])
        return out.numpy()

    return Case(
        kata=KATA.slug,
        op="conv2d GEMM",
        size=f"{label}: {n} x ({f}x{c * kh * kw} @ {c * kh * kw}x{oh * ow})",
        make_inputs=make_inputs,
        impls=[
            Impl("baseline", BASELINE, numpy_products, pool="blas"),
            Impl("torch", PRODUCTION, torch_products, pool="torch"),
        ],
        agree=max_abs_diff(1e-5, scale_relative=True),
        note="the forward's matrix products alone: NumPy (OpenBLAS) against torch.mm (MKL)",
    )
