"""``box_iou`` and ``generalized_box_iou`` against torchvision, float32 boxes."""

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
    "torchvision's `box_iou` and `generalized_box_iou` are chains of broadcast tensor ops with (N, M, 2) "
    "temporaries; the baseline is one fused loop over the pairs."
)

SIZES = (500, 2000, 5000)


def random_boxes(rng: np.random.Generator, n: int, extent: float = 1000.0) -> np.ndarray:
    """(n, 4) float32 boxes of mixed sizes (1 to 200 pixels a side) in an extent x extent image."""
    xy = rng.uniform(0, extent, size=(n, 2))
    wh = rng.uniform(1, extent / 5, size=(n, 2)) * rng.uniform(0.05, 1, size=(n, 1))
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32)


def cases(quick: bool) -> list[Case]:
    import torch
    import torchvision.ops as tvops

    ref, base = load_reference(KATA), load_baseline(KATA)
    out = []
    for n in SIZES[:1] if quick else SIZES:

        def make_inputs(n=n):
            rng = np.random.default_rng([1, n])
            a, b = random_boxes(rng, n), random_boxes(rng, n)
            return a, b, torch.from_numpy(a), torch.from_numpy(b)

        for op, production in (("box_iou", tvops.box_iou), ("generalized_box_iou", tvops.generalized_box_iou)):
            out.append(
                Case(
                    kata=KATA.slug,
                    op=op,
                    size=f"{n} x {n}",
                    make_inputs=make_inputs,
                    impls=[
                        Impl("reference", REFERENCE, lambda x, f=getattr(ref, op): f(x[0], x[1])),
                        Impl("baseline", BASELINE, lambda x, f=getattr(base, op): f(x[0], x[1])),
                        Impl("torchvision", PRODUCTION, lambda x, f=production: f(x[2], x[3]).numpy(), pool="torch"),
                    ],
                    # float32 values in [-1, 1]: a few roundings apart
                    agree=max_abs_diff(1e-5),
                    targets=[Target("torchvision", 1.0, "no slower than torchvision")],
                )
            )
    return out
