"""``roi_align`` against ``torchvision.ops.roi_align`` (its C++ CPU kernel), float32.

The map is a stride-16 FPN level of 256 channels for two images; the RoIs are proposal-like. Two settings:
torchvision's Faster R-CNN box head (7x7, sampling ratio 2, aligned=False) at three RoI counts, and
detectron2's mask head (14x14, adaptive sampling, aligned=True).
"""

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
    "`torchvision.ops.roi_align` is its C++ CPU kernel (single-threaded: it precomputes each RoI's "
    "sampling taps once and reuses them over the channels)."
)

SHAPE = (2, 256, 64, 64)
STRIDE = 16
BOX_HEAD_ROIS = (128, 512, 2048)
MASK_HEAD_ROIS = (512,)


def proposals(rng: np.random.Generator, n: int, image_size: float, n_images: int) -> np.ndarray:
    """(n, 5) float32 RoIs (batch, x1, y1, x2, y2): log-uniform sizes 1/32 to 1/2 of the image, aspect
    ratios 1/3 to 3, some over the border."""
    size = image_size * np.exp(rng.uniform(np.log(1 / 32), np.log(1 / 2), size=n))
    ratio = np.exp(rng.uniform(np.log(1 / 3), np.log(3), size=n))
    w, h = size / np.sqrt(ratio), size * np.sqrt(ratio)
    cx, cy = rng.uniform(0, image_size, size=(2, n))
    batch = rng.integers(0, n_images, size=n)
    return np.stack([batch, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).astype(np.float32)


def cases(quick: bool) -> list[Case]:
    import torch
    import torchvision.ops as tvops

    ref, base = load_reference(KATA), load_baseline(KATA)
    settings = [
        ("7x7, ratio 2, not aligned", 7, 2, False, BOX_HEAD_ROIS),
        ("14x14, adaptive, aligned", 14, -1, True, MASK_HEAD_ROIS),
    ]
    out = []
    for label, size, ratio, aligned, counts in settings:
        for k in counts[:1] if quick else counts:

            def make_inputs(k=k):
                rng = np.random.default_rng([4, k])
                features = rng.standard_normal(SHAPE, dtype=np.float32)
                rois = proposals(rng, k, SHAPE[-1] * STRIDE, SHAPE[0])
                return features, rois, torch.from_numpy(features), torch.from_numpy(rois)

            args = (size, 1.0 / STRIDE, ratio, aligned)
            out.append(
                Case(
                    kata=KATA.slug,
                    op=f"roi_align {label}",
                    size=f"{k} RoIs",
                    make_inputs=make_inputs,
                    impls=[
                        Impl("reference", REFERENCE, lambda x, a=args: ref.roi_align(x[0], x[1], *a)),
                        Impl("baseline", BASELINE, lambda x, a=args: base.roi_align(x[0], x[1], *a)),
                        Impl(
                            "torchvision",
                            PRODUCTION,
                            lambda x, a=args: tvops.roi_align(x[2], x[3], *a).numpy(),
                            pool="torch",
                        ),
                    ],
                    # float32 averages of up to a few hundred samples of values ~N(0, 1)
                    agree=max_abs_diff(1e-4),
                    targets=[Target("torchvision", 1.0, "no slower than torchvision")],
                    note=f"features {SHAPE}, spatial scale 1/{STRIDE}",
                )
            )
    return out
