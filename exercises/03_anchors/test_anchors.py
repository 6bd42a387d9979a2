"""Visible tests for kata 03. Run them with ``.venv/bin/pytest exercises/03_anchors``."""

import math

import numpy as np
from anchors import cell_anchors, decode_boxes, encode_boxes, grid_anchors
from numpy.testing import assert_allclose


def test_cell_anchors_worked_example():
    # size 32 (area 1024), ratio h/w = 0.25: w = sqrt(1024 / 0.25) = 64, h = 16; ratio 4: w = 16, h = 64
    cells = cell_anchors((32.0,), (0.25, 1.0, 4.0))
    assert cells.dtype == np.float64
    assert_allclose(cells, [[-32, -8, 32, 8], [-16, -16, 16, 16], [-8, -32, 8, 32]], rtol=1e-12)


def test_cell_anchors_are_not_rounded_and_sizes_come_first():
    cells = cell_anchors((32.0, 64.0), (0.5, 2.0))
    s = math.sqrt(2.0)
    # sizes outer, ratios inner: (32, 0.5), (32, 2), (64, 0.5), (64, 2); 8 * sqrt(2) = 11.3137..., not 11
    assert_allclose(
        cells,
        [
            [-16 * s, -8 * s, 16 * s, 8 * s],
            [-8 * s, -16 * s, 8 * s, 16 * s],
            [-32 * s, -16 * s, 32 * s, 16 * s],
            [-16 * s, -32 * s, 16 * s, 32 * s],
        ],
        rtol=1e-12,
    )


def test_grid_anchors_order_and_offset():
    cells = np.array([[-4.0, -4.0, 4.0, 4.0], [-8.0, -2.0, 8.0, 2.0]])
    anchors = grid_anchors(cells, (2, 3), stride=16.0, offset=0.5)
    assert anchors.shape == (2 * 3 * 2, 4)
    # rows (y) outer, then columns (x), then the cell anchors; location (i, j) at ((j + 0.5) * 16, (i + 0.5) * 16)
    centres = (anchors[:, :2] + anchors[:, 2:]) / 2
    assert_allclose(centres[::2], [[8, 8], [24, 8], [40, 8], [8, 24], [24, 24], [40, 24]])
    assert_allclose(anchors[:2], [[4, 4, 12, 12], [0, 6, 16, 10]])
    assert_allclose(anchors[-1], [32, 22, 48, 26])


def test_grid_anchors_offset_zero_puts_the_first_anchor_on_the_corner():
    anchors = grid_anchors(np.array([[-2.0, -3.0, 2.0, 3.0]], np.float32), (2, 2), stride=10.0)
    assert anchors.dtype == np.float32
    assert_allclose(anchors, [[-2, -3, 2, 3], [8, -3, 12, 3], [-2, 7, 2, 13], [8, 7, 12, 13]])


def test_encode_worked_example():
    anchors = np.array([[0.0, 0.0, 10.0, 20.0]])  # centre (5, 10), 10 x 20
    boxes = np.array([[2.0, 4.0, 14.0, 24.0]])  # centre (8, 14), 12 x 20
    assert_allclose(encode_boxes(anchors, boxes), [[0.3, 0.2, math.log(1.2), 0.0]], rtol=1e-12, atol=1e-15)
    # the weights scale each delta: (10, 10, 5, 5) is the usual choice for the second stage
    assert_allclose(
        encode_boxes(anchors, boxes, (10.0, 10.0, 5.0, 5.0)),
        [[3.0, 2.0, 5 * math.log(1.2), 0.0]],
        rtol=1e-12,
        atol=1e-15,
    )


def test_decode_inverts_encode():
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 500, size=(50, 2))
    anchors = np.concatenate([xy, xy + rng.uniform(8, 200, size=(50, 2))], axis=1)
    xy = rng.uniform(0, 500, size=(50, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(8, 200, size=(50, 2))], axis=1)
    for weights in ((1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0)):
        deltas = encode_boxes(anchors, boxes, weights)
        assert_allclose(decode_boxes(anchors, deltas, weights), boxes, rtol=1e-9, atol=1e-9)


def test_decode_clamps_only_large_dw_dh():
    anchor = np.array([[0.0, 0.0, 10.0, 10.0]])
    # dw = 10 is clamped to log(1000 / 16): the width becomes 10 * 62.5 = 625; dh = -10 is not clamped
    small = 5 * math.exp(-10.0)
    assert_allclose(
        decode_boxes(anchor, np.array([[0.0, 0.0, 10.0, -10.0]])), [[-307.5, 5 - small, 317.5, 5 + small]], rtol=1e-12
    )
    # dx is never clamped: the centre moves 10 anchor widths
    assert_allclose(decode_boxes(anchor, np.array([[10.0, 0.0, 0.0, 0.0]])), [[100.0, 0.0, 110.0, 10.0]], rtol=1e-12)


def test_dtypes_and_empty_inputs():
    a = np.array([[0.0, 0.0, 10.0, 20.0]], np.float32)
    b = np.array([[2.0, 4.0, 14.0, 24.0]], np.float32)
    assert encode_boxes(a, b).dtype == np.float32
    assert decode_boxes(a, b).dtype == np.float32
    assert encode_boxes(a, b.astype(np.float64)).dtype == np.float64
    empty = np.zeros((0, 4), np.float32)
    assert encode_boxes(empty, empty).shape == (0, 4)
    assert decode_boxes(empty, empty).dtype == np.float32
    assert grid_anchors(cell_anchors((32.0,), (1.0,)), (0, 7), 8.0).shape == (0, 4)
