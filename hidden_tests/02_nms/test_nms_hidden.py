"""Hidden tests for kata 02: golden results from torchvision, edge cases, dtypes, and the numba baseline."""

from pathlib import Path

import numpy as np
import pytest
from nms import batched_nms, nms

from grader.baselines import nms as baseline
from grader.grading.checks import check_array, check_indices

GOLDEN = np.load(Path(__file__).with_name("golden.npz"))
CASES = [str(c) for c in GOLDEN["cases"]]


def golden(case):
    g = {k: GOLDEN[f"{case}/{k}"] for k in ("boxes", "scores", "classes", "keep", "keep_batched")}
    return g, float(GOLDEN[f"{case}/threshold"])


@pytest.mark.parametrize("case", CASES)
def test_golden_nms(case):
    g, threshold = golden(case)
    check_indices(nms(g["boxes"], g["scores"], threshold), g["keep"], what=f"nms on the {case} case")


@pytest.mark.parametrize("case", CASES)
def test_golden_batched_nms(case):
    g, threshold = golden(case)
    got = batched_nms(g["boxes"], g["scores"], g["classes"], threshold)
    check_indices(got, g["keep_batched"], what=f"batched_nms on the {case} case")


def test_empty():
    for dtype in (np.float32, np.float64):
        check_indices(nms(np.zeros((0, 4), dtype), np.zeros(0, dtype), 0.5), np.zeros(0), what="nms of no boxes")
        check_indices(
            batched_nms(np.zeros((0, 4), dtype), np.zeros(0, dtype), np.zeros(0, np.int64), 0.5),
            np.zeros(0),
            what="batched_nms of no boxes",
        )


def test_single_box():
    box = np.array([[1.0, 2.0, 3.0, 4.0]], np.float32)
    check_indices(nms(box, np.array([0.3], np.float32), 0.5), [0], what="nms of one box")
    check_indices(batched_nms(box, np.array([0.3], np.float32), np.array([4]), 0.5), [0], what="batched_nms of one box")


def test_iou_equal_to_threshold_is_kept():
    boxes = np.array([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 5.0]])  # IoU exactly 0.5
    scores = np.array([0.9, 0.8])
    check_indices(nms(boxes, scores, 0.5), [0, 1], what="IoU == threshold (not strictly greater)")
    check_indices(nms(boxes, scores, 0.49), [0], what="IoU just above the threshold")


def test_only_kept_boxes_suppress():
    # A suppresses B; B would suppress C, but B is gone and A barely touches C, so C stays.
    boxes = np.array([[0.0, 0.0, 10.0, 10.0], [4.0, 0.0, 14.0, 10.0], [8.0, 0.0, 18.0, 10.0]])
    scores = np.array([0.9, 0.8, 0.7])
    check_indices(nms(boxes, scores, 0.4), [0, 2], what="a suppressed box must not suppress others")


def test_equal_scores_lower_index_first():
    boxes = np.array([[0.0, 0.0, 10.0, 10.0]] * 4 + [[50.0, 50.0, 60.0, 60.0]] * 3)
    scores = np.array([0.5, 0.7, 0.7, 0.5, 0.5, 0.5, 0.7])
    check_indices(nms(boxes, scores, 0.5), [1, 6], what="ties: the lower index wins")
    check_indices(nms(boxes, np.ones(7), 0.99), [0, 4], what="all scores equal")


def test_many_ties_stable_order():
    rng = np.random.default_rng(11)
    boxes, _, _ = baseline.clustered_boxes(rng, 2000, clusters=300, dtype=np.float64)
    scores = rng.integers(0, 3, size=2000).astype(np.float64)
    check_indices(nms(boxes, scores, 0.6), baseline.nms(boxes, scores, 0.6), what="nms with many tied scores")


def test_threshold_zero_and_one():
    touching = np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 2.0, 1.0], [0.5, 0.5, 1.5, 1.5]])
    scores = np.array([0.9, 0.8, 0.1])
    check_indices(nms(touching, scores, 0.0), [0, 1], what="threshold 0: touching boxes (IoU 0) both stay")
    same = np.array([[0.0, 0.0, 1.0, 1.0]] * 3)
    check_indices(nms(same, np.array([0.1, 0.3, 0.2]), 1.0), [1, 2, 0], what="threshold 1: nothing is suppressed")


def test_degenerate_boxes_are_never_suppressed():
    boxes = np.array([[2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 4.0, 4.0]])
    check_indices(nms(boxes, np.array([0.9, 0.8, 0.7]), 0.3), [0, 1, 2], what="zero-area boxes")


def test_float32_result_and_inputs_untouched():
    rng = np.random.default_rng(12)
    boxes, scores, _ = baseline.clustered_boxes(rng, 500, clusters=20)
    b, s = boxes.copy(), scores.copy()
    check_indices(nms(boxes, scores, 0.5), baseline.nms(boxes, scores, 0.5), what="nms on float32 input")
    check_array(boxes, b, what="boxes after nms (inputs must not be modified)", rtol=0)
    check_array(scores, s, what="scores after nms (inputs must not be modified)", rtol=0)


def test_batched_negative_coordinates_identical_boxes():
    # the coordinate-offset trick (offset = class * (max + 1)) breaks here: these must not suppress
    boxes = np.array([[-100.0, -100.0, 5.0, 5.0], [-100.0, -100.0, 5.0, 5.0], [-100.0, -100.0, 5.0, 5.0]])
    scores = np.array([0.9, 0.8, 0.7])
    check_indices(
        batched_nms(boxes, scores, np.array([0, 1, 0]), 0.5), [0, 1], what="batched_nms, negative coordinates"
    )


def test_batched_classes_apart_on_a_large_image():
    # in a 4000-pixel image, a fixed offset per class (say class * 1000, added to every coordinate) moves a
    # class-1 box onto a class-0 box 1000 pixels away on both axes, and a class-2 box onto one 2000 pixels away
    boxes = np.array(
        [[2000.0, 1500, 2400, 1900], [1000, 500, 1400, 900], [2100, 2300, 2500, 2700], [100, 300, 500, 700]]
    )
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    check_indices(
        batched_nms(boxes, scores, np.array([0, 1, 0, 2]), 0.5),
        [0, 1, 2, 3],
        what="batched_nms, boxes of three classes 1000 and 2000 pixels apart",
    )
    rng = np.random.default_rng(14)
    boxes, scores, cluster = baseline.clustered_boxes(rng, 1500, clusters=60)
    boxes *= np.float32(4.0)  # coordinates up to about 4800
    classes = np.where(rng.uniform(size=1500) < 0.6, cluster % 9, rng.integers(0, 9, size=1500))
    check_indices(
        batched_nms(boxes, scores, classes, 0.5),
        baseline.batched_nms(boxes, scores, classes, 0.5),
        what="batched_nms, 1500 boxes of 9 classes in a 4800-pixel image",
    )


def test_batched_order_across_classes():
    boxes = np.array([[0.0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 10], [40, 40, 50, 50]])
    scores = np.array([0.2, 0.9, 0.2, 0.5])
    classes = np.array([3, 1, 2, 3], dtype=np.int32)
    check_indices(batched_nms(boxes, scores, classes, 0.5), [1, 3, 0, 2], what="batched_nms result order")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_against_baseline(dtype):
    rng = np.random.default_rng(13)
    boxes, scores, cluster = baseline.clustered_boxes(rng, 4000, clusters=80, dtype=dtype)
    classes = np.where(rng.uniform(size=4000) < 0.7, cluster % 11, rng.integers(0, 11, size=4000))
    for threshold in (0.3, 0.55):
        check_indices(
            nms(boxes, scores, threshold), baseline.nms(boxes, scores, threshold), what=f"nms, 4000 boxes, {threshold}"
        )
        check_indices(
            batched_nms(boxes, scores, classes, threshold),
            baseline.batched_nms(boxes, scores, classes, threshold),
            what=f"batched_nms, 4000 boxes, 11 classes, {threshold}",
        )
