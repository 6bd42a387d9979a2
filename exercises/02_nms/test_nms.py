"""Visible tests for kata 02. Run them with ``.venv/bin/pytest exercises/02_nms``."""

import numpy as np
from nms import batched_nms, nms
from numpy.testing import assert_array_equal

BOXES = np.array(
    [
        [0.0, 0.0, 10.0, 10.0],  # 0
        [1.0, 1.0, 11.0, 11.0],  # 1: IoU with 0 is 81/119 = 0.68
        [20.0, 20.0, 30.0, 30.0],  # 2: far from the others
        [0.0, 0.0, 10.0, 5.0],  # 3: IoU with 0 is exactly 0.5
    ]
)
SCORES = np.array([0.9, 0.8, 0.7, 0.6])


def test_worked_example():
    keep = nms(BOXES, SCORES, 0.5)
    # 1 overlaps 0 (0.68 > 0.5): suppressed. 3 overlaps 0 by exactly 0.5, which is not > 0.5: kept.
    assert_array_equal(keep, [0, 2, 3])
    assert keep.dtype == np.int64


def test_result_is_in_score_order():
    scores = np.array([0.1, 0.2, 0.9, 0.3])
    assert_array_equal(nms(BOXES, scores, 0.9), [2, 3, 1, 0])


def test_equal_scores_keep_the_lower_index():
    boxes = np.array([[0.0, 0.0, 10.0, 10.0]] * 3)
    assert_array_equal(nms(boxes, np.array([0.5, 0.5, 0.5]), 0.5), [0])


def test_empty_input():
    keep = nms(np.zeros((0, 4)), np.zeros(0), 0.5)
    assert keep.shape == (0,) and keep.dtype == np.int64


def test_batched_nms_classes_do_not_suppress_each_other():
    classes = np.array([0, 1, 0, 0])
    # Box 1 is in another class than box 0, so it survives; the result is still in score order.
    assert_array_equal(batched_nms(BOXES, SCORES, classes, 0.5), [0, 1, 2, 3])
