"""Hidden tests for kata 01: golden values from torchvision, edge cases, dtypes, and the Cython baseline."""

from pathlib import Path

import numpy as np
import pytest
from iou import box_area, box_iou, generalized_box_iou

from grader.baselines import iou as baseline
from grader.grading.checks import check_array

GOLDEN = np.load(Path(__file__).with_name("golden.npz"))
CASES = [str(c) for c in GOLDEN["cases"]]
FUNCTIONS = {"iou": box_iou, "giou": generalized_box_iou}
F32_FLOOR = 1e-6  # float32 rounding of one IoU computed in another order of operations


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fn", ["iou", "giou"])
def test_golden_float64(case, fn):
    b1, b2 = GOLDEN[f"{case}/boxes1"], GOLDEN[f"{case}/boxes2"]
    got = FUNCTIONS[fn](b1, b2)
    check_array(
        got, GOLDEN[f"{case}/{fn}"], what=f"{fn} on the {case} case (float64)", rtol=1e-9, atol=1e-12, dtype=np.float64
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fn", ["iou", "giou"])
def test_golden_float32(case, fn):
    b1, b2 = GOLDEN[f"{case}/boxes1"].astype(np.float32), GOLDEN[f"{case}/boxes2"].astype(np.float32)
    got = FUNCTIONS[fn](b1, b2)
    tol = max(2 * float(GOLDEN[f"{case}/{fn}_float32_error"]), F32_FLOOR)
    check_array(
        got, GOLDEN[f"{case}/{fn}"], what=f"{fn} on the {case} case (float32)", rtol=0, atol=tol, dtype=np.float32
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_empty_inputs(dtype):
    some = np.array([[0, 0, 1, 1], [1, 1, 3, 4]], dtype=dtype)
    empty = np.zeros((0, 4), dtype=dtype)
    check_array(box_area(empty), np.zeros(0), what="box_area of no boxes", dtype=dtype)
    for name, fn in FUNCTIONS.items():
        check_array(fn(empty, some), np.zeros((0, 2)), what=f"{name} of (0,4) and (2,4) boxes", dtype=dtype)
        check_array(fn(some, empty), np.zeros((2, 0)), what=f"{name} of (2,4) and (0,4) boxes", dtype=dtype)
        check_array(fn(empty, empty), np.zeros((0, 0)), what=f"{name} of two empty arrays", dtype=dtype)


def test_box_area_dtypes_and_degenerate():
    boxes = np.array([[0, 0, 2, 3], [5, 5, 5, 9], [1, 1, 1, 1], [0.5, 0.25, 1.0, 1.0]])
    for dtype in (np.float32, np.float64):
        check_array(
            box_area(boxes.astype(dtype)), [6.0, 0.0, 0.0, 0.375], what=f"box_area ({np.dtype(dtype)})", dtype=dtype
        )


def test_mixed_dtypes_give_float64():
    a = np.array([[0, 0, 2, 2]], dtype=np.float32)
    b = np.array([[1, 1, 3, 3]], dtype=np.float64)
    check_array(box_iou(a, b), [[1 / 7]], what="box_iou(float32, float64)", dtype=np.float64, rtol=1e-7)
    check_array(
        generalized_box_iou(b, a),
        [[1 / 7 - 2 / 9]],
        what="generalized_box_iou(float64, float32)",
        dtype=np.float64,
        rtol=1e-7,
    )


def test_single_identical_box():
    box = np.array([[3.5, 2.0, 7.25, 9.0]])
    check_array(box_iou(box, box), [[1.0]], what="IoU of a box with itself")
    check_array(generalized_box_iou(box, box), [[1.0]], what="GIoU of a box with itself")


def test_degenerate_pairs():
    point_a = [2.0, 2.0, 2.0, 2.0]
    point_b = [5.0, 6.0, 5.0, 6.0]
    line = [0.0, 4.0, 10.0, 4.0]
    boxes = np.array([point_a, point_b, line])
    check_array(box_iou(boxes, boxes), np.zeros((3, 3)), what="IoU among zero-area boxes (union 0)")
    # distinct degenerate boxes with an enclosing box of positive area: GIoU -1; identical points: 0
    expected = np.array([[0.0, -1.0, -1.0], [-1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    check_array(generalized_box_iou(boxes, boxes), expected, what="GIoU among zero-area boxes")


def test_giou_of_degenerate_boxes_on_one_line():
    # distinct points (and segments) on one horizontal or vertical line: U = 0 and C = 0, so GIoU 0, not -1
    boxes = np.array(
        [
            [1.0, 1.0, 1.0, 1.0],
            [3.0, 1.0, 3.0, 1.0],
            [1.0, 5.0, 1.0, 5.0],  # points; (3, 1) and (1, 5) share a line with (1, 1)
            [0.0, 4.0, 10.0, 4.0],
            [5.0, 4.0, 20.0, 4.0],  # two segments on the line y = 4
        ]
    )
    expected = np.array(
        [
            [0.0, 0.0, 0.0, -1.0, -1.0],
            [0.0, 0.0, -1.0, -1.0, -1.0],
            [0.0, -1.0, 0.0, -1.0, -1.0],
            [-1.0, -1.0, -1.0, 0.0, 0.0],
            [-1.0, -1.0, -1.0, 0.0, 0.0],
        ]
    )
    for dtype in (np.float32, np.float64):
        check_array(
            box_iou(boxes.astype(dtype), boxes.astype(dtype)),
            np.zeros((5, 5)),
            what=f"IoU among points and segments ({np.dtype(dtype)})",
            dtype=dtype,
        )
        check_array(
            generalized_box_iou(boxes.astype(dtype), boxes.astype(dtype)),
            expected,
            what=f"GIoU among points and segments, some on one line ({np.dtype(dtype)})",
            dtype=dtype,
        )


def test_touching_and_nested():
    a = np.array([[0.0, 0.0, 9.0, 9.0]])
    others = np.array([[9.0, 0.0, 18.0, 9.0], [0.0, 9.0, 9.0, 18.0], [3.0, 3.0, 6.0, 6.0]])
    check_array(box_iou(a, others), [[0.0, 0.0, 9 / 81]], what="IoU of touching and nested boxes")
    check_array(generalized_box_iou(a, others), [[0.0, 0.0, 9 / 81]], what="GIoU of touching and nested boxes")


def test_disjoint_on_both_axes_is_not_an_overlap():
    # negative width times negative height is positive: the clamps must come before the product
    a = np.array([[0.0, 0.0, 1.0, 1.0]])
    b = np.array([[3.0, 3.0, 4.0, 4.0]])
    check_array(box_iou(a, b), [[0.0]], what="IoU of boxes apart on both axes")
    check_array(generalized_box_iou(a, b), [[2 / 16 - 1]], what="GIoU of boxes apart on both axes")


def test_symmetry_and_inputs_untouched():
    rng = np.random.default_rng(7)
    a, b = baseline.random_boxes(rng, 37, np.float64), baseline.random_boxes(rng, 23, np.float64)
    a_copy, b_copy = a.copy(), b.copy()
    for name, fn in FUNCTIONS.items():
        check_array(fn(b, a), fn(a, b).T, what=f"{name}(b, a) against {name}(a, b).T", rtol=1e-12, atol=1e-15)
    check_array(a, a_copy, what="boxes1 after the call (inputs must not be modified)", rtol=0)
    check_array(b, b_copy, what="boxes2 after the call (inputs must not be modified)", rtol=0)


def test_non_contiguous_input():
    rng = np.random.default_rng(8)
    a = baseline.random_boxes(rng, 80, np.float64)[::2]
    b = np.asfortranarray(baseline.random_boxes(rng, 30, np.float64))
    check_array(box_iou(a, b), baseline.box_iou(a, b), what="box_iou on strided input", rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_random_against_baseline(dtype):
    rng = np.random.default_rng(9)
    a, b = baseline.random_boxes(rng, 700, dtype), baseline.random_boxes(rng, 900, dtype)
    tol = 1e-12 if dtype == np.float64 else 2e-6
    check_array(
        box_iou(a, b),
        baseline.box_iou(a, b),
        what=f"box_iou 700x900 ({np.dtype(dtype)})",
        rtol=0,
        atol=tol,
        dtype=dtype,
    )
    check_array(
        generalized_box_iou(a, b),
        baseline.generalized_box_iou(a, b),
        what=f"generalized_box_iou 700x900 ({np.dtype(dtype)})",
        rtol=0,
        atol=tol,
        dtype=dtype,
    )
