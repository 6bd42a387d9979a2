"""``nms`` and ``batched_nms`` against torchvision, clustered float32 boxes (a detector's raw output)."""

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
    identical_indices,
    load_baseline,
    load_reference,
)

KATA = case_kata(__name__)

NOTE = (
    "`torchvision.ops.nms` is its single-threaded C++ CPU kernel (stable sort, strict `>`); `batched_nms` "
    "shifts each class's boxes by an offset and calls it once for up to 1000 boxes, and loops over the classes "
    "above that. Results must be the same indices in the same order."
)

SIZES = (1000, 5000, 20000)
CLASSES = 80
THRESHOLD = 0.5


def clustered_boxes(rng: np.random.Generator, n: int, clusters: int):
    """(n, 4) float32 boxes jittered around ``clusters`` objects, (n,) float32 scores, (n,) object of each box."""
    centres = rng.uniform(0, 1000, size=(clusters, 2))
    sizes = rng.uniform(20, 200, size=(clusters, 2))
    which = rng.integers(0, clusters, size=n)
    centre = centres[which] + rng.normal(0, 0.15, size=(n, 2)) * sizes[which]
    half = sizes[which] * rng.uniform(0.35, 0.65, size=(n, 2))
    boxes = np.concatenate([centre - half, centre + half], axis=1).astype(np.float32)
    return boxes, rng.uniform(0, 1, size=n).astype(np.float32), which


def cases(quick: bool) -> list[Case]:
    import torch
    import torchvision.ops as tvops

    ref, base = load_reference(KATA), load_baseline(KATA)
    out = []
    for n in SIZES[:1] if quick else SIZES:

        def make_nms(n=n):
            boxes, scores, _ = clustered_boxes(np.random.default_rng([2, n]), n, clusters=50)
            return boxes, scores, torch.from_numpy(boxes), torch.from_numpy(scores)

        out.append(
            Case(
                kata=KATA.slug,
                op="nms",
                size=f"{n} boxes",
                make_inputs=make_nms,
                impls=[
                    Impl("reference", REFERENCE, lambda x: ref.nms(x[0], x[1], THRESHOLD)),
                    Impl("baseline", BASELINE, lambda x: base.nms(x[0], x[1], THRESHOLD)),
                    Impl("torchvision", PRODUCTION, lambda x: tvops.nms(x[2], x[3], THRESHOLD).numpy(), pool="torch"),
                ],
                agree=identical_indices,
                targets=[Target("torchvision", 1.0, "no slower than torchvision")],
                note="50 objects, IoU threshold 0.5",
            )
        )

        def make_batched(n=n):
            rng = np.random.default_rng([3, n])
            boxes, scores, obj = clustered_boxes(rng, n, clusters=4 * CLASSES)
            # mostly one class per object, some confusion between classes, as a detector gives
            labels = np.where(rng.uniform(size=n) < 0.8, obj % CLASSES, rng.integers(0, CLASSES, size=n))
            return boxes, scores, labels, torch.from_numpy(boxes), torch.from_numpy(scores), torch.from_numpy(labels)

        out.append(
            Case(
                kata=KATA.slug,
                op="batched_nms",
                size=f"{n} boxes",
                make_inputs=make_batched,
                impls=[
                    Impl("reference", REFERENCE, lambda x: ref.batched_nms(x[0], x[1], x[2], THRESHOLD)),
                    Impl("baseline", BASELINE, lambda x: base.batched_nms(x[0], x[1], x[2], THRESHOLD)),
                    Impl(
                        "torchvision",
                        PRODUCTION,
                        lambda x: tvops.batched_nms(x[3], x[4], x[5], THRESHOLD).numpy(),
                        pool="torch",
                    ),
                ],
                agree=identical_indices,
                targets=[Target("torchvision", 1.0, "no slower than torchvision")],
                note=f"{CLASSES} classes, 320 objects; torchvision uses its coordinate-offset trick up to 1000 boxes, "
                "a loop over classes above",
            )
        )
    return out
