"""Baseline for kata 07: a complete COCO box evaluator (matching and accumulation in numba), the speed
workload, a generator of hard random datasets, and the bridge to pycocotools used by the tests.

The evaluator follows pycocotools' ``COCOeval(iouType="bbox")`` step by step: per (image, class) pair, the
detections sorted by score (stable) and capped at 100, an IoU matrix with the crowd rule, and for every area
range the ground truths reordered regular-first, then the greedy loop over thresholds, detections and ground
truths as ``evaluateImg`` writes it. The accumulation pools each class's detections over the images, sorts
them by score (stable, so ties keep image order), and walks the precision envelope and the 101 recall points.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
from numba import njit

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)
MAX_DETS = np.array([1, 10, 100], dtype=np.int64)
AREA_RANGES = np.array([[0.0, 1e5**2], [0.0, 32.0**2], [32.0**2, 96.0**2], [96.0**2, 1e5**2]])
STAT_NAMES = ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")


@njit(cache=True, nogil=True)
def _match_kernel(gt_start, gt_boxes, gt_crowd, gt_area, dt_start, dt_boxes, dt_area, area_rng, iou_thrs):
    """Per-pair greedy matching. Pairs are the runs ``gt_start[p]:gt_start[p+1]`` / ``dt_start[p]:...``;
    detections are already in score order and capped. Returns (ND, A, T) matched and ignored flags."""
    n_dt = dt_boxes.shape[0]
    n_area = area_rng.shape[0]
    n_thr = iou_thrs.shape[0]
    matched = np.zeros((n_dt, n_area, n_thr), dtype=np.bool_)
    ignored = np.zeros((n_dt, n_area, n_thr), dtype=np.bool_)
    for p in range(gt_start.shape[0] - 1):
        d0, d1 = dt_start[p], dt_start[p + 1]
        if d1 == d0:
            continue
        g0, g1 = gt_start[p], gt_start[p + 1]
        ng, nd = g1 - g0, d1 - d0
        ious = np.zeros((nd, ng))
        for d in range(nd):
            dx1, dy1, dx2, dy2 = dt_boxes[d0 + d, 0], dt_boxes[d0 + d, 1], dt_boxes[d0 + d, 2], dt_boxes[d0 + d, 3]
            for g in range(ng):
                w = min(dx2, gt_boxes[g0 + g, 2]) - max(dx1, gt_boxes[g0 + g, 0])
                if w <= 0:
                    continue
                h = min(dy2, gt_boxes[g0 + g, 3]) - max(dy1, gt_boxes[g0 + g, 1])
                if h <= 0:
                    continue
                inter = w * h
                garea = (gt_boxes[g0 + g, 2] - gt_boxes[g0 + g, 0]) * (gt_boxes[g0 + g, 3] - gt_boxes[g0 + g, 1])
                union = dt_area[d0 + d] if gt_crowd[g0 + g] else dt_area[d0 + d] + garea - inter
                ious[d, g] = inter / union
        order = np.empty(ng, dtype=np.int64)
        ig = np.empty(ng, dtype=np.bool_)
        taken = np.zeros(ng, dtype=np.bool_)
        for a in range(n_area):
            lo, hi = area_rng[a, 0], area_rng[a, 1]
            # regular ground truths first, then the ignored ones, each in their original order
            k = 0
            for want in (False, True):
                for g in range(ng):
                    gi = gt_crowd[g0 + g] or gt_area[g0 + g] < lo or gt_area[g0 + g] > hi
                    if gi == want:
                        order[k] = g
                        ig[k] = gi
                        k += 1
            for t in range(n_thr):
                taken[:] = False
                for d in range(nd):
                    best = min(iou_thrs[t], 1 - 1e-10)
                    m = -1
                    for j in range(ng):
                        g = order[j]
                        if taken[j] and not gt_crowd[g0 + g]:
                            continue
                        if m > -1 and not ig[m] and ig[j]:
                            break
                        if ious[d, g] < best:
                            continue
                        best = ious[d, g]
                        m = j
                    if m > -1:
                        matched[d0 + d, a, t] = True
                        ignored[d0 + d, a, t] = ig[m]
                        taken[m] = True
                    else:
                        ignored[d0 + d, a, t] = dt_area[d0 + d] < lo or dt_area[d0 + d] > hi
    # pairs without detections were skipped; detections of pairs without ground truths fall through the
    # loop above with m = -1 (ng = 0), so every detection's flags are set
    return matched, ignored


@njit(cache=True, nogil=True)
def _accumulate_kernel(cls_start, rank, matched, ignored, n_gt, max_dets, rec_thrs):
    """Detections in pooled order (class, then decreasing score, ties in image order). Returns the (T, R, K, A)
    precision with max_dets[-1] detections per pair (the only precision the summary reads) and the
    (T, K, A, M) recall; -1 where a class has no regular ground truth in that area range."""
    n_cls, n_area = n_gt.shape
    n_thr = matched.shape[2]
    n_rec = rec_thrs.shape[0]
    n_m = max_dets.shape[0]
    precision = -np.ones((n_thr, n_rec, n_cls, n_area))
    recall = -np.ones((n_thr, n_cls, n_area, n_m))
    n_max = 0
    for k in range(n_cls):
        n_max = max(n_max, cls_start[k + 1] - cls_start[k])
    rc = np.empty((n_max, n_area, n_thr))
    pr = np.empty((n_max, n_area, n_thr))
    tp = np.zeros((n_m, n_area, n_thr))
    fp = np.zeros((n_area, n_thr))
    for k in range(n_cls):
        tp[:] = 0.0
        fp[:] = 0.0
        n = 0
        for i in range(cls_start[k], cls_start[k + 1]):
            for a in range(n_area):
                for t in range(n_thr):
                    if not ignored[i, a, t]:
                        if matched[i, a, t]:
                            for m in range(n_m):
                                if rank[i] < max_dets[m]:
                                    tp[m, a, t] += 1.0
                        else:
                            fp[a, t] += 1.0
                    rc[n, a, t] = tp[n_m - 1, a, t] / max(n_gt[k, a], 1)
                    pr[n, a, t] = tp[n_m - 1, a, t] / (fp[a, t] + tp[n_m - 1, a, t] + np.spacing(1.0))
            n += 1
        for a in range(n_area):
            if n_gt[k, a] == 0:
                continue
            for t in range(n_thr):
                for m in range(n_m):
                    recall[t, k, a, m] = tp[m, a, t] / n_gt[k, a]
                for i in range(n - 1, 0, -1):
                    if pr[i, a, t] > pr[i - 1, a, t]:
                        pr[i - 1, a, t] = pr[i, a, t]
                i = 0
                for r in range(n_rec):
                    while i < n and rc[i, a, t] < rec_thrs[r]:
                        i += 1
                    precision[t, r, k, a] = pr[i, a, t] if i < n else 0.0
    return precision, recall


def _concat(parts, dtype, width=None):
    if width is None:
        arrays = [np.asarray(x, dtype=dtype).reshape(-1) for x in parts]
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype)
    arrays = [np.asarray(x, dtype=dtype).reshape(-1, width) for x in parts]
    return np.concatenate(arrays) if arrays else np.zeros((0, width), dtype)


def _mean_defined(s: np.ndarray) -> float:
    s = s[s > -1]
    return float(np.mean(s)) if s.size else -1.0


def evaluate_arrays(ground_truths, detections):
    """The evaluator's core: returns labels (K,), precision (T, R, K, A) with up to 100 detections per
    image and class, and recall (T, K, A, M)."""
    if len(ground_truths) != len(detections):
        raise ValueError("ground_truths and detections must have one entry per image each")
    n_img = len(ground_truths)
    g_boxes = _concat([g["boxes"] for g in ground_truths], np.float64, 4)
    g_counts = np.array([len(np.asarray(g["labels"]).reshape(-1)) for g in ground_truths], dtype=np.int64)
    g_labels = _concat([g["labels"] for g in ground_truths], np.int64)
    g_crowd = _concat(
        [g["iscrowd"] if g.get("iscrowd") is not None else np.zeros(n, bool) for g, n in zip(ground_truths, g_counts)],
        np.bool_,
    )
    box_area = (g_boxes[:, 2] - g_boxes[:, 0]) * (g_boxes[:, 3] - g_boxes[:, 1])
    starts = np.r_[0, np.cumsum(g_counts)]
    g_area = _concat(
        [
            g["area"] if g.get("area") is not None else box_area[starts[i] : starts[i + 1]]
            for i, g in enumerate(ground_truths)
        ],
        np.float64,
    )
    d_boxes = _concat([d["boxes"] for d in detections], np.float64, 4)
    d_scores = _concat([d["scores"] for d in detections], np.float64)
    d_labels = _concat([d["labels"] for d in detections], np.int64)
    d_counts = np.array([len(np.asarray(d["labels"]).reshape(-1)) for d in detections], dtype=np.int64)

    labels = np.unique(np.concatenate([g_labels, d_labels]))
    n_cls = labels.size
    n_pairs = n_img * n_cls
    g_key = np.repeat(np.arange(n_img), g_counts) * n_cls + np.searchsorted(labels, g_labels)
    d_key = np.repeat(np.arange(n_img), d_counts) * n_cls + np.searchsorted(labels, d_labels)

    g_ord = np.argsort(g_key, kind="stable")
    g_key = g_key[g_ord]
    g_boxes, g_crowd, g_area = g_boxes[g_ord], g_crowd[g_ord], g_area[g_ord]
    d_ord = np.lexsort((-d_scores, d_key))  # by pair, then decreasing score, ties by position (lexsort is stable)
    d_key = d_key[d_ord]
    first = np.searchsorted(d_key, np.arange(n_pairs + 1))
    rank = np.arange(d_key.size) - first[d_key]
    keep = rank < MAX_DETS[-1]
    d_ord, d_key, rank = d_ord[keep], d_key[keep], rank[keep]
    d_boxes, d_scores = d_boxes[d_ord], d_scores[d_ord]
    d_area = (d_boxes[:, 2] - d_boxes[:, 0]) * (d_boxes[:, 3] - d_boxes[:, 1])

    gt_start = np.searchsorted(g_key, np.arange(n_pairs + 1))
    dt_start = np.searchsorted(d_key, np.arange(n_pairs + 1))
    matched, ignored = _match_kernel(
        gt_start,
        np.ascontiguousarray(g_boxes),
        g_crowd,
        g_area,
        dt_start,
        np.ascontiguousarray(d_boxes),
        d_area,
        AREA_RANGES,
        IOU_THRESHOLDS,
    )

    g_cls = g_key % n_cls
    d_cls = d_key % n_cls
    lo, hi = AREA_RANGES[:, 0], AREA_RANGES[:, 1]
    g_regular = ~(g_crowd[:, None] | (g_area[:, None] < lo) | (g_area[:, None] > hi))
    n_gt = np.stack([np.bincount(g_cls[g_regular[:, a]], minlength=n_cls) for a in range(len(AREA_RANGES))], axis=1)
    # pooled over images: by class, then decreasing score; ties keep (image, rank) order, the current order
    order = np.lexsort((-d_scores, d_cls))
    cls_start = np.searchsorted(d_cls[order], np.arange(n_cls + 1))
    precision, recall = _accumulate_kernel(
        cls_start, rank[order], matched[order], ignored[order], n_gt, MAX_DETS, RECALL_THRESHOLDS
    )
    return labels, precision, recall


def summarize(labels, precision, recall) -> dict:
    """The twelve numbers of ``COCOeval.summarize()`` and the per-class AP, from accumulated arrays."""
    t50, t75 = np.flatnonzero(IOU_THRESHOLDS == 0.5), np.flatnonzero(IOU_THRESHOLDS == 0.75)
    stats = [
        _mean_defined(precision[:, :, :, 0]),
        _mean_defined(precision[t50][:, :, :, 0]),
        _mean_defined(precision[t75][:, :, :, 0]),
        *(_mean_defined(precision[:, :, :, a]) for a in (1, 2, 3)),
        *(_mean_defined(recall[:, :, 0, m]) for m in (0, 1, 2)),
        *(_mean_defined(recall[:, :, a, 2]) for a in (1, 2, 3)),
    ]
    out = dict(zip(STAT_NAMES, stats))
    out["per_class"] = {int(c): _mean_defined(precision[:, :, k, 0]) for k, c in enumerate(labels)}
    return out


def evaluate(ground_truths, detections) -> dict:
    """The kata's ``evaluate``: the twelve COCO numbers and ``"per_class"`` AP, as pycocotools computes them."""
    return summarize(*evaluate_arrays(ground_truths, detections))


# --- pycocotools bridge (used by the tests and by ``python -m grader.coco --check``) -------------------


def to_coco(ground_truths, detections):
    """The kata's data as COCO dicts: (ground-truth dataset, list of detection results).

    Boxes become xywh; image ids and annotation ids count from 1 in list order; the categories are every
    label seen in either list.
    """
    labels = set()
    images, annotations, results = [], [], []
    for i, (g, d) in enumerate(zip(ground_truths, detections)):
        images.append({"id": i + 1})
        boxes = np.asarray(g["boxes"], dtype=np.float64).reshape(-1, 4)
        lab = np.asarray(g["labels"]).reshape(-1)
        crowd = np.zeros(len(lab), bool) if g.get("iscrowd") is None else np.asarray(g["iscrowd"]).reshape(-1)
        area = (
            (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
            if g.get("area") is None
            else np.asarray(g["area"], dtype=np.float64).reshape(-1)
        )
        for b, c, cr, ar in zip(boxes.tolist(), lab.tolist(), crowd.tolist(), area.tolist()):
            labels.add(int(c))
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i + 1,
                    "category_id": int(c),
                    "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]],
                    "area": ar,
                    "iscrowd": int(bool(cr)),
                }
            )
        boxes = np.asarray(d["boxes"], dtype=np.float64).reshape(-1, 4)
        for b, s, c in zip(
            boxes.tolist(),
            np.asarray(d["scores"], np.float64).reshape(-1).tolist(),
            np.asarray(d["labels"]).reshape(-1).tolist(),
        ):
            labels.add(int(c))
            results.append(
                {"image_id": i + 1, "category_id": int(c), "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": s}
            )
    dataset = {"images": images, "annotations": annotations, "categories": [{"id": c} for c in sorted(labels)]}
    return dataset, results


def pycocotools_eval(dataset: dict, results: list):
    """Run pycocotools on COCO dicts, silently; returns the finished ``COCOeval`` object."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = dataset
        gt.createIndex()
        if results:
            dt = gt.loadRes(results)
        else:  # loadRes([]) raises; an empty result set is a COCO object without annotations
            dt = COCO()
            dt.dataset = {"images": dataset["images"], "categories": dataset["categories"], "annotations": []}
            dt.createIndex()
        ev = COCOeval(gt, dt, iouType="bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev


def pycocotools_evaluate(ground_truths, detections) -> dict:
    """pycocotools' answer in the kata's format: the twelve stats and per-class AP."""
    ev = pycocotools_eval(*to_coco(ground_truths, detections))
    out = {name: float(v) for name, v in zip(STAT_NAMES, ev.stats)}
    precision = ev.eval["precision"]
    out["per_class"] = {int(c): _mean_defined(precision[:, :, k, 0, -1]) for k, c in enumerate(ev.params.catIds)}
    return out


def differences(got: dict, expected: dict) -> list[tuple[str, float, float]]:
    """(key, got, expected) for every stat or per-class entry that is missing or differs by more than 1e-12."""
    bad = []
    for name in STAT_NAMES:
        g = got.get(name) if isinstance(got, dict) else None
        if g is None or not np.isfinite(g) or abs(float(g) - expected[name]) > 1e-12:
            bad.append((name, g, expected[name]))
    per = got.get("per_class") if isinstance(got, dict) else None
    if not isinstance(per, dict):
        bad.append(("per_class", per, "a dict"))
        return bad
    keys = {int(k) for k in per}
    if keys != set(expected["per_class"]):
        bad.append(("per_class labels", sorted(keys), sorted(expected["per_class"])))
        return bad
    for label, e in expected["per_class"].items():
        g = per.get(label, per.get(np.int64(label)))
        if g is None or not np.isfinite(g) or abs(float(g) - e) > 1e-12:
            bad.append((f"per_class[{label}]", g, e))
    return bad


# --- random datasets with every hard case pycocotools handles -----------------------------------------


def random_dataset(
    rng: np.random.Generator, n_images: int = 6, n_classes: int = 3, max_gt: int = 8, max_dt: int = 12, dtype=np.float64
):
    """A small random dataset full of edge cases: (ground_truths, detections).

    Coordinates lie on a 0.5-pixel grid, so every IoU and area is exact in any formula (x + w == x2) and
    ties at thresholds, equal IoUs and areas exactly on a range bound (32**2, 96**2) really occur. It has
    empty images, images without detections, crowd regions, explicit areas (some on the bounds),
    detections of classes without ground truth, tied scores within and across images, copies and jittered
    copies of ground truths (one detection overlapping several ground truths), and now and then more than
    100 detections of one class in one image.
    """
    sizes = np.array(
        [
            [32, 32],
            [16, 64],
            [64, 16],
            [96, 96],
            [48, 192],
            [31.5, 32],
            [32, 32.5],
            [8, 8],
            [128, 72],
            [95.5, 96.5],
            [200, 150],
            [4, 6],
        ]
    )
    tied = rng.random() < 0.5
    ground_truths, detections = [], []
    for _ in range(n_images):
        kind = rng.random()
        n_gt = 0 if kind < 0.15 else int(rng.integers(1, max_gt + 1))
        n_dt = 0 if 0.15 <= kind < 0.3 else int(rng.integers(0, max_dt + 1))
        if rng.random() < 0.03:
            n_dt = int(rng.integers(101, 130))
        wh = np.where(
            rng.random((n_gt, 1)) < 0.4, sizes[rng.integers(0, len(sizes), n_gt)], rng.integers(2, 400, (n_gt, 2)) / 2.0
        )
        xy = rng.integers(0, 600, (n_gt, 2)) / 2.0
        g_boxes = np.concatenate([xy, xy + wh], axis=1)
        if n_gt > 1 and rng.random() < 0.3:  # near-duplicate ground truths: one detection can match either
            j = rng.integers(0, n_gt, n_gt // 3 + 1)
            g_boxes[j] = g_boxes[rng.integers(0, n_gt)] + rng.integers(-2, 3, (len(j), 4)) / 2.0
            g_boxes[:, 2:] = np.maximum(g_boxes[:, 2:], g_boxes[:, :2] + 0.5)
        g_labels = rng.integers(1, n_classes + 1, n_gt)
        gt = {"boxes": g_boxes.astype(dtype), "labels": g_labels}
        if rng.random() < 0.6:
            gt["iscrowd"] = rng.random(n_gt) < 0.15
        if rng.random() < 0.3:
            area = (g_boxes[:, 2] - g_boxes[:, 0]) * (g_boxes[:, 3] - g_boxes[:, 1])
            choice = rng.integers(0, 4, n_gt)
            area = np.select([choice == 0, choice == 1, choice == 2], [area * 0.7, 32.0**2, 96.0**2], area)
            gt["area"] = area
        ground_truths.append(gt)

        n_copy = min(n_dt, int(rng.integers(0, n_gt + 1))) if n_gt else 0
        src = rng.integers(0, max(n_gt, 1), n_copy)
        copies = g_boxes[src] + rng.integers(-12, 13, (n_copy, 4)) / 2.0 * (rng.random((n_copy, 1)) < 0.7)
        n_rand = n_dt - n_copy
        wh = np.where(
            rng.random((n_rand, 1)) < 0.3,
            sizes[rng.integers(0, len(sizes), n_rand)],
            rng.integers(2, 400, (n_rand, 2)) / 2.0,
        )
        xy = rng.integers(0, 600, (n_rand, 2)) / 2.0
        d_boxes = np.concatenate([copies, np.concatenate([xy, xy + wh], axis=1)])
        d_boxes[:, 2:] = np.maximum(d_boxes[:, 2:], d_boxes[:, :2])
        d_labels = np.concatenate(
            [g_labels[src] if n_gt else np.zeros(0, np.int64), rng.integers(1, n_classes + 2, n_rand)]
        )  # n_classes + 1: no ground truth
        if n_dt > 100 and rng.random() < 0.5:  # else several classes: a per-image cap would cut them
            d_labels[:] = d_labels[0]
        scores = rng.integers(0, 6, n_dt) / 5.0 if tied else rng.random(n_dt)
        perm = rng.permutation(n_dt)
        detections.append(
            {"boxes": d_boxes[perm].astype(dtype), "scores": scores.astype(dtype), "labels": d_labels[perm]}
        )
    return ground_truths, detections


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = "evaluate on 500 images, 20 classes, ~7 ground truths and ~100 detections per image"
_IMAGES, _CLASSES = 500, 20


def realistic_dataset(rng: np.random.Generator, n_images: int, n_classes: int, mean_gt: float, mean_dt: float):
    """Detector-like data: ground truths of varied sizes; detections are jittered copies of them (some with
    the wrong class) plus background boxes, scores higher for the better ones."""
    n_gt = rng.poisson(mean_gt, n_images)
    n_dt = rng.poisson(mean_dt, n_images)
    tg, td = n_gt.sum(), n_dt.sum()
    size = np.exp(rng.uniform(np.log(8), np.log(400), (tg, 1))) * rng.uniform(0.5, 1.5, (tg, 2))
    xy = rng.uniform(0, 640, (tg, 2))
    g_boxes = np.concatenate([xy, xy + size], axis=1)
    g_labels = rng.integers(0, n_classes, tg)
    g_crowd = rng.random(tg) < 0.01
    g_img = np.repeat(np.arange(n_images), n_gt)
    d_img = np.repeat(np.arange(n_images), n_dt)
    # each detection copies a random ground truth of its image (when there is one), or is background
    g_first = np.r_[0, np.cumsum(n_gt)]
    has = n_gt[d_img] > 0
    src = g_first[d_img] + (rng.random(td) * np.maximum(n_gt[d_img], 1)).astype(np.int64)
    src = np.minimum(src, max(tg - 1, 0))
    near = has & (rng.random(td) < 0.6)
    jitter = rng.normal(0, 0.12, (td, 4))
    d_boxes = np.empty((td, 4))
    if tg:
        base = g_boxes[src]
        wh = base[:, 2:] - base[:, :2]
        d_boxes[near] = base[near] + jitter[near] * np.tile(wh[near], 2)
    size = np.exp(rng.uniform(np.log(8), np.log(400), (td, 1))) * rng.uniform(0.5, 1.5, (td, 2))
    xy = rng.uniform(0, 640, (td, 2))
    d_boxes[~near] = np.concatenate([xy, xy + size], axis=1)[~near]
    d_boxes[:, 2:] = np.maximum(d_boxes[:, 2:], d_boxes[:, :2] + 1.0)
    d_labels = rng.integers(0, n_classes, td)
    if tg:
        right = near & (rng.random(td) < 0.8)
        d_labels[right] = g_labels[src[right]]
    scores = np.clip(rng.random(td) * 0.6 + near * rng.random(td) * 0.5, 0, 1)
    gi, di = np.r_[0, np.cumsum(n_gt)], np.r_[0, np.cumsum(n_dt)]
    ground_truths = [
        {
            "boxes": g_boxes[gi[i] : gi[i + 1]],
            "labels": g_labels[gi[i] : gi[i + 1]],
            "iscrowd": g_crowd[gi[i] : gi[i + 1]],
        }
        for i in range(n_images)
    ]
    detections = [
        {
            "boxes": d_boxes[di[i] : di[i + 1]],
            "scores": scores[di[i] : di[i + 1]],
            "labels": d_labels[di[i] : di[i + 1]],
        }
        for i in range(n_images)
    ]
    del g_img
    return ground_truths, detections


def make_inputs(rng: np.random.Generator):
    return realistic_dataset(rng, _IMAGES, _CLASSES, 7.0, 100.0)


def run_baseline(inputs):
    return evaluate(*inputs)


def run_submission(module, inputs):
    return module.evaluate(*inputs)


def compare(got, expected) -> str | None:
    bad = differences(got, expected)
    if not bad:
        return None
    key, g, e = bad[0]
    return f"{len(bad)} values differ from the baseline; first {key}: got {g!r}, expected {e!r}"
