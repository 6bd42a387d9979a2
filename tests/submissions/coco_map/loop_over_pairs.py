"""Correct, organised as a loop over images and classes: for each (image, class) pair it computes the IoU
matrix and calls the greedy matching on that pair alone (B = 1), then accumulates as the reference does.
NumPy works inside a pair, but a pair holds a handful of boxes, so the loop costs as much as plain Python."""

import numpy as np
from _reference import *  # noqa: F401,F403
from _reference import (
    AREA_RANGES,
    IOU_THRESHOLDS,
    MAX_DETS,
    _accumulate,
    _flatten,
    _greedy_match,
    _pair_iou,
    _summarize,
)


def evaluate(ground_truths, detections):
    gt, dt = _flatten(ground_truths, "gt"), _flatten(detections, "dt")
    labels = np.unique(np.concatenate([gt["labels"], dt["labels"]]))
    n_cls, n_area, n_thr = labels.size, len(AREA_RANGES), IOU_THRESHOLDS.size
    lo, hi = AREA_RANGES[:, 0], AREA_RANGES[:, 1]
    gt_ignore = gt["iscrowd"][:, None] | (gt["area"][:, None] < lo) | (gt["area"][:, None] > hi)
    n_gt = np.zeros((n_cls, n_area), dtype=np.int64)
    gt_cls = np.searchsorted(labels, gt["labels"])
    for a in range(n_area):
        n_gt[:, a] = np.bincount(gt_cls[~gt_ignore[:, a]], minlength=n_cls)
    dt_cls = np.searchsorted(labels, dt["labels"])
    cls_out, rank_out, score_out, matched_out, ignored_out = [], [], [], [], []
    for i in range(len(ground_truths)):
        gi = np.flatnonzero(gt["image"] == i)
        di = np.flatnonzero(dt["image"] == i)
        for k in np.unique(np.concatenate([gt_cls[gi], dt_cls[di]])):
            g = gi[gt_cls[gi] == k]
            d = di[dt_cls[di] == k]
            d = d[np.argsort(-dt["scores"][d], kind="stable")][: MAX_DETS[-1]]
            if d.size == 0:
                continue
            boxes = dt["boxes"][d]
            area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
            outside = (area[:, None] < lo) | (area[:, None] > hi)
            ignored = np.repeat(outside[:, :, None], n_thr, axis=2)
            matched = np.zeros_like(ignored)
            if g.size:
                ious = _pair_iou(boxes[:, None], gt["boxes"][g][None], gt["iscrowd"][g][None])
                m = _greedy_match(ious[None], gt_ignore[g].T[None], gt["iscrowd"][g][None])[0]  # (D, A, T)
                matched = m >= 0
                hit = gt_ignore[g][np.maximum(m, 0), np.arange(n_area)[None, :, None]]
                ignored = np.where(matched, hit, ignored)
            cls_out.append(np.full(d.size, k))
            rank_out.append(np.arange(d.size))
            score_out.append(dt["scores"][d])
            matched_out.append(matched)
            ignored_out.append(ignored)
    if cls_out:
        cls, rank, score = np.concatenate(cls_out), np.concatenate(rank_out), np.concatenate(score_out)
        matched, ignored = np.concatenate(matched_out), np.concatenate(ignored_out)
    else:
        cls = rank = np.zeros(0, np.int64)
        score = np.zeros(0)
        matched = ignored = np.zeros((0, n_area, n_thr), bool)
    return _summarize(labels, *_accumulate(cls, rank, score, matched, ignored, n_gt))


CAUGHT_BY = "speed"
