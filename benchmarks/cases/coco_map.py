"""COCO box evaluation against pycocotools and faster-coco-eval.

Detector-like data: ~7 ground truths per image (1% crowd), ~40 detections per image (60% jittered copies of
a ground truth of the image, most with its class; the rest background boxes), 80 classes. Every
implementation computes the twelve ``summarize()`` numbers and the per-class AP; the libraries are timed on
evaluate + accumulate + summarize of already loaded COCO objects (building the index and ``loadRes`` are
not timed), the kata's ``evaluate`` from its per-image arrays (its input conversion is timed).
"""

from __future__ import annotations

import contextlib
import io

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
    "pycocotools (Python loops over images and classes, C for the IoU) and faster-coco-eval (C++, "
    "derived from detectron2's COCOeval_opt) are timed on evaluate + accumulate + summarize of loaded COCO "
    "objects; loading (the index, `loadRes`) is not timed for them, while the kata's `evaluate` is timed from "
    "its per-image arrays, conversion included. Results: the twelve numbers and the 80 per-class APs, to 1e-12."
)

IMAGES = (100, 500, 2000)
CLASSES = 80
MEAN_GT, MEAN_DT = 7.0, 40.0
STATS = ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")


def detector_like(rng: np.random.Generator, n_images: int):
    """(ground_truths, detections) in the kata's per-image format; labels 1..CLASSES."""
    n_gt, n_dt = rng.poisson(MEAN_GT, n_images), rng.poisson(MEAN_DT, n_images)
    gts, dts = [], []
    for g, d in zip(n_gt, n_dt):
        size = np.exp(rng.uniform(np.log(8), np.log(400), (g, 1))) * rng.uniform(0.5, 1.5, (g, 2))
        xy = rng.uniform(0, 640, (g, 2))
        g_boxes = np.concatenate([xy, xy + size], axis=1)
        g_labels = rng.integers(1, CLASSES + 1, g)
        gts.append({"boxes": g_boxes, "labels": g_labels, "iscrowd": rng.random(g) < 0.01})
        near = (rng.random(d) < 0.6) if g else np.zeros(d, bool)
        src = rng.integers(0, max(g, 1), d)
        size = np.exp(rng.uniform(np.log(8), np.log(400), (d, 1))) * rng.uniform(0.5, 1.5, (d, 2))
        xy = rng.uniform(0, 640, (d, 2))
        boxes = np.concatenate([xy, xy + size], axis=1)
        labels = rng.integers(1, CLASSES + 1, d)
        if g:
            wh = g_boxes[src, 2:] - g_boxes[src, :2]
            jittered = g_boxes[src] + rng.normal(0, 0.12, (d, 4)) * np.tile(wh, 2)
            boxes[near] = jittered[near]
            right = near & (rng.random(d) < 0.8)
            labels[right] = g_labels[src[right]]
        boxes[:, 2:] = np.maximum(boxes[:, 2:], boxes[:, :2] + 1.0)
        scores = np.clip(rng.random(d) * 0.6 + near * rng.random(d) * 0.5, 0, 1)
        dts.append({"boxes": boxes, "scores": scores, "labels": labels})
    return gts, dts


def to_coco(gts, dts):
    """COCO dicts: (dataset with xywh boxes, ids from 1, categories 1..CLASSES; list of results)."""
    images, annotations, results = [], [], []
    for i, (g, d) in enumerate(zip(gts, dts), start=1):
        images.append({"id": i})
        for b, c, crowd in zip(g["boxes"].tolist(), g["labels"].tolist(), g["iscrowd"].tolist()):
            w, h = b[2] - b[0], b[3] - b[1]
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i,
                    "category_id": c,
                    "bbox": [b[0], b[1], w, h],
                    "area": w * h,
                    "iscrowd": int(crowd),
                }
            )
        for b, s, c in zip(d["boxes"].tolist(), d["scores"].tolist(), d["labels"].tolist()):
            results.append(
                {"image_id": i, "category_id": c, "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": s}
            )
    categories = [{"id": c, "name": str(c)} for c in range(1, CLASSES + 1)]
    return {"images": images, "annotations": annotations, "categories": categories}, results


def _mean_defined(s: np.ndarray) -> float:
    s = s[s > -1]
    return float(np.mean(s)) if s.size else -1.0


def _per_class(precision: np.ndarray) -> np.ndarray:
    """AP per category (IoU .50:.95, all areas, 100 detections) from a (T, R, K, A, M) precision array."""
    return np.array([_mean_defined(precision[:, :, k, 0, -1]) for k in range(precision.shape[2])])


def _kata_output(result: dict):
    per_class = result["per_class"]
    return np.array([result[k] for k in STATS]), np.array([per_class[c] for c in range(1, CLASSES + 1)])


def cases(quick: bool) -> list[Case]:
    import faster_coco_eval
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    ref, base = load_reference(KATA), load_baseline(KATA)
    silent = lambda *args, **kwargs: None  # noqa: E731

    def make_inputs_for(n):
        def make_inputs():
            gts, dts = detector_like(np.random.default_rng([7, n]), n)
            dataset, results = to_coco(gts, dts)
            with contextlib.redirect_stdout(io.StringIO()):
                gt = COCO()
                gt.dataset = dataset
                gt.createIndex()
                dt = gt.loadRes(results)
            fgt = faster_coco_eval.COCO(dataset, print_function=silent)
            fdt = fgt.loadRes(results)
            return gts, dts, gt, dt, fgt, fdt

        return make_inputs

    def pycocotools(v):
        with contextlib.redirect_stdout(io.StringIO()):
            ev = COCOeval(v[2], v[3], iouType="bbox")
            ev.evaluate()
            ev.accumulate()
            ev.summarize()
        return np.array(ev.stats), _per_class(ev.eval["precision"])

    def faster(v):
        ev = faster_coco_eval.COCOeval_faster(v[4], v[5], iouType="bbox", print_function=silent)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
        return np.array(ev.stats[:12]), _per_class(ev.eval["precision"])

    out = []
    for n in IMAGES[:1] if quick else IMAGES:
        targets = []
        if n == IMAGES[-1]:
            targets = [
                Target("pycocotools", 1 / 15, "at least 15x faster than pycocotools"),
                Target("faster-coco-eval", 1.0, "no slower than faster-coco-eval"),
            ]
        out.append(
            Case(
                kata=KATA.slug,
                op="COCO bbox evaluation",
                size=f"{n} images",
                make_inputs=make_inputs_for(n),
                impls=[
                    Impl("reference", REFERENCE, lambda v: _kata_output(ref.evaluate(v[0], v[1]))),
                    Impl("baseline", BASELINE, lambda v: _kata_output(base.evaluate(v[0], v[1]))),
                    Impl("pycocotools", PRODUCTION, pycocotools),
                    Impl("faster-coco-eval", PRODUCTION, faster),
                ],
                # the twelve numbers and 80 per-class APs, to 1e-12 (as the issue asks)
                agree=max_abs_diff(1e-12),
                targets=targets,
                note=f"{CLASSES} classes, ~{MEAN_GT:g} ground truths and ~{MEAN_DT:g} detections per image",
                rounds=3 if n >= 1000 else None,
            )
        )
    return out
