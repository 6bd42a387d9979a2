"""Generates golden.npz for the hidden tests of kata 01 from torchvision.ops (box_iou, generalized_box_iou).

Run once, with torch 2.14.1 and torchvision 0.29.1 installed (``make golden``); the output is committed.
torchvision gives NaN where a pair's union (IoU) or enclosing box (GIoU) has area 0; the kata contract
gives 0.0 there (and -1 for the GIoU of two distinct degenerate boxes), so those entries are rewritten
and counted. For every case the script also records how far torchvision's float32 result is from its
float64 result: the hidden tests hold a float32 submission to that error (with a small floor), no tighter.
"""

from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.ops import box_iou, generalized_box_iou

OUT = Path(__file__).with_name("golden.npz")


def random_boxes(rng, n, extent=100.0, integer=False):
    xy = rng.uniform(0, extent, size=(n, 2))
    wh = rng.uniform(0, extent / 3, size=(n, 2))
    boxes = np.concatenate([xy, xy + wh], axis=1)
    return np.round(boxes) if integer else boxes


def cases(rng):
    yield "random", random_boxes(rng, 40, 100), random_boxes(rng, 50, 100)
    yield "integer_grid", random_boxes(rng, 60, 20, integer=True), random_boxes(rng, 70, 20, integer=True)
    yield "large_coordinates", random_boxes(rng, 30, 1e4) + 5e4, random_boxes(rng, 30, 1e4) + 5e4
    small = random_boxes(rng, 30, 1.0) * 1e-3
    yield "tiny_boxes", small, random_boxes(rng, 20, 1.0) * 1e-3
    # zero-width, zero-height and point boxes among ordinary ones (NaN in torchvision where the union is 0)
    degenerate = random_boxes(rng, 20, 10, integer=True)
    degenerate[:5, 2] = degenerate[:5, 0]
    degenerate[5:10, 3] = degenerate[5:10, 1]
    degenerate[10:15, 2:] = degenerate[10:15, :2]
    yield "degenerate", degenerate, np.concatenate([degenerate[::2], random_boxes(rng, 10, 10, integer=True)])
    base = np.array([[10.0, 10.0, 20.0, 30.0]])
    yield (
        "special_pairs",
        base,
        np.array(
            [
                [10.0, 10.0, 20.0, 30.0],  # identical
                [12.0, 15.0, 18.0, 25.0],  # nested
                [20.0, 10.0, 30.0, 30.0],  # touching on the right edge
                [10.0, 30.0, 20.0, 40.0],  # touching on the bottom edge
                [20.0, 30.0, 25.0, 35.0],  # touching at a corner
                [0.0, 0.0, 40.0, 40.0],  # containing
                [15.0, 20.0, 15.0, 20.0],  # a point inside
                [50.0, 50.0, 60.0, 60.0],  # disjoint on the diagonal (negative width AND height)
                [50.0, 15.0, 60.0, 25.0],  # disjoint horizontally only
            ]
        ),
    )


def contract(values, boxes1, boxes2, generalized):
    """torchvision's float64 values with its NaNs replaced by the kata contract's numbers."""
    values = values.copy()
    nan = np.isnan(values)
    if generalized:
        lo = np.minimum(boxes1[:, None, :2], boxes2[None, :, :2])
        hi = np.maximum(boxes1[:, None, 2:], boxes2[None, :, 2:])
        enclosing = np.prod(np.clip(hi - lo, 0, None), axis=2)
        values[nan] = np.where(enclosing[nan] > 0, -1.0, 0.0)
    else:
        values[nan] = 0.0
    return values, int(nan.sum())


def main():
    rng = np.random.default_rng(101)
    arrays, names = {}, []
    for name, b1, b2 in cases(rng):
        names.append(name)
        arrays[f"{name}/boxes1"] = b1
        arrays[f"{name}/boxes2"] = b2
        for fn_name, fn in (("iou", box_iou), ("giou", generalized_box_iou)):
            ref64 = fn(torch.from_numpy(b1), torch.from_numpy(b2)).numpy()
            ref32 = fn(torch.from_numpy(b1.astype(np.float32)), torch.from_numpy(b2.astype(np.float32))).numpy()
            values, nans = contract(ref64, b1, b2, fn_name == "giou")
            both = ~np.isnan(ref64) & ~np.isnan(ref32)
            err32 = float(np.max(np.abs(ref32[both] - ref64[both]), initial=0.0))
            arrays[f"{name}/{fn_name}"] = values
            arrays[f"{name}/{fn_name}_float32_error"] = np.array(err32)
            print(f"{name:18s} {fn_name:5s} {values.shape}  NaNs rewritten: {nans:3d}  float32 error: {err32:.2e}")
    arrays["cases"] = np.array(names)
    arrays["versions"] = np.array([f"torch {torch.__version__}", f"torchvision {torchvision.__version__}"])
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
