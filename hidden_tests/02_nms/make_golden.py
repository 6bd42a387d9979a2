"""Generates golden.npz for the hidden tests of kata 02 from torchvision.ops.nms and batched_nms.

Run once, with torch 2.14.1 and torchvision 0.29.1 installed (``make golden``); the output is committed.
Batched golden results are defined per class, as the kata contract says: torchvision.ops.nms on each
class, merged by decreasing score with ties broken by the lower index. Where no two kept scores tie, the
script checks that torchvision.ops.batched_nms agrees. Float32 cases are drawn again until no pair's IoU
lies within 1e-5 of the threshold, so that the order of float32 operations cannot decide the answer
(the contract leaves exact float32 ties ungraded).
"""

from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.ops import batched_nms, box_iou, nms

OUT = Path(__file__).with_name("golden.npz")


def clustered(rng, n, clusters, extent=500.0, integer_scores=False):
    centres = rng.uniform(0, extent, size=(clusters, 2))
    sizes = rng.uniform(10, 80, size=(clusters, 2))
    which = rng.integers(0, clusters, size=n)
    centre = centres[which] + rng.normal(0, 0.2, size=(n, 2)) * sizes[which]
    half = sizes[which] * rng.uniform(0.3, 0.7, size=(n, 2))
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    scores = rng.integers(0, 5, size=n).astype(float) if integer_scores else rng.uniform(size=n)
    return boxes, scores


def far_from_threshold(boxes, threshold):
    iou = box_iou(torch.from_numpy(boxes), torch.from_numpy(boxes)).numpy()
    return not np.any(np.abs(iou - threshold) < 1e-5)


def per_class(boxes, scores, classes, threshold):
    keep = []
    for c in np.unique(classes):
        members = np.flatnonzero(classes == c)
        kept = nms(torch.from_numpy(boxes[members]), torch.from_numpy(scores[members]), threshold).numpy()
        keep.append(members[kept])
    keep = np.concatenate(keep) if keep else np.zeros(0, np.int64)
    return keep[np.lexsort((keep, -scores[keep]))].astype(np.int64)


def main():
    rng = np.random.default_rng(202)
    arrays, names = {}, []
    specs = [
        ("random_0.5", 300, 20, 0.5, np.float64, False),
        ("random_0.3", 300, 20, 0.3, np.float64, False),
        ("random_0.7", 500, 30, 0.7, np.float64, False),
        ("threshold_0", 200, 15, 0.0, np.float64, False),
        ("threshold_1", 200, 15, 1.0, np.float64, False),
        ("tied_scores", 400, 20, 0.5, np.float64, True),
        ("float32_0.5", 400, 25, 0.5, np.float32, False),
        ("float32_tied", 300, 20, 0.45, np.float32, True),
        ("large", 3000, 60, 0.6, np.float64, False),
    ]
    for name, n, clusters, threshold, dtype, tied in specs:
        while True:
            boxes, scores = clustered(rng, n, clusters, integer_scores=tied)
            boxes, scores = boxes.astype(dtype), scores.astype(dtype)
            if dtype == np.float64 or far_from_threshold(boxes, threshold):
                break
        classes = rng.integers(0, 7, size=n)
        classes[::11] = -3  # negative and gapped class ids are legal
        keep = nms(torch.from_numpy(boxes), torch.from_numpy(scores), threshold).numpy().astype(np.int64)
        keep_batched = per_class(boxes, scores, classes, threshold)
        library = batched_nms(
            torch.from_numpy(boxes), torch.from_numpy(scores), torch.from_numpy(classes), threshold
        ).numpy()
        if not tied:
            assert np.array_equal(library, keep_batched), name
        # shifting every box far into negative coordinates changes nothing
        assert np.array_equal(nms(torch.from_numpy(boxes - 1000), torch.from_numpy(scores), threshold).numpy(), keep)
        names.append(name)
        arrays.update(
            {
                f"{name}/boxes": boxes,
                f"{name}/scores": scores,
                f"{name}/classes": classes,
                f"{name}/threshold": np.array(threshold),
                f"{name}/keep": keep,
                f"{name}/keep_batched": keep_batched,
            }
        )
        print(f"{name:14s} n={n:5d} {np.dtype(dtype).name}  kept {len(keep):4d}, batched {len(keep_batched):4d}")
    arrays["cases"] = np.array(names)
    arrays["versions"] = np.array([f"torch {torch.__version__}", f"torchvision {torchvision.__version__}"])
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
