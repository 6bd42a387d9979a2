"""Hidden tests for kata 07: live agreement with pycocotools' COCOeval(iouType="bbox") on random datasets full
of edge cases and on targeted cases, plus the numba baseline on a larger detector-like dataset."""

import numpy as np
import pytest
from coco_map import evaluate

from grader.baselines import coco_map as baseline

KEYS = baseline.STAT_NAMES


def agree(ground_truths, detections, what):
    expected = baseline.pycocotools_evaluate(ground_truths, detections)
    got = evaluate(ground_truths, detections)
    assert isinstance(got, dict), f"{what}: evaluate must return a dict, got {type(got).__name__}"
    bad = baseline.differences(got, expected)
    assert not bad, f"{what}: {len(bad)} values differ from pycocotools; " + "; ".join(
        f"{k}: got {g!r}, expected {e!r}" for k, g, e in bad[:3]
    )
    return got


def gt(boxes, labels, **extra):
    return {"boxes": np.array(boxes, dtype=float).reshape(-1, 4), "labels": np.array(labels, dtype=np.int64), **extra}


def det(boxes, scores, labels):
    return {
        "boxes": np.array(boxes, dtype=float).reshape(-1, 4),
        "scores": np.array(scores, dtype=float),
        "labels": np.array(labels, dtype=np.int64),
    }


@pytest.mark.parametrize("seed", range(40))
def test_random_datasets_agree_with_pycocotools(seed):
    rng = np.random.default_rng([7, seed])
    big = seed % 4 == 0
    data = baseline.random_dataset(
        rng,
        n_images=int(rng.integers(1, 25 if big else 8)),
        n_classes=int(rng.integers(1, 6)),
        max_gt=int(rng.integers(1, 12)),
        max_dt=int(rng.integers(1, 30)),
    )
    agree(*data, what=f"random dataset {seed}")


def test_detector_like_dataset_agrees_with_pycocotools():
    data = baseline.realistic_dataset(np.random.default_rng(71), 60, 6, 7.0, 60.0)
    agree(*data, what="60 detector-like images")


def test_larger_dataset_agrees_with_the_baseline():
    ground_truths, detections = baseline.realistic_dataset(np.random.default_rng(72), 300, 15, 8.0, 90.0)
    bad = baseline.differences(evaluate(ground_truths, detections), baseline.evaluate(ground_truths, detections))
    assert not bad, f"300 images, 15 classes: {len(bad)} values differ; first {bad[0]}"


def test_perfect_detector():
    boxes = [[0, 0, 20, 20], [0, 0, 50, 50], [100, 100, 300, 300]]
    r = agree([gt(boxes, [1, 1, 2])], [det(boxes, [0.9, 0.8, 0.7], [1, 1, 2])], "a perfect detector")
    assert abs(r["AP"] - 1.0) < 1e-12, (
        "a perfect detector scores 1 (pycocotools: 0.9999999999999998 for a class of one object)"
    )


def test_iou_exactly_at_thresholds():
    # heights 10, 7.5, 5.5 of a 10x10 box: IoU 1.0, 0.75, 0.55 exactly
    truths = [gt([[0, 0, 10, 10]], [1]) for _ in range(3)]
    found = [det([[0, 0, 10, h]], [0.5], [1]) for h in (10, 7.5, 5.5)]
    agree(truths, found, "IoU equal to a threshold matches")


def test_area_range_bounds():
    boxes = [[0, 0, 32, 32], [0, 100, 96, 196], [200, 0, 216, 64], [300, 300, 331, 333]]
    areas = np.array([32.0**2, 96.0**2, 32.0**2 * 3, 96.0**2])  # explicit areas, some on the bounds
    truths = [gt(boxes, [1, 1, 2, 2]), gt(boxes, [1, 1, 2, 2], area=areas)]
    found = [
        det(boxes + [[400, 400, 432, 432], [500, 0, 596, 96]], [0.9, 0.8, 0.7, 0.6, 0.95, 0.85], [1, 1, 2, 2, 1, 2])
    ] * 2
    agree(truths, found, "boxes and areas exactly on the area-range bounds")


def test_crowd_regions():
    truth = gt([[0, 0, 100, 100], [50, 50, 250, 250], [300, 0, 340, 40]], [1, 1, 1], iscrowd=np.array([0, 1, 0], bool))
    found = det(
        [
            [0, 0, 100, 100],
            [60, 60, 120, 120],
            [100, 100, 240, 240],
            [55, 55, 100, 100],
            [300, 0, 340, 40],
            [10, 10, 90, 90],
            [700, 700, 800, 800],
        ],
        [0.9, 0.85, 0.8, 0.8, 0.7, 0.6, 0.5],
        [1] * 7,
    )
    agree([truth], [found], "a crowd region absorbing several detections")
    truth = gt([[0, 0, 100, 100], [0, 0, 100, 100]], [1, 1], iscrowd=np.array([1, 0], bool))
    agree(
        [truth], [det([[0, 0, 100, 100], [0, 0, 100, 100]], [0.9, 0.8], [1, 1])], "a regular box under a crowd region"
    )


def test_ground_truth_ignored_for_its_area_is_used_up_once_matched():
    # In "medium", the 100x100 object (area 10000 > 96**2) is ignored. The first 90x90 detection (IoU 0.81, area
    # 8100: medium) matches it and is ignored; the second finds it used up (only crowds stay free), matches
    # nothing and, being medium itself, is a false positive: APm 0.45, not the 0.8 of a ground truth left free.
    truth = gt([[0, 0, 100, 100], [200, 200, 250, 250]], [1, 1])
    found = det([[0, 0, 90, 90], [10, 10, 100, 100], [200, 200, 250, 250]], [0.9, 0.8, 0.7], [1, 1, 1])
    r = agree([truth], [found], "two detections on a ground truth too large for medium")
    assert abs(r["APm"] - 0.45) < 1e-12, f"APm {r['APm']!r}: an ignored ground truth, once matched, is used up"
    # the same through the area field: a 40x40 box whose (segmentation) area 900 makes it small, ignored in
    # "medium", where the two 40x40 detections on it count
    truth = gt([[0, 0, 40, 40], [100, 100, 150, 150]], [3, 3], area=np.array([900.0, 2500.0]))
    found = det([[0, 0, 40, 40], [0, 0, 40, 40], [100, 100, 150, 150]], [0.9, 0.8, 0.7], [3, 3, 3])
    agree([truth], [found], "two detections on a ground truth whose area field is out of the range")


def test_one_detection_overlapping_several_ground_truths():
    # the first detection has the same IoU with both ground truths; the later one wins, which leaves the first
    # free for the second detection
    truth = gt([[0, 0, 100, 100], [20, 0, 120, 100]], [1, 1])
    found = det([[10, 0, 110, 100], [0, 0, 90, 100]], [0.9, 0.8], [1, 1])
    agree([truth], [found], "equal IoU with two ground truths")
    truth = gt([[0, 0, 100, 100], [10, 0, 110, 100], [40, 0, 140, 100]], [1, 1, 1])
    found = det([[10, 0, 110, 100], [5, 0, 105, 100], [30, 0, 130, 100]], [0.9, 0.8, 0.7], [1, 1, 1])
    agree([truth], [found], "a detection takes the best free ground truth")


def test_detection_cap_is_per_image_and_class():
    rng = np.random.default_rng(73)
    xy = rng.integers(0, 400, (150, 2)).astype(float)
    boxes = np.concatenate([xy, xy + rng.integers(10, 80, (150, 2))], axis=1)
    labels = np.where(np.arange(150) < 80, 1, 2)  # 80 + 70 detections: over 100 per image, under per class
    truth = gt(boxes[::5], labels[::5])
    agree([truth], [det(boxes, rng.random(150), labels)], "150 detections of two classes in one image")
    agree([truth], [det(boxes, rng.random(150), np.ones(150, int))], "150 detections of one class in one image")


def test_equal_scores_within_and_across_images():
    rng = np.random.default_rng(74)
    truths, found = [], []
    for _ in range(4):
        xy = rng.integers(0, 300, (40, 2)).astype(float)
        boxes = np.concatenate([xy, xy + 40], axis=1)
        truths.append(gt(boxes[:12], np.ones(12, int)))
        found.append(det(boxes[rng.permutation(40)], np.full(40, 0.5), np.ones(40, int)))
    agree(truths, found, "40 detections per image, all with the same score")


def test_images_without_detections_or_ground_truth():
    truths = [gt([[0, 0, 50, 50]], [1]), gt(np.zeros((0, 4)), []), gt([[0, 0, 10, 10]], [2])]
    found = [det(np.zeros((0, 4)), [], []), det([[0, 0, 50, 50]], [0.3], [1]), det(np.zeros((0, 4)), [], [])]
    agree(truths, found, "images without detections or without ground truth")
    agree(truths, [det(np.zeros((0, 4)), [], [])] * 3, "no detections at all")
    agree([gt(np.zeros((0, 4)), [])] * 2, [det([[0, 0, 5, 5]], [0.2], [4])] * 2, "no ground truth at all")


def test_empty_dataset():
    r = evaluate([gt(np.zeros((0, 4)), [])], [det(np.zeros((0, 4)), [], [])])
    assert all(r[k] == -1.0 for k in KEYS), "with no ground truth every number is undefined (-1.0)"
    assert r["per_class"] == {}, "no labels seen: per_class must be empty"


def test_arbitrary_label_values():
    truths = [gt([[0, 0, 50, 50], [60, 60, 100, 100]], [0, -3]), gt([[0, 0, 40, 40]], [1000])]
    found = [
        det([[0, 0, 50, 50], [60, 60, 100, 90]], [0.4, 0.6], [0, -3]),
        det([[0, 0, 40, 40], [5, 5, 9, 9]], [0.9, 0.1], [1000, 12]),
    ]
    r = agree(truths, found, "labels 0, negative and large")
    assert all(isinstance(k, (int, np.integer)) for k in r["per_class"]), "per_class keys must be the integer labels"


def test_float32_inputs_and_optional_keys():
    rng = np.random.default_rng(75)
    ground_truths, detections = baseline.random_dataset(
        rng, n_images=6, n_classes=3, max_gt=8, max_dt=20, dtype=np.float32
    )
    for g in ground_truths:
        g.pop("iscrowd", None)
        g.pop("area", None)
    got = agree(ground_truths, detections, "float32 boxes and scores, no iscrowd or area keys")
    assert all(type(got[k]) is float for k in KEYS), "the twelve numbers must be Python floats"


def test_inputs_are_not_modified():
    rng = np.random.default_rng(76)
    ground_truths, detections = baseline.random_dataset(rng, n_images=5, n_classes=3)
    copies = [{k: np.array(v, copy=True) for k, v in e.items()} for e in ground_truths + detections]
    evaluate(ground_truths, detections)
    for before, after in zip(copies, ground_truths + detections):
        for k in before:
            assert np.array_equal(before[k], after[k]), f"evaluate modified the input's {k!r}"


def test_recall_per_max_dets():
    # several objects and detections per image and class: AR1 < AR10 < AR100
    rng = np.random.default_rng(77)
    truths, found = [], []
    for _ in range(3):
        xy = rng.integers(0, 500, (30, 2)).astype(float)
        boxes = np.concatenate([xy, xy + rng.integers(20, 60, (30, 2))], axis=1)
        truths.append(gt(boxes, np.ones(30, int)))
        found.append(det(boxes + rng.integers(-3, 4, (30, 4)), rng.random(30), np.ones(30, int)))
    r = agree(truths, found, "30 objects per image")
    assert r["AR1"] < r["AR10"] < r["AR100"], "AR1, AR10 and AR100 use 1, 10 and 100 detections per image and class"
