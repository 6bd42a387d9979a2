"""Per-channel symmetric INT8 quantisation parameters, and one quantisation-aware training step of a layer
(qparams, fake quantisation, its straight-through gradient), against torch's observer and
``torch.fake_quantize_per_channel_affine`` with autograd, float32."""

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
    "torch: `PerChannelMinMaxObserver(qint8, per_channel_symmetric)` then `calculate_qparams()` (an aminmax "
    "over a permuted, flattened copy), and `torch.fake_quantize_per_channel_affine` with its autograd backward "
    "(the forward writes the output and a boolean mask in two scalar passes; the backward multiplies by the "
    "mask). The baseline (numba, one thread) finds max |w| per channel in one pass and fuses the fake "
    "quantisation and the gradient into one pass; the reference calls the kata's three functions."
)

# (label, shape, axis): ResNet-50 conv weights (layer3's and layer4's 3x3, layer4's 1x1 expansion), per output
# channel, and a layer3 activation of a batch of 8, per channel (axis 1).
SHAPES = (
    ("layer3 3x3 conv weights (256, 256, 3, 3)", (256, 256, 3, 3), 0),
    ("layer4 3x3 conv weights (512, 512, 3, 3)", (512, 512, 3, 3), 0),
    ("layer4 1x1 conv weights (2048, 512, 1, 1)", (2048, 512, 1, 1), 0),
    ("activation (8, 256, 28, 28), axis 1", (8, 256, 28, 28), 1),
)


def cases(quick: bool) -> list[Case]:
    import torch
    from torch.ao.quantization import PerChannelMinMaxObserver

    ref, base = load_reference(KATA), load_baseline(KATA)
    out = []
    for label, shape, axis in SHAPES[:1] if quick else SHAPES:

        def make_inputs(shape=shape, axis=axis):
            rng = np.random.default_rng([11, *shape])
            w = rng.standard_normal(shape, dtype=np.float32)
            spread = [1] * len(shape)
            spread[axis] = shape[axis]
            w *= (0.05 * rng.uniform(0.3, 1.5, size=shape[axis])).astype(np.float32).reshape(spread)
            dout = rng.standard_normal(shape, dtype=np.float32)
            return w, dout, torch.from_numpy(w), torch.from_numpy(dout)

        def kata_qparams(module, axis=axis):
            return lambda v: module.per_channel_symmetric_qparams(v[0], axis)

        def kata_step(module, fused: bool, axis=axis):
            def run(v):
                scale, zero_point = module.per_channel_symmetric_qparams(v[0], axis)
                if fused:  # the baseline's one pass for the output and the gradient
                    y, dx = module.fake_quantize_and_grad(v[1], v[0], scale, zero_point, axis)
                else:
                    y = module.fake_quantize_per_channel(v[0], scale, zero_point, axis)
                    dx = module.fake_quantize_per_channel_grad(v[1], v[0], scale, zero_point, axis)
                return scale, zero_point, y, dx

            return run

        def torch_qparams(v, axis=axis):
            obs = PerChannelMinMaxObserver(ch_axis=axis, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
            obs(v[2])
            scale, zero_point = obs.calculate_qparams()
            return scale.numpy(), zero_point.numpy()

        def torch_step(v, axis=axis):
            obs = PerChannelMinMaxObserver(ch_axis=axis, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
            obs(v[2])
            scale, zero_point = obs.calculate_qparams()
            x = v[2].detach().requires_grad_()
            y = torch.fake_quantize_per_channel_affine(x, scale, zero_point.to(torch.int32), axis, -128, 127)
            y.backward(v[3])
            return scale.numpy(), zero_point.numpy(), y.detach().numpy(), x.grad.numpy()

        fused = hasattr(base, "fake_quantize_and_grad")
        # the same float32 operations in every implementation: equal up to a scale's last bit
        agree = max_abs_diff(1e-6, scale_relative=True)
        out.append(
            Case(
                kata=KATA.slug,
                op="per_channel_symmetric_qparams",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_qparams(ref)),
                    Impl("baseline", BASELINE, kata_qparams(base)),
                    Impl("torch", PRODUCTION, torch_qparams, pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.0, "no slower than torch's observer")],
                note="torch: observer forward + calculate_qparams",
            )
        )
        out.append(
            Case(
                kata=KATA.slug,
                op="qparams + fake quantize + gradient",
                size=label,
                make_inputs=make_inputs,
                impls=[
                    Impl("reference", REFERENCE, kata_step(ref, False)),
                    Impl("baseline", BASELINE, kata_step(base, fused)),
                    Impl("torch", PRODUCTION, torch_step, pool="torch"),
                ],
                agree=agree,
                targets=[Target("torch", 1.0, "no slower than torch's observer + fake quantize + backward")],
                note="reference: the kata's three functions; baseline: "
                + ("qparams + fake_quantize_and_grad (one pass for both)" if fused else "the same three functions")
                + "; torch: observer, fake_quantize_per_channel_affine, autograd backward",
            )
        )
    return out
