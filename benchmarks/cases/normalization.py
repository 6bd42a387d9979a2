"""Batch norm (training), group norm and layer norm, forward + backward, against torch (``F.batch_norm``,
``F.group_norm``, ``F.layer_norm`` and autograd), float32."""

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
    "torch's CPU kernels (`F.batch_norm`, `F.group_norm`, `F.layer_norm`) and their autograd backward, against "
    "the kata's forward + backward. Batch norm is in training mode (batch statistics, running statistics "
    "updated). The baseline (numba, one thread) gathers each statistic while its data is in cache and writes "
    "``x * a + b``; the reference makes one NumPy pass (and a temporary) per step."
)

# (label, x shape): ResNet's stage-1 activation at two batch sizes (group norm: 32 groups, as in Detectron's
# GN heads), and a ViT-B/16 token matrix for layer norm.
IMAGE_SHAPES = (("64 x 56 x 56, batch 8", (8, 64, 56, 56)), ("64 x 56 x 56, batch 32", (32, 64, 56, 56)))
TOKENS = ("ViT-B/16, batch 8: 1576 tokens x 768", (8, 197, 768))
GROUPS = 32


def _make_inputs(shape, params_shape, seed):
    def make_inputs():
        import torch

        rng = np.random.default_rng([8, seed, *shape])
        x = rng.standard_normal(shape, dtype=np.float32) * np.float32(1.5) + np.float32(0.5)
        dout = rng.standard_normal(shape, dtype=np.float32)
        gamma = rng.uniform(0.5, 1.5, params_shape).astype(np.float32)
        beta = rng.normal(0.0, 0.1, params_shape).astype(np.float32)
        arrays = (x, dout, gamma, beta)
        return arrays + tuple(torch.from_numpy(a) for a in arrays)

    return make_inputs


def cases(quick: bool) -> list[Case]:
    import torch
    import torch.nn.functional as F

    ref, base = load_reference(KATA), load_baseline(KATA)
    # float32 sums of up to ~8e5 terms (dgamma at batch 32): relative to each array's largest value
    agree = max_abs_diff(1e-4, scale_relative=True)
    out = []
    for label, shape in IMAGE_SHAPES[:1] if quick else IMAGE_SHAPES:
        C = shape[1]
        make_inputs = _make_inputs(shape, (C,), 0)

        def kata_bn(module, C=C):
            def run(v):
                y, mean, var, cache = module.batch_norm_forward(
                    v[0], np.zeros(C, np.float32), np.ones(C, np.float32), v[2], v[3], True, 0.1, 1e-5
                )
                return (y, mean, var, *module.batch_norm_backward(v[1], cache))

            return run

        def torch_bn(v, C=C):
            x, g, b = (t.detach().requires_grad_() for t in v[4:5] + v[6:8])
            mean, var = torch.zeros(C), torch.ones(C)
            y = F.batch_norm(x, mean, var, g, b, True, 0.1, 1e-5)
            y.backward(v[5])
            return y.detach().numpy(), mean.numpy(), var.numpy(), x.grad.numpy(), g.grad.numpy(), b.grad.numpy()

        def kata_gn(module):
            def run(v):
                y, cache = module.group_norm_forward(v[0], GROUPS, v[2], v[3], 1e-5)
                return (y, *module.group_norm_backward(v[1], cache))

            return run

        def torch_gn(v):
            x, g, b = (t.detach().requires_grad_() for t in v[4:5] + v[6:8])
            y = F.group_norm(x, GROUPS, g, b, 1e-5)
            y.backward(v[5])
            return y.detach().numpy(), x.grad.numpy(), g.grad.numpy(), b.grad.numpy()

        out.append(
            Case(
                kata=KATA.slug,
                op="batch_norm training forward + backward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_bn(ref)),
                    Impl("baseline", BASELINE, kata_bn(base)),
                    Impl("torch", PRODUCTION, torch_bn, pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.0, "no slower than torch")],
                note="out, new running mean and variance, dx, dgamma, dbeta; torch: F.batch_norm then backward(dout)",
            )
        )
        out.append(
            Case(
                kata=KATA.slug,
                op=f"group_norm ({GROUPS} groups) forward + backward",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_gn(ref)),
                    Impl("baseline", BASELINE, kata_gn(base)),
                    Impl("torch", PRODUCTION, torch_gn, pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.0, "no slower than torch")],
                note="out, dx, dgamma, dbeta; torch: F.group_norm then backward(dout)",
            )
        )
    if not quick:
        label, shape = TOKENS
        D = shape[-1]

        def kata_ln(module):
            def run(v):
                y, cache = module.layer_norm_forward(v[0], D, v[2], v[3], 1e-5)
                return (y, *module.layer_norm_backward(v[1], cache))

            return run

        def torch_ln(v):
            x, g, b = (t.detach().requires_grad_() for t in v[4:5] + v[6:8])
            y = F.layer_norm(x, (D,), g, b, 1e-5)
            y.backward(v[5])
            return y.detach().numpy(), x.grad.numpy(), g.grad.numpy(), b.grad.numpy()

        out.append(
            Case(
                kata=KATA.slug,
                op="layer_norm forward + backward",
                size=label,
                make_inputs=_make_inputs(shape, (D,), 1),
                impls=[
                    Impl("reference", REFERENCE, kata_ln(ref)),
                    Impl("baseline", BASELINE, kata_ln(base)),
                    Impl("torch", PRODUCTION, torch_ln, pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.0, "no slower than torch")],
                note="out, dx, dgamma, dbeta over the last axis (768); torch: F.layer_norm then backward(dout)",
            )
        )
    return out
