"""Max, average and adaptive average pooling, forward + backward, against torch (``F.max_pool2d`` with indices,
``F.avg_pool2d``, ``F.adaptive_avg_pool2d`` and autograd), float32."""

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
    "torch's CPU pooling kernels (a loop over each window's taps per output cell, for contiguous NCHW tensors) and "
    "their autograd backward, against the kata's functions. The baseline is the same loop in numba, single-threaded, "
    "with the window bounds computed once per output row and column; the reference is NumPy, one vectorised pass per "
    "kernel tap (max and avg) or per bin (adaptive), and a bincount for the max pool's backward."
)

# (op label, size label, input shape, function args): the ResNet stem's max pool at three batch sizes, DenseNet's
# transition avg pool and AlexNet's adaptive avg pool 13x13 -> 6x6 (overlapping bins).
MAX_SHAPES = (
    ("3x3/2 pad 1, 64x112x112, batch 1", (1, 64, 112, 112)),
    ("3x3/2 pad 1, 64x112x112, batch 4", (4, 64, 112, 112)),
    ("3x3/2 pad 1, 64x112x112, batch 16", (16, 64, 112, 112)),
)
AVG_SHAPES = (("2x2/2, 128x56x56, batch 4", (4, 128, 56, 56)), ("2x2/2, 128x56x56, batch 16", (16, 128, 56, 56)))
ADAPTIVE_SHAPES = (("13x13 -> 6x6, 256 channels, batch 16", (16, 256, 13, 13)),)


def _inputs(shape, out_shape, torch):
    rng = np.random.default_rng([10, *shape])
    x = rng.standard_normal(shape, dtype=np.float32)
    dout = rng.standard_normal(out_shape, dtype=np.float32)
    return x, dout, torch.from_numpy(x), torch.from_numpy(dout)


def cases(quick: bool) -> list[Case]:
    import torch
    import torch.nn.functional as F

    ref, base = load_reference(KATA), load_baseline(KATA)
    agree = max_abs_diff(1e-6, scale_relative=True)  # indices compared as numbers: exact at this tolerance
    out = []

    for label, shape in MAX_SHAPES[:1] if quick else MAX_SHAPES:
        out_shape = (*shape[:2], (shape[2] - 1) // 2 + 1, (shape[3] - 1) // 2 + 1)

        def make_inputs(shape=shape, out_shape=out_shape):
            return _inputs(shape, out_shape, torch)

        def kata_max(module):
            def run(v):
                y, idx = module.max_pool2d(v[0], 3, 2, 1)
                return y, idx, module.max_pool2d_backward(v[1], idx, v[0].shape)

            return run

        def torch_max(v):
            x = v[2].detach().requires_grad_()
            y, idx = F.max_pool2d(x, 3, 2, 1, return_indices=True)
            y.backward(v[3])
            return y.detach().numpy(), idx.numpy(), x.grad.numpy()

        out.append(
            Case(
                kata=KATA.slug,
                op="max_pool2d + backward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_max(ref)),
                    Impl("baseline", BASELINE, kata_max(base)),
                    Impl("torch", PRODUCTION, torch_max, pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.0, "no slower than torch")],
                note="out, indices, dx; torch: F.max_pool2d(return_indices=True) then autograd backward(dout)",
            )
        )

    for label, shape in AVG_SHAPES[:1] if quick else AVG_SHAPES:
        out_shape = (*shape[:2], shape[2] // 2, shape[3] // 2)

        def make_inputs(shape=shape, out_shape=out_shape):
            return _inputs(shape, out_shape, torch)

        def kata_avg(module):
            return lambda v: (module.avg_pool2d(v[0], 2), module.avg_pool2d_backward(v[1], v[0].shape, 2))

        def torch_avg(v):
            x = v[2].detach().requires_grad_()
            y = F.avg_pool2d(x, 2)
            y.backward(v[3])
            return y.detach().numpy(), x.grad.numpy()

        out.append(
            Case(
                kata=KATA.slug,
                op="avg_pool2d + backward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_avg(ref)),
                    Impl("baseline", BASELINE, kata_avg(base)),
                    Impl("torch", PRODUCTION, torch_avg, pool="torch"),
                ],
                agree=agree,
                note="out, dx",
            )
        )

    for label, shape in ADAPTIVE_SHAPES:
        out_shape = (*shape[:2], 6, 6)

        def make_inputs(shape=shape, out_shape=out_shape):
            return _inputs(shape, out_shape, torch)

        def kata_adaptive(module):
            return lambda v: (
                module.adaptive_avg_pool2d(v[0], 6),
                module.adaptive_avg_pool2d_backward(v[1], v[0].shape),
            )

        def torch_adaptive(v):
            x = v[2].detach().requires_grad_()
            y = F.adaptive_avg_pool2d(x, 6)
            y.backward(v[3])
            return y.detach().numpy(), x.grad.numpy()

        out.append(
            Case(
                kata=KATA.slug,
                op="adaptive_avg_pool2d + backward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_adaptive(ref)),
                    Impl("baseline", BASELINE, kata_adaptive(base)),
                    Impl("torch", PRODUCTION, torch_adaptive, pool="torch"),
                ],
                agree=agree,
                note="out, dx; the bins overlap (13 is not a multiple of 6)",
            )
        )
    return out
