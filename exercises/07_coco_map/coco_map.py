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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _mean_defined(values: np.ndarray) -> float:
    """Optional helper: the mean of the entries > -1 (the defined ones), or -1.0 when there are none."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _summarize(labels: np.ndarray, precision: np.ndarray, recall: np.ndarray) -> dict:
    """Optional helper: the twelve numbers of ``COCOeval.summarize()`` and the per-class AP.

    Args:
        labels: (K,) the class labels, in the order of the K axis.
        precision: (T, R, K, A) from :func:`_accumulate`.
        recall: (T, K, A, M) from :func:`_accumulate`.

    Returns:
        the dict :func:`evaluate` returns.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def _flatten(entries: list, kind: str) -> dict:
    """Optional helper: concatenate the per-image dicts into flat float64 / int64 / bool arrays plus each
    row's image index.

    Returns:
        dict with ``"image"`` (N,) int64, ``"boxes"`` (N, 4) float64, ``"labels"`` (N,) int64, and for
        ``kind == "gt"`` ``"iscrowd"`` (N,) bool and ``"area"`` (N,) float64, for ``"dt"`` ``"scores"`` (N,).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def _cat(arrays: list, dtype) -> np.ndarray:
    """Optional helper: concatenate 1-D array-likes into one (N,) array of ``dtype`` (empty input allowed)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """Optional helper: position of each element within its run of equal values.

    Args:
        group: (N,) sorted (grouped) integer keys.

    Returns:
        (N,) int64: 0 for the first element of each run, 1 for the next, and so on.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
