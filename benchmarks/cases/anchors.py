"""FPN anchor grids and box-delta coding, against torchvision's ``AnchorGenerator`` and ``BoxCoder``.

The kata follows detectron2 (size-major, unrounded cell anchors); torchvision's ``AnchorGenerator`` rounds its
cell anchors and orders them ratio-major, so ``cell_anchors`` has no production twin (and it computes a
dozen numbers: its time is call overhead). Its grid step matches the kata's ``grid_anchors`` with offset 0
and an integer stride once it is given the same cell anchors, which is what the grid cases time: the five
levels of an FPN (strides 4 to 64, sizes 32 to 512, three ratios), concatenated. ``BoxCoder.encode_single``
and ``decode_single`` match ``encode_boxes`` and ``decode_boxes`` (weights 1, clamp log(1000/16)).
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.cases import (
    BASELINE,
    PRODUCTION,
    REFERENCE,
    Case,
    Impl,
    case_kata,
    load_baseline,
    load_reference,
    max_abs_diff,
)

KATA = case_kata(__name__)

NOTE = (
    "The issue sets no production target for anchors. `cell_anchors` has no production twin: torchvision's "
    "`AnchorGenerator` rounds its cell anchors (half to even) and orders them ratio-major, while the kata follows "
    "detectron2 (unrounded, size-major), which is not installed here; it computes a dozen numbers anyway. "
    "`AnchorGenerator.grid_anchors`, given the kata's cell anchors, matches `grid_anchors` with offset 0 and an "
    "integer stride, and `BoxCoder.decode_single` / `encode_single` match `decode_boxes` / `encode_boxes`: those "
    "are timed."
)

IMAGES = ((512, 512), (800, 1344), (1600, 2688))
STRIDES = (4, 8, 16, 32, 64)
SIZES = (32.0, 64.0, 128.0, 256.0, 512.0)
RATIOS = (0.5, 1.0, 2.0)
CODING_SIZES = (20_000, 270_000, 1_000_000)


def _shapes(h: int, w: int):
    return [(-(-h // s), -(-w // s)) for s in STRIDES]


def random_anchors_and_boxes(rng: np.random.Generator, n: int):
    """(n, 4) float32 anchors, (n, 4) matched boxes (jittered anchors) and (n, 4) deltas (RPN-like: small,
    1% of the size deltas beyond the clamp)."""
    size = np.exp(rng.uniform(np.log(16), np.log(724), size=(n, 1)))
    ratio = np.exp(rng.uniform(np.log(0.5), np.log(2.0), size=(n, 1)))
    wh = np.concatenate([size / np.sqrt(ratio), size * np.sqrt(ratio)], axis=1)
    centre = rng.uniform(0, 1333, size=(n, 2))
    anchors = np.concatenate([centre - wh / 2, centre + wh / 2], axis=1)
    box_centre = centre + wh * rng.uniform(-0.3, 0.3, size=(n, 2))
    box_wh = wh * np.exp(rng.uniform(-0.7, 0.7, size=(n, 2)))
    boxes = np.concatenate([box_centre - box_wh / 2, box_centre + box_wh / 2], axis=1)
    deltas = rng.uniform(-0.5, 0.5, size=(n, 4))
    wild = rng.integers(0, n, size=n // 100)
    deltas[wild, 2:] = rng.uniform(-8, 8, size=(wild.size, 2))
    return anchors.astype(np.float32), boxes.astype(np.float32), deltas.astype(np.float32)


def cases(quick: bool) -> list[Case]:
    import torch
    from torchvision.models.detection._utils import BoxCoder
    from torchvision.models.detection.anchor_utils import AnchorGenerator

    ref, base = load_reference(KATA), load_baseline(KATA)
    out = []
    for h, w in IMAGES[:1] if quick else IMAGES:
        shapes = _shapes(h, w)
        n = sum(a * b for a, b in shapes) * len(RATIOS)

        def make_grid(shapes=shapes):
            # detectron2's cells, written out here so that the inputs do not depend on the code timed
            cells = []
            for size in SIZES:
                w = np.sqrt(size**2 / np.array(RATIOS))
                h = np.array(RATIOS) * w
                cells.append((np.stack([-w, -h, w, h], axis=1) / 2).astype(np.float32))
            generator = AnchorGenerator(tuple((s,) for s in SIZES), (RATIOS,) * len(SIZES))
            generator.cell_anchors = [torch.from_numpy(c) for c in cells]  # the kata's cells, not rounded
            strides = [[torch.tensor(s), torch.tensor(s)] for s in STRIDES]
            return cells, shapes, generator, strides

        def kata_grid(module):
            def run(x):
                cells, shapes, _, _ = x
                return np.concatenate([module.grid_anchors(c, hw, s, 0.0) for c, hw, s in zip(cells, shapes, STRIDES)])

            return run

        def torchvision_grid(x):
            _, shapes, generator, strides = x
            return torch.cat(generator.grid_anchors([list(s) for s in shapes], strides)).numpy()

        out.append(
            Case(
                kata=KATA.slug,
                op="grid_anchors (FPN P2-P6)",
                size=f"{h}x{w} image, {n} anchors",
                make_inputs=make_grid,
                impls=[
                    Impl("reference", REFERENCE, kata_grid(ref)),
                    Impl("baseline", BASELINE, kata_grid(base)),
                    Impl("torchvision", PRODUCTION, torchvision_grid, pool="torch"),
                ],
                agree=max_abs_diff(0.0),  # integer shifts plus the same float32 cells: exact
                note="offset 0 (torchvision has no centre offset); AnchorGenerator given the kata's float32 cells",
            )
        )

    coder = BoxCoder((1.0, 1.0, 1.0, 1.0), math.log(1000.0 / 16))
    for n in CODING_SIZES[:1] if quick else CODING_SIZES:

        def make_coding(n=n):
            arrays = random_anchors_and_boxes(np.random.default_rng([3, n]), n)
            return (*arrays, *(torch.from_numpy(a) for a in arrays))

        out.append(
            Case(
                kata=KATA.slug,
                op="decode_boxes",
                size=f"{n} boxes",
                make_inputs=make_coding,
                impls=[
                    Impl("reference", REFERENCE, lambda x: ref.decode_boxes(x[0], x[2])),
                    Impl("baseline", BASELINE, lambda x: base.decode_boxes(x[0], x[2])),
                    Impl("torchvision", PRODUCTION, lambda x: coder.decode_single(x[5], x[3]).numpy(), pool="torch"),
                ],
                # float32 coordinates up to ~1e5 (exp(4.1) times a large anchor): relative to the largest value
                agree=max_abs_diff(1e-6, scale_relative=True),
                note="BoxCoder.decode_single, weights (1, 1, 1, 1)",
            )
        )
        out.append(
            Case(
                kata=KATA.slug,
                op="encode_boxes",
                size=f"{n} boxes",
                make_inputs=make_coding,
                impls=[
                    Impl("reference", REFERENCE, lambda x: ref.encode_boxes(x[0], x[1])),
                    Impl("baseline", BASELINE, lambda x: base.encode_boxes(x[0], x[1])),
                    Impl("torchvision", PRODUCTION, lambda x: coder.encode_single(x[4], x[3]).numpy(), pool="torch"),
                ],
                # float32 deltas of size ~1: differences of coordinates ~1e3 divided by sizes >= 16
                agree=max_abs_diff(1e-4),
                note="BoxCoder.encode_single (matched boxes, anchors), weights (1, 1, 1, 1)",
            )
        )
    return out
