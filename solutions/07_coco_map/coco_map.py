"""Kata 07: COCO box mAP, the twelve numbers of pycocotools' ``COCOeval(iouType="bbox").summarize()``.

The data is one entry per image, in the same order in both lists:

- ``ground_truths[i]``: ``{"boxes": (G, 4), "labels": (G,) int, "iscrowd": (G,) bool (optional),
  "area": (G,) (optional, defaults to the box area)}``
- ``detections[i]``: ``{"boxes": (D, 4), "scores": (D,), "labels": (D,) int}``

Boxes are ``(x1, y1, x2, y2)`` in absolute, continuous pixel coordinates (width = ``x2 - x1``). Everything
is computed in float64, whatever the input dtype.

The pipeline, as pycocotools runs it:

1. For every (image, class) pair: sort the detections by decreasing score (stable), keep the first 100, and
   compute their IoU with the pair's ground truths (a crowd region uses the detection's area as the
   denominator instead of the union).
2. For every area range and IoU threshold: match greedily. Each detection, best score first, takes the
   still-free ground truth of highest IoU >= the threshold, preferring regular ground truths to ignored ones
   (crowd, or area outside the range). Crowd regions are never used up. A detection matched to an ignored
   ground truth, or unmatched with its own area outside the range, is ignored.
3. For every class, area range and detection cap (1, 10, 100 per image and class): pool the detections of
   all images, sort them by score, and turn the cumulative true/false positives into a precision-recall
   curve; take its envelope (precision made non-increasing in recall) and sample it at 101 recall points.
4. Average, skipping the undefined (-1) entries of classes without ground truth.

The matching loop over the detections of one pair is sequential; the pairs are independent, so the r-th
detection of every pair can be matched at once. A loop over images and classes is also fine.
"""

import numpy as np

# pycocotools' default parameters. The values matter to the last bit: IoU thresholds and recall points are
# compared with ``>=``, so they must be these exact linspace values, not 0.05 * k.
IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)  # (T,) = (10,)
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)  # (R,) = (101,)
MAX_DETS = (1, 10, 100)  # (M,): detections kept per image and class
AREA_RANGES = np.array(  # (A, 2): all, small, medium, large; both bounds inclusive
    [[0.0, 1e5**2], [0.0, 32.0**2], [32.0**2, 96.0**2], [96.0**2, 1e5**2]]
)
STAT_NAMES = ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")


def _pair_iou(det_boxes: np.ndarray, gt_boxes: np.ndarray, gt_crowd: np.ndarray) -> np.ndarray:
    """Optional helper: IoU of detections with ground truths, elementwise with broadcasting, the crowd rule included.

    For a regular ground truth the IoU is ``inter / (area_det + area_gt - inter)``; for a crowd region it is
    ``inter / area_det`` (the fraction of the detection inside the region). Pairs that do not overlap
    (zero-width or zero-height intersection) have IoU 0.

    Args:
        det_boxes: (..., 4) float64 ``(x1, y1, x2, y2)`` detection boxes.
        gt_boxes: (..., 4) float64 ground-truth boxes, broadcastable against ``det_boxes``.
        gt_crowd: (...) bool, broadcastable against the leading dimensions: True for crowd regions.

    Returns:
        (...) float64 IoU: for example (D, G) from det_boxes (D, 1, 4), gt_boxes (1, G, 4), gt_crowd (1, G).
    """
    ### BEGIN SOLUTION
    w = np.minimum(det_boxes[..., 2], gt_boxes[..., 2]) - np.maximum(det_boxes[..., 0], gt_boxes[..., 0])
    h = np.minimum(det_boxes[..., 3], gt_boxes[..., 3]) - np.maximum(det_boxes[..., 1], gt_boxes[..., 1])
    inter = np.maximum(w, 0.0) * np.maximum(h, 0.0)
    det_area = (det_boxes[..., 2] - det_boxes[..., 0]) * (det_boxes[..., 3] - det_boxes[..., 1])
    gt_area = (gt_boxes[..., 2] - gt_boxes[..., 0]) * (gt_boxes[..., 3] - gt_boxes[..., 1])
    denom = np.where(gt_crowd, det_area, det_area + gt_area - inter)
    # inter > 0 implies denom > 0; elsewhere the IoU is 0 (never 0/0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inter > 0, inter / np.where(inter > 0, denom, 1.0), 0.0)
    ### END SOLUTION


def _greedy_match(ious: np.ndarray, gt_ignore: np.ndarray, gt_crowd: np.ndarray) -> np.ndarray:
    """Optional helper: greedy matching of B independent (image, class) pairs, at every area range and IoU threshold.

    Detection d of a pair (in decreasing score order) looks at the ground truths still free at that
    threshold (crowd regions are always free) whose IoU with it is >= the threshold. If any of them is not
    ignored, it takes the one of highest IoU among those; otherwise the ignored one of highest IoU. Equal
    IoUs go to the later ground truth. A matched non-crowd ground truth is no longer free.

    Args:
        ious: (B, D, G) float64: IoU of each pair's detections (sorted by decreasing score) with its ground
            truths; padding entries (a pair with fewer than D detections or G ground truths) are -1.
        gt_ignore: (B, A, G) bool: ground truth ignored in area range a (crowd or area out of range).
        gt_crowd: (B, G) bool: crowd regions.

    Returns:
        (B, D, A, T) int64: the index of the ground truth each detection matched at area range a and
        threshold t, -1 for none (T = len(IOU_THRESHOLDS)).
    """
    ### BEGIN SOLUTION
    n_pairs, n_det, n_gt = ious.shape
    n_area, n_thr = gt_ignore.shape[1], IOU_THRESHOLDS.size
    # Pairs with more detections first, so the pairs still active at step d are a prefix (views, no copies).
    det_count = (ious.max(axis=2, initial=-1.0) >= 0).sum(axis=1)  # padding rows are all -1
    by_count = np.argsort(-det_count, kind="stable")
    ious, gt_ignore, gt_crowd = ious[by_count], gt_ignore[by_count], gt_crowd[by_count]
    active = (det_count[:, None] > np.arange(n_det)).sum(axis=0)  # (D,) pairs with a d-th detection
    # One integer key orders the candidates as the matching prefers them: regular before ignored, then by
    # IoU. The bits of a non-negative float64, read as an int64, sort like the float (IoU <= 1 fits in 62
    # bits), so the key is exact where "2 * regular + IoU" would round.
    iou_bits = np.maximum(ious, 0.0).view(np.int64)  # (B, D, G)
    regular_bit = np.where(gt_ignore, 0, np.int64(1) << 62)[:, :, None, :]  # (B, A, 1, G)
    thr = IOU_THRESHOLDS[None, None, :, None]
    free = np.ones((n_pairs, n_area, n_thr, n_gt), dtype=bool)
    match = np.full((n_pairs, n_det, n_area, n_thr), -1, dtype=np.int64)
    for d in range(n_det):
        b = active[d]  # pairs 0..b-1 have a d-th detection
        iou = ious[:b, d, None, None, :]  # (b, 1, 1, G)
        key = np.where((iou >= thr) & free[:b], regular_bit[:b] + iou_bits[:b, d, None, None, :], -1)
        best = n_gt - 1 - np.argmax(key[..., ::-1], axis=-1)  # (b, A, T): the last of the highest keys
        found = key.max(axis=-1) >= 0
        match[by_count[:b], d] = np.where(found, best, -1)
        pi, ai, ti = np.nonzero(found)
        gi = best[pi, ai, ti]
        keep = ~gt_crowd[pi, gi]  # crowd regions stay free
        free[pi[keep], ai[keep], ti[keep], gi[keep]] = False
    return match
    ### END SOLUTION


def _interpolated_precision(tp: np.ndarray, fp: np.ndarray, n_gt: np.ndarray) -> np.ndarray:
    """Optional helper: the 101-point interpolated precision of ranked detection lists.

    Precision at rank i is ``tp / (tp + fp + eps)`` (pycocotools adds ``eps = np.spacing(1)``, which is why a
    perfect detector scores 0.9999999999999998 on a class with one ground truth; from two on, ``k / (k + eps)``
    is exactly 1.0), recall is ``tp / n_gt``. The envelope replaces each
    precision by the highest precision at any later rank; the curve is then sampled at each recall point
    r in RECALL_THRESHOLDS: the envelope's value at the first rank whose recall is >= r, or 0 if the recall
    never reaches r.

    Args:
        tp: (L, N) float64 cumulative true positives of L ranked lists of N detections (ignored ones left out
            of the counts).
        fp: (L, N) float64 cumulative false positives.
        n_gt: (L,) the number of regular (non-ignored) ground truths of each list (> 0).

    Returns:
        (L, R) float64 interpolated precision (R = 101).
    """
    ### BEGIN SOLUTION
    n_lists, n = tp.shape
    if n == 0:
        return np.zeros((n_lists, RECALL_THRESHOLDS.size))
    rc = tp / n_gt[:, None]
    pr = tp / (fp + tp + np.spacing(1))
    envelope = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1]
    # The first rank with rc >= r, for every row and recall point at once, is the number of ranks with
    # rc < r. A rank lies below the recall points from searchsorted(RECALL_THRESHOLDS, rc, "right") on, so a
    # per-row histogram of those positions, summed cumulatively, counts the ranks below every point.
    below_from = np.searchsorted(RECALL_THRESHOLDS, rc, side="right")  # (L, N) in 0..R
    n_pts = RECALL_THRESHOLDS.size + 1
    hist = np.bincount((below_from + n_pts * np.arange(n_lists)[:, None]).ravel(), minlength=n_lists * n_pts)
    first = np.cumsum(hist.reshape(n_lists, n_pts), axis=1)[:, :-1]  # (L, R)
    return np.where(first < n, np.take_along_axis(envelope, np.minimum(first, n - 1), axis=1), 0.0)
    ### END SOLUTION


def evaluate(ground_truths: list, detections: list) -> dict:
    """COCO box evaluation, as ``COCOeval(iouType="bbox")`` with default parameters.

    Args:
        ground_truths: one dict per image: ``"boxes"`` (G, 4), ``"labels"`` (G,) int, optionally
            ``"iscrowd"`` (G,) bool and ``"area"`` (G,) float (default: the box area).
        detections: one dict per image, same order: ``"boxes"`` (D, 4), ``"scores"`` (D,), ``"labels"`` (D,).

    Returns:
        dict with float values ``"AP"``, ``"AP50"``, ``"AP75"``, ``"APs"``, ``"APm"``, ``"APl"``, ``"AR1"``,
        ``"AR10"``, ``"AR100"``, ``"ARs"``, ``"ARm"``, ``"ARl"`` (-1.0 where undefined) and ``"per_class"``:
        {label: AP at IoU 0.50:0.95, all areas, 100 detections; -1.0 for a label without ground truth},
        for every label seen in either list.
    """
    ### BEGIN SOLUTION
    if len(ground_truths) != len(detections):
        raise ValueError("ground_truths and detections must have one entry per image each")
    gt, dt = _flatten(ground_truths, "gt"), _flatten(detections, "dt")
    labels = np.unique(np.concatenate([gt["labels"], dt["labels"]]))
    n_cls = labels.size
    # An (image, class) pair as one integer, so grouping by pair is a sort.
    gt_pair = gt["image"] * n_cls + np.searchsorted(labels, gt["labels"])
    dt_pair = dt["image"] * n_cls + np.searchsorted(labels, dt["labels"])

    # Ground truths grouped by pair, keeping their order within the image.
    order = np.argsort(gt_pair, kind="stable")
    gt_pair, gt_boxes, gt_crowd, gt_area = gt_pair[order], gt["boxes"][order], gt["iscrowd"][order], gt["area"][order]
    lo, hi = AREA_RANGES[:, 0], AREA_RANGES[:, 1]
    gt_ignore = gt_crowd[:, None] | (gt_area[:, None] < lo) | (gt_area[:, None] > hi)  # (NG, A)

    # Detections grouped by pair, by decreasing score within a pair (ties: position in the image), capped.
    order = np.argsort(-dt["scores"], kind="stable")
    order = order[np.argsort(dt_pair[order], kind="stable")]
    rank = _rank_in_group(dt_pair[order])
    order, rank = order[rank < MAX_DETS[-1]], rank[rank < MAX_DETS[-1]]
    dt_pair, dt_boxes, dt_scores = dt_pair[order], dt["boxes"][order], dt["scores"][order]
    dt_area = (dt_boxes[:, 2] - dt_boxes[:, 0]) * (dt_boxes[:, 3] - dt_boxes[:, 1])
    dt_outside = (dt_area[:, None] < lo) | (dt_area[:, None] > hi)  # (ND, A)

    matched, ignored = _match_detections(gt_pair, gt_boxes, gt_crowd, gt_ignore, dt_pair, rank, dt_boxes, dt_outside)
    n_gt = np.zeros((n_cls, len(AREA_RANGES)), dtype=np.int64)
    for a in range(len(AREA_RANGES)):
        n_gt[:, a] = np.bincount(gt_pair[~gt_ignore[:, a]] % n_cls, minlength=n_cls)
    precision, recall = _accumulate(dt_pair % n_cls, rank, dt_scores, matched, ignored, n_gt)
    return _summarize(labels, precision, recall)
    ### END SOLUTION


def _match_detections(gt_pair, gt_boxes, gt_crowd, gt_ignore, dt_pair, dt_rank, dt_boxes, dt_outside):
    """Optional helper: match the detections of every (image, class) pair: the IoU matrices, padded, then the
    greedy matching.

    Args:
        gt_pair: (NG,) int64 pair key of each ground truth, sorted (the pair's ground truths in image order).
        gt_boxes: (NG, 4) float64. gt_crowd: (NG,) bool. gt_ignore: (NG, A) bool, ignored per area range.
        dt_pair: (ND,) int64 pair key of each detection, sorted; within a pair by decreasing score, capped.
        dt_rank: (ND,) int64 position of each detection within its pair (0 = highest score).
        dt_boxes: (ND, 4) float64. dt_outside: (ND, A) bool: the detection's area is outside range a.

    Returns:
        matched: (ND, A, T) bool, the detection matched a ground truth at area range a and threshold t.
        ignored: (ND, A, T) bool, it does not count: matched to an ignored ground truth, or unmatched and
        outside the area range.
    """
    ### BEGIN SOLUTION
    n_area, n_thr = dt_outside.shape[1], IOU_THRESHOLDS.size
    matched = np.zeros((dt_pair.size, n_area, n_thr), dtype=bool)
    ignored = np.repeat(dt_outside[:, :, None], n_thr, axis=2)
    pairs, gt_first, gt_count = np.unique(gt_pair, return_index=True, return_counts=True)
    dt_pairs, dt_first, dt_count = np.unique(dt_pair, return_index=True, return_counts=True)
    both = np.isin(pairs, dt_pairs)  # only pairs with detections and ground truths can match anything
    pairs, gt_first, gt_count = pairs[both], gt_first[both], gt_count[both]
    at = np.searchsorted(dt_pairs, pairs)
    dt_first, dt_count = dt_first[at], dt_count[at]
    # Pairs with the same number of ground truths share one block, padded only in the detections.
    for n_gt in np.unique(gt_count):
        blk = np.flatnonzero(gt_count == n_gt)
        n_dt = dt_count[blk].max()
        g = gt_first[blk, None] + np.arange(n_gt)  # (P, G) ground-truth rows
        slot = np.arange(n_dt)
        real = slot < dt_count[blk, None]  # (P, D)
        d = np.where(real, dt_first[blk, None] + slot, 0)  # (P, D) detection rows (0 for padding)
        ious = _pair_iou(dt_boxes[d][:, :, None, :], gt_boxes[g][:, None, :, :], gt_crowd[g][:, None, :])
        ious[~real] = -1.0
        ignore = gt_ignore[g].transpose(0, 2, 1)  # (P, A, G)
        match = _greedy_match(ious, ignore, gt_crowd[g])[real]  # (n, A, T) slot or -1
        rows = d[real]
        found = match >= 0
        hit_ignored = np.take_along_axis(ignore[np.nonzero(real)[0]], np.maximum(match, 0), axis=2)
        matched[rows] = found
        ignored[rows] = np.where(found, hit_ignored, ignored[rows])
    return matched, ignored
    ### END SOLUTION


def _accumulate(dt_class, dt_rank, dt_scores, matched, ignored, n_gt):
    """Optional helper: pool every class's detections over the images and compute what the summary reads.

    Args:
        dt_class: (ND,) int64 class index of each detection, in (image, class, rank) order.
        dt_rank: (ND,) int64 position within its (image, class) pair by decreasing score.
        dt_scores: (ND,) float64.
        matched, ignored: (ND, A, T) bool, from the matching.
        n_gt: (K, A) int64 regular ground truths of each class in each area range.

    Returns:
        precision: (T, R, K, A) float64 interpolated precision with up to 100 detections per pair
            (pycocotools' ``eval["precision"][..., -1]``), -1 where n_gt is 0.
        recall: (T, K, A, M) float64 recall with up to MAX_DETS[m] detections per pair, -1 where n_gt is 0.
    """
    ### BEGIN SOLUTION
    n_cls, n_area = n_gt.shape
    n_thr, n_rec = IOU_THRESHOLDS.size, RECALL_THRESHOLDS.size
    # By class, then decreasing score; equal scores keep the (image, rank) order they come in.
    order = np.argsort(-dt_scores, kind="stable")
    order = order[np.argsort(dt_class[order], kind="stable")]
    start = np.searchsorted(dt_class[order], np.arange(n_cls + 1))
    rank = dt_rank[order]
    hit = matched.transpose(1, 2, 0)[:, :, order]  # (A, T, N) in pooled order, contiguous
    counted = ~ignored.transpose(1, 2, 0)[:, :, order]
    tp, fp = hit & counted, ~hit & counted
    defined = n_gt > 0
    precision = -np.ones((n_thr, n_rec, n_cls, n_area))
    recall = -np.ones((n_thr, n_cls, n_area, len(MAX_DETS)))
    for k in np.flatnonzero(defined.any(axis=1)):
        areas = np.flatnonzero(defined[k])
        seg = slice(start[k], start[k + 1])
        tp_k = np.cumsum(tp[areas, :, seg], axis=2).astype(float)  # (a, T, n)
        fp_k = np.cumsum(fp[areas, :, seg], axis=2).astype(float)
        n_k = tp_k.shape[2]
        q = _interpolated_precision(
            tp_k.reshape(areas.size * n_thr, n_k),
            fp_k.reshape(areas.size * n_thr, n_k),
            np.repeat(n_gt[k, areas], n_thr).astype(float),
        )
        precision[:, :, k, areas] = q.reshape(areas.size, n_thr, n_rec).transpose(1, 2, 0)
        # recall with the first max_det detections of each pair: those true positives over the ground truths
        for m, max_det in enumerate(MAX_DETS):
            within = rank[seg] < max_det
            n_tp = tp_k[..., -1] if n_k and within.all() else tp[areas, :, seg][..., within].sum(axis=2)
            recall[:, k, areas, m] = (n_tp / n_gt[k, areas, None]).T
    return precision, recall
    ### END SOLUTION


def _mean_defined(values: np.ndarray) -> float:
    """Optional helper: the mean of the entries > -1 (the defined ones), or -1.0 when there are none."""
    ### BEGIN SOLUTION
    values = values[values > -1]
    return float(np.mean(values)) if values.size else -1.0
    ### END SOLUTION


def _summarize(labels: np.ndarray, precision: np.ndarray, recall: np.ndarray) -> dict:
    """Optional helper: the twelve numbers of ``COCOeval.summarize()`` and the per-class AP.

    Args:
        labels: (K,) the class labels, in the order of the K axis.
        precision: (T, R, K, A) from :func:`_accumulate`.
        recall: (T, K, A, M) from :func:`_accumulate`.

    Returns:
        the dict :func:`evaluate` returns.
    """
    ### BEGIN SOLUTION
    t50, t75 = np.flatnonzero(IOU_THRESHOLDS == 0.5), np.flatnonzero(IOU_THRESHOLDS == 0.75)
    stats = [
        _mean_defined(precision[..., 0]),
        _mean_defined(precision[t50][..., 0]),
        _mean_defined(precision[t75][..., 0]),
        *(_mean_defined(precision[..., a]) for a in (1, 2, 3)),
        *(_mean_defined(recall[:, :, 0, m]) for m in (0, 1, 2)),
        *(_mean_defined(recall[:, :, a, 2]) for a in (1, 2, 3)),
    ]
    result = dict(zip(STAT_NAMES, stats))
    result["per_class"] = {int(label): _mean_defined(precision[:, :, k, 0]) for k, label in enumerate(labels)}
    return result
    ### END SOLUTION


def _flatten(entries: list, kind: str) -> dict:
    """Optional helper: concatenate the per-image dicts into flat float64 / int64 / bool arrays plus each
    row's image index.

    Returns:
        dict with ``"image"`` (N,) int64, ``"boxes"`` (N, 4) float64, ``"labels"`` (N,) int64, and for
        ``kind == "gt"`` ``"iscrowd"`` (N,) bool and ``"area"`` (N,) float64, for ``"dt"`` ``"scores"`` (N,).
    """
    ### BEGIN SOLUTION
    boxes = [np.asarray(e["boxes"], dtype=np.float64).reshape(-1, 4) for e in entries]
    counts = np.array([b.shape[0] for b in boxes], dtype=np.int64)
    out = {
        "image": np.repeat(np.arange(len(entries), dtype=np.int64), counts),
        "boxes": np.concatenate(boxes) if boxes else np.zeros((0, 4)),
        "labels": _cat([e["labels"] for e in entries], np.int64),
    }
    if kind == "dt":
        out["scores"] = _cat([e["scores"] for e in entries], np.float64)
        return out
    out["iscrowd"] = _cat(
        [e["iscrowd"] if e.get("iscrowd") is not None else np.zeros(len(b), bool) for e, b in zip(entries, boxes)],
        bool,
    )
    out["area"] = _cat(
        [
            e["area"] if e.get("area") is not None else (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
            for e, b in zip(entries, boxes)
        ],
        np.float64,
    )
    return out
    ### END SOLUTION


def _cat(arrays: list, dtype) -> np.ndarray:
    """Optional helper: concatenate 1-D array-likes into one (N,) array of ``dtype`` (empty input allowed)."""
    ### BEGIN SOLUTION
    if not arrays:
        return np.zeros(0, dtype=dtype)
    return np.concatenate([np.asarray(a, dtype=dtype).reshape(-1) for a in arrays])
    ### END SOLUTION


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """Optional helper: position of each element within its run of equal values.

    Args:
        group: (N,) sorted (grouped) integer keys.

    Returns:
        (N,) int64: 0 for the first element of each run, 1 for the next, and so on.
    """
    ### BEGIN SOLUTION
    n = group.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, group[1:] != group[:-1]]
    run_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    return np.arange(n, dtype=np.int64) - run_start
    ### END SOLUTION
