"""Visible tests for kata 07. Run them with ``.venv/bin/pytest exercises/07_coco_map``."""

import numpy as np
import pytest
from coco_map import evaluate

KEYS = ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")


def gt(boxes, labels, **extra):
    return {"boxes": np.array(boxes, dtype=float).reshape(-1, 4), "labels": np.array(labels, dtype=np.int64), **extra}


def det(boxes, scores, labels):
    return {
        "boxes": np.array(boxes, dtype=float).reshape(-1, 4),
        "scores": np.array(scores, dtype=float),
        "labels": np.array(labels, dtype=np.int64),
    }


def approx(x):
    return pytest.approx(x, abs=1e-12)


def test_perfect_detector():
    boxes = [[0, 0, 50, 50], [100, 100, 300, 300]]  # areas 2500 (medium) and 40000 (large)
    r = evaluate([gt(boxes, [1, 2])], [det(boxes, [0.9, 0.8], [1, 2])])
    assert set(KEYS) <= set(r) and set(r["per_class"]) == {1, 2}
    # one object per class, and pycocotools divides by tp + fp + eps: its AP of "1" is 0.9999999999999998 here
    for key in ("AP", "AP50", "AP75", "APm", "APl", "AR1", "AR10", "AR100", "ARm", "ARl"):
        assert r[key] == approx(1.0), key
    assert r["APs"] == -1.0 and r["ARs"] == -1.0  # no small object: undefined, not 0
    assert isinstance(r["AP"], float)


def test_worked_example_tp_fp_tp():
    # two objects; ranked detections: hit, miss, hit
    truth = gt([[0, 0, 100, 100], [200, 0, 300, 100]], [1, 1])
    found = det([[0, 0, 100, 100], [500, 500, 600, 600], [200, 0, 300, 100]], [0.9, 0.8, 0.7], [1, 1, 1])
    r = evaluate([truth], [found])
    # precision envelope: 1 up to recall 0.5 (51 points), 2/3 up to recall 1 (50 points)
    ap = (51 * 1.0 + 50 * 2 / 3) / 101
    assert r["AP50"] == approx(ap) and r["AP"] == approx(ap)
    assert r["AR1"] == approx(0.5)  # only the best detection of the (image, class) counts
    assert r["AR10"] == approx(1.0)


def test_iou_equal_to_the_threshold_matches():
    truth = gt([[0, 0, 40, 40]], [3])
    found = det([[0, 0, 40, 20]], [0.5], [3])  # IoU exactly 0.5
    r = evaluate([truth], [found])
    assert r["AP50"] == approx(1.0) and r["AP75"] == 0.0
    assert r["AP"] == approx(0.1)  # matched at 1 of the 10 thresholds


def test_crowd_region_absorbs_detections():
    truth = gt([[0, 0, 100, 100], [200, 200, 400, 400]], [1, 1], iscrowd=np.array([False, True]))
    # the object is found; three boxes inside the crowd region are neither hits nor misses
    found = det(
        [[0, 0, 100, 100], [210, 210, 260, 260], [300, 300, 390, 390], [200, 200, 400, 400]],
        [0.6, 0.9, 0.8, 0.7],
        [1, 1, 1, 1],
    )
    r = evaluate([truth], [found])
    assert r["AP"] == approx(1.0) and r["AR100"] == approx(1.0)


def test_area_bounds_are_inclusive():
    truth = gt([[0, 0, 32, 32]], [1])  # area exactly 32**2: both small and medium
    r = evaluate([truth], [det([[0, 0, 32, 32]], [0.7], [1])])
    assert r["APs"] == approx(1.0) and r["APm"] == approx(1.0) and r["APl"] == -1.0


def test_class_without_ground_truth_is_undefined():
    truth = gt([[0, 0, 64, 64]], [1])
    found = det([[0, 0, 64, 64], [100, 100, 150, 150]], [0.9, 0.95], [1, 7])
    r = evaluate([truth], [found])
    assert r["per_class"][7] == -1.0
    assert r["per_class"][1] == approx(1.0)
    assert r["AP"] == approx(1.0)  # the undefined class is left out of the mean, not counted as 0


def test_equal_scores_follow_image_order():
    a, b = [0, 0, 50, 50], [100, 100, 150, 150]
    truths = [gt([a], [1]), gt([a], [1])]
    hit, miss = det([a], [0.5], [1]), det([b], [0.5], [1])
    # same score in both images: the first image's detection is ranked first
    assert evaluate(truths, [hit, miss])["AP50"] == approx(51 / 101)
    assert evaluate(truths, [miss, hit])["AP50"] == approx(51 * 0.5 / 101)


def test_images_without_detections_and_empty_data():
    truth = [gt([[0, 0, 50, 50]], [2]), gt(np.zeros((0, 4)), [])]
    r = evaluate(truth, [det(np.zeros((0, 4)), [], []), det(np.zeros((0, 4)), [], [])])
    assert r["AP"] == 0.0 and r["AR100"] == 0.0 and r["per_class"] == {2: 0.0}
    r = evaluate([gt(np.zeros((0, 4)), [])], [det(np.zeros((0, 4)), [], [])])
    assert all(r[k] == -1.0 for k in KEYS) and r["per_class"] == {}
