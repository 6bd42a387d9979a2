"""Visible tests for kata 01. Run them with ``.venv/bin/pytest exercises/01_iou``."""

import numpy as np
import pytest
from iou import box_area, box_iou, generalized_box_iou
from numpy.testing import assert_allclose

A = [0.0, 0.0, 2.0, 2.0]
B = [1.0, 1.0, 3.0, 3.0]
C = [4.0, 4.0, 5.0, 6.0]


def test_box_area():
    boxes = np.array([A, C, [1.0, 2.0, 1.0, 5.0]])
    assert_allclose(box_area(boxes), [4.0, 2.0, 0.0])


def test_iou_worked_example():
    # intersection [1,1,2,2] has area 1; union 4 + 4 - 1 = 7
    iou = box_iou(np.array([A]), np.array([B, C, A]))
    assert iou.shape == (1, 3)
    assert_allclose(iou, [[1 / 7, 0.0, 1.0]], rtol=1e-12)


def test_giou_worked_example():
    # A vs C: IoU 0, enclosing box [0,0,5,6] has area 30, union 4 + 2 = 6: GIoU = 0 - 24/30
    giou = generalized_box_iou(np.array([A]), np.array([B, C]))
    assert_allclose(giou, [[1 / 7 - 2 / 9, -0.8]], rtol=1e-12)


def test_touching_boxes_do_not_overlap():
    # With continuous coordinates (no "+1"), boxes that share an edge have IoU exactly 0.
    iou = box_iou(np.array([[0.0, 0.0, 9.0, 9.0]]), np.array([[9.0, 0.0, 18.0, 9.0]]))
    assert iou[0, 0] == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_empty_shapes(dtype):
    boxes = np.array([A, B], dtype=dtype)
    empty = np.zeros((0, 4), dtype=dtype)
    assert box_iou(boxes, boxes).dtype == dtype
    assert box_iou(empty, boxes).shape == (0, 2)
    assert generalized_box_iou(boxes, empty).shape == (2, 0)


def test_zero_area_pair_gives_zero_not_nan():
    point = np.array([[1.0, 1.0, 1.0, 1.0]])
    assert box_iou(point, point)[0, 0] == 0.0
