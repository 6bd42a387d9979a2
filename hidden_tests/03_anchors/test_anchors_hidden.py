"""Hidden tests for kata 03: golden anchors and deltas from torchvision (detectron2's formulas), properties
(encode/decode round trip, anchors centred on the grid, the clamp), dtypes, edge cases, and the numba baseline."""

import math
from pathlib import Path

import numpy as np
import pytest
from anchors import cell_anchors, decode_boxes, encode_boxes, grid_anchors

from grader.baselines import anchors as baseline
from grader.grading.checks import check_array

GOLDEN = np.load(Path(__file__).with_name("golden.npz"))
EPS32 = float(np.finfo(np.float32).eps)
CLAMP = math.log(1000.0 / 16)
F64 = {"rtol": 1e-9, "atol": 1e-9}  # coordinates are at most ~1e5: 1e-9 is far above float64 rounding


def cases(kind):
    return [str(c) for c in GOLDEN[f"{kind}/cases"]]


def golden(kind, case, *keys):
    return [GOLDEN[f"{kind}/{case}/{k}"] for k in keys]


def float32_tolerance(library_error):
    """Twice the library's own float32 error, plus a few float32 roundings of each value."""
    return {"atol": 2 * float(library_error), "rtol": 4 * EPS32}


def as_floats(values):
    return tuple(float(v) for v in values)


# --- golden data ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases("cells"))
def test_golden_cell_anchors(case):
    sizes, ratios, expected = golden("cells", case, "sizes", "ratios", "anchors")
    got = cell_anchors(as_floats(sizes), as_floats(ratios))
    check_array(got, expected, what=f"cell_anchors on the {case} case", rtol=1e-9, atol=1e-12, dtype=np.float64)


@pytest.mark.parametrize("case", cases("grid"))
def test_golden_grid_anchors(case):
    cells, shape, stride, offset, expected, err = golden(
        "grid", case, "cells", "shape", "stride", "offset", "anchors", "float32_error"
    )
    got = grid_anchors(cells, (int(shape[0]), int(shape[1])), float(stride), float(offset))
    what = f"grid_anchors on the {case} case ({cells.dtype})"
    if cells.dtype == np.float64:
        check_array(got, expected, what=what, dtype=np.float64, **F64)
    else:
        check_array(got, expected, what=what, dtype=np.float32, **float32_tolerance(err))


@pytest.mark.parametrize("case", cases("coding"))
def test_golden_encode_boxes(case):
    anchors, boxes, weights, expected, err = golden(
        "coding", case, "anchors", "boxes", "weights", "encoded", "encode_float32_error"
    )
    got = encode_boxes(anchors, boxes, as_floats(weights))
    what = f"encode_boxes on the {case} case (weights {as_floats(weights)})"
    if anchors.dtype == np.float64:
        check_array(got, expected, what=what, rtol=1e-9, atol=1e-12, dtype=np.float64)
    else:
        check_array(got, expected, what=what, dtype=np.float32, **float32_tolerance(err))


@pytest.mark.parametrize("case", cases("coding"))
def test_golden_decode_boxes(case):
    anchors, deltas, weights, clamp, expected, err = golden(
        "coding", case, "anchors", "deltas", "weights", "scale_clamp", "decoded", "decode_float32_error"
    )
    got = decode_boxes(anchors, deltas, as_floats(weights), float(clamp))
    what = f"decode_boxes on the {case} case (weights {as_floats(weights)}, scale_clamp {float(clamp):.4g})"
    if anchors.dtype == np.float64:
        check_array(got, expected, what=what, dtype=np.float64, **F64)
    else:
        check_array(got, expected, what=what, dtype=np.float32, **float32_tolerance(err))


def test_default_arguments():
    anchors, boxes, deltas, encoded, decoded = golden(
        "coding", "rpn", "anchors", "boxes", "deltas", "encoded", "decoded"
    )
    check_array(decode_boxes(anchors, deltas), decoded, what="decode_boxes with the default weights and clamp", **F64)
    check_array(
        encode_boxes(anchors, boxes), encoded, what="encode_boxes with the default weights", rtol=1e-9, atol=1e-12
    )
    cells, expected = golden("grid", "torchvision_offset0", "cells", "anchors")
    check_array(grid_anchors(cells, (7, 11), 8.0), expected, what="grid_anchors with the default offset (0)", **F64)


# --- properties -----------------------------------------------------------------------------------------


def random_anchors(rng, n, dtype=np.float64):
    centre = rng.uniform(-50, 1300, size=(n, 2))
    size = np.exp(rng.uniform(np.log(4), np.log(700), size=(n, 1)))
    ratio = np.exp(rng.uniform(np.log(0.2), np.log(5), size=(n, 1)))
    wh = np.concatenate([size / np.sqrt(ratio), size * np.sqrt(ratio)], axis=1)
    return np.concatenate([centre - wh / 2, centre + wh / 2], axis=1).astype(dtype)


def matched_boxes(rng, anchors, spread=2.0):
    wh = anchors[:, 2:] - anchors[:, :2]
    centre = anchors[:, :2] + 0.5 * wh + rng.uniform(-1, 1, size=wh.shape) * wh
    new_wh = wh * np.exp(rng.uniform(-spread, spread, size=wh.shape))
    return np.concatenate([centre - new_wh / 2, centre + new_wh / 2], axis=1).astype(anchors.dtype)


WEIGHTS = [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0), (0.5, 3.0, 2.0, 0.7)]


@pytest.mark.parametrize("weights", WEIGHTS)
def test_decode_inverts_encode(weights):
    rng = np.random.default_rng(31)
    anchors = random_anchors(rng, 500)
    boxes = matched_boxes(rng, anchors)
    deltas = encode_boxes(anchors, boxes, weights)
    check_array(
        decode_boxes(anchors, deltas, weights),
        boxes,
        what=f"decode_boxes(encode_boxes(boxes)) with weights {weights}",
        **F64,
    )


@pytest.mark.parametrize("weights", WEIGHTS)
def test_encode_inverts_decode_inside_the_clamp(weights):
    rng = np.random.default_rng(32)
    anchors = random_anchors(rng, 500)
    unweighted = np.concatenate([rng.uniform(-8, 8, size=(500, 2)), rng.uniform(-6, CLAMP, size=(500, 2))], axis=1)
    deltas = unweighted * np.array(weights)
    boxes = decode_boxes(anchors, deltas, weights)
    check_array(
        encode_boxes(anchors, boxes, weights),
        deltas,
        what=f"encode_boxes(decode_boxes(deltas)) with weights {weights}",
        **F64,
    )


def test_zero_deltas_give_the_anchors_back():
    anchors = random_anchors(np.random.default_rng(33), 50)
    check_array(decode_boxes(anchors, np.zeros_like(anchors)), anchors, what="decode_boxes with zero deltas", **F64)
    check_array(
        encode_boxes(anchors, anchors),
        np.zeros_like(anchors),
        what="encode_boxes of the anchors themselves",
        rtol=0,
        atol=1e-12,
    )


def test_clamp_bounds_only_dw_dh_and_only_from_above():
    anchor = np.array([[0.0, 0.0, 16.0, 8.0]])  # centre (8, 4)
    # dw, dh far above the clamp: the box grows 1000 / 16 = 62.5 times, no more
    check_array(
        decode_boxes(anchor, np.array([[0.0, 0.0, 9.0, 20.0]])),
        [[8 - 500, 4 - 250, 8 + 500, 4 + 250]],
        what="decode_boxes with dw, dh above the clamp",
        **F64,
    )
    # far below: no lower clamp, the box shrinks freely
    small = math.exp(-7.0)
    check_array(
        decode_boxes(anchor, np.array([[0.0, 0.0, -7.0, -7.0]])),
        [[8 - 8 * small, 4 - 4 * small, 8 + 8 * small, 4 + 4 * small]],
        what="decode_boxes with dw, dh = -7 (only an upper clamp)",
        rtol=1e-12,
        atol=1e-12,
    )
    # dx, dy are never clamped: ten widths to the right, seven heights up
    check_array(
        decode_boxes(anchor, np.array([[10.0, -7.0, 0.0, 0.0]])),
        [[160.0, -56.0, 176.0, -48.0]],
        what="decode_boxes with dx = 10, dy = -7 (dx and dy are not clamped)",
        **F64,
    )


def test_clamp_applies_after_the_weights():
    anchor = np.array([[0.0, 0.0, 10.0, 10.0]])
    weights = (10.0, 10.0, 5.0, 5.0)
    # dw = 10 / 5 = 2 is under the clamp (4.135): the width is 10 * e**2, not 10 * 62.5
    half = 5 * math.exp(2.0)
    check_array(
        decode_boxes(anchor, np.array([[0.0, 0.0, 10.0, 10.0]]), weights),
        [[5 - half, 5 - half, 5 + half, 5 + half]],
        what="decode_boxes, weights (10, 10, 5, 5), raw dw = dh = 10",
        **F64,
    )
    # dw = 25 / 5 = 5 is over it
    check_array(
        decode_boxes(anchor, np.array([[0.0, 0.0, 25.0, 0.0]]), weights),
        [[5 - 312.5, 0.0, 5 + 312.5, 10.0]],
        what="decode_boxes, weights (10, 10, 5, 5), raw dw = 25",
        **F64,
    )
    half = 5 * math.exp(0.5)
    check_array(
        decode_boxes(anchor, np.array([[0.0, 0.0, 3.0, 0.5]]), scale_clamp=0.5),
        [[5 - half, 5 - half, 5 + half, 5 + half]],
        what="decode_boxes with scale_clamp=0.5",
        **F64,
    )


@pytest.mark.parametrize("seed", range(4))
def test_anchors_are_centred_on_the_grid(seed):
    rng = np.random.default_rng(40 + seed)
    sizes = rng.uniform(8, 300, size=int(rng.integers(1, 4)))
    ratios = np.exp(rng.uniform(-1.5, 1.5, size=int(rng.integers(1, 4))))
    height, width = (int(n) for n in rng.integers(2, 12, size=2))
    stride, offset = float(rng.choice([4.0, 8.0, 12.5, 32.0])), float(rng.choice([0.0, 0.25, 0.5, 0.9]))
    cells = cell_anchors(sizes, ratios)
    what = f"grid_anchors with shape ({height}, {width}), stride {stride}, offset {offset}"
    got = grid_anchors(cells, (height, width), stride, offset)
    shape = (height * width * len(cells), 4)
    assert isinstance(got, np.ndarray) and got.shape == shape, (
        f"{what}: shape {getattr(got, 'shape', None)}, expected {shape}"
    )
    got = got.reshape(height, width, len(cells), 4)
    centre_x, centre_y = (got[..., 0] + got[..., 2]) / 2, (got[..., 1] + got[..., 3]) / 2
    expected_x = np.broadcast_to(((np.arange(width) + offset) * stride)[None, :, None], centre_x.shape)
    expected_y = np.broadcast_to(((np.arange(height) + offset) * stride)[:, None, None], centre_y.shape)
    order = "(rows outer, then columns, then cell anchors)"
    check_array(centre_x, expected_x, what=f"{what}: x centres {order}", **F64)
    check_array(centre_y, expected_y, what=f"{what}: y centres {order}", **F64)
    check_array(
        got[..., 2:] - got[..., :2],
        np.broadcast_to(cells[:, 2:] - cells[:, :2], got[..., 2:].shape),
        what=f"{what}: anchor sizes at each location",
        **F64,
    )


def test_cell_anchor_sizes_and_ratios():
    sizes, ratios = np.array([16.0, 50.0, 181.0]), np.array([0.3, 1.0, 2.7, 5.0])
    cells = cell_anchors(sizes, ratios)
    w, h = cells[:, 2] - cells[:, 0], cells[:, 3] - cells[:, 1]
    check_array(np.sqrt(w * h), np.repeat(sizes, 4), what="sqrt(area) of the cell anchors (sizes outer)", rtol=1e-12)
    check_array(h / w, np.tile(ratios, 3), what="height / width of the cell anchors (ratios inner)", rtol=1e-12)
    check_array(cells[:, :2], -cells[:, 2:], what="cell anchors centred on (0, 0)", rtol=0, atol=0)


# --- dtypes, edge cases, inputs -------------------------------------------------------------------------


def test_cell_anchors_input_types():
    expected = baseline.cell_anchors((32.0, 64.0), (0.5, 1.0, 2.0))
    for sizes, ratios, kind in (
        ([32, 64], [0.5, 1, 2], "lists with ints"),
        (np.array([32.0, 64.0], np.float32), np.array([0.5, 1.0, 2.0], np.float32), "float32 arrays"),
        (np.array([32, 64]), (0.5, 1, 2), "an int array and a tuple"),
    ):
        check_array(cell_anchors(sizes, ratios), expected, what=f"cell_anchors of {kind}", rtol=1e-9, dtype=np.float64)


def test_empty_inputs():
    check_array(cell_anchors([], [0.5, 1.0]), np.zeros((0, 4)), what="cell_anchors with no sizes", dtype=np.float64)
    check_array(cell_anchors([32.0], []), np.zeros((0, 4)), what="cell_anchors with no ratios", dtype=np.float64)
    cells = cell_anchors([32.0], [0.5, 1.0])
    for dtype in (np.float32, np.float64):
        c, name, empty = cells.astype(dtype), np.dtype(dtype).name, np.zeros((0, 4), dtype)
        check_array(grid_anchors(c, (0, 5), 8.0), empty, what=f"grid_anchors of a (0, 5) map ({name})", dtype=dtype)
        check_array(
            grid_anchors(c, (3, 0), 8.0, 0.5), empty, what=f"grid_anchors of a (3, 0) map ({name})", dtype=dtype
        )
        check_array(
            grid_anchors(c[:0], (3, 4), 8.0), empty, what=f"grid_anchors of no cell anchors ({name})", dtype=dtype
        )
        check_array(encode_boxes(empty, empty), empty, what=f"encode_boxes of no boxes ({name})", dtype=dtype)
        check_array(
            decode_boxes(empty, empty, (10.0, 10.0, 5.0, 5.0)),
            empty,
            what=f"decode_boxes of no boxes ({name})",
            dtype=dtype,
        )


def test_dtypes():
    rng = np.random.default_rng(50)
    a64 = random_anchors(rng, 20)
    b64 = matched_boxes(rng, a64)
    a32, b32 = a64.astype(np.float32), b64.astype(np.float32)
    for weights in ((1.0, 1.0, 1.0, 1.0), [10.0, 10.0, 5.0, 5.0], (2, 2, 1, 1)):
        label = f"weights {weights!r}"
        assert encode_boxes(a32, b32, weights).dtype == np.float32, (
            f"encode_boxes(float32, float32), {label}: expected float32"
        )
        assert decode_boxes(a32, b32 - a32, weights).dtype == np.float32, (
            f"decode_boxes(float32, float32), {label}: expected float32"
        )
    assert encode_boxes(a32, b32).dtype == np.float32, (
        "encode_boxes(float32, float32), default weights: expected float32"
    )
    assert decode_boxes(a32, b32 - a32).dtype == np.float32, (
        "decode_boxes(float32, float32), default weights: expected float32"
    )
    assert encode_boxes(a32, b64).dtype == np.float64, "encode_boxes(float32, float64): expected float64"
    assert decode_boxes(a64, b32 - a32).dtype == np.float64, "decode_boxes(float64, float32): expected float64"
    cells = cell_anchors([32.0], [0.5, 1.0, 2.0])
    assert cells.dtype == np.float64, "cell_anchors: expected float64"
    assert grid_anchors(cells.astype(np.float32), (3, 4), 16.0, 0.5).dtype == np.float32, (
        "grid_anchors of float32 cell anchors: expected float32"
    )
    assert grid_anchors(cells, (3, 4), np.float32(16.0), np.float32(0.5)).dtype == np.float64, (
        "grid_anchors of float64 cell anchors (float32 stride and offset): expected float64"
    )


def test_inputs_are_not_modified_and_strided_inputs_work():
    rng = np.random.default_rng(51)
    anchors = random_anchors(rng, 200)
    boxes = matched_boxes(rng, anchors)
    deltas = encode_boxes(anchors, boxes, (10.0, 10.0, 5.0, 5.0))
    strided_a, strided_b = np.asfortranarray(anchors)[::2], boxes[::-2][::-1]
    a_copy, b_copy = strided_a.copy(), strided_b.copy()
    check_array(
        encode_boxes(strided_a, strided_b),
        baseline.encode_boxes(a_copy, b_copy),
        what="encode_boxes on strided input",
        rtol=1e-9,
        atol=1e-12,
    )
    check_array(
        decode_boxes(strided_a, strided_b - strided_a),
        baseline.decode_boxes(a_copy, b_copy - a_copy),
        what="decode_boxes on strided input",
        **F64,
    )
    check_array(strided_a, a_copy, what="anchors after the calls (inputs must not be modified)", rtol=0)
    check_array(strided_b, b_copy, what="boxes after the calls (inputs must not be modified)", rtol=0)
    d_copy = deltas.copy()
    decode_boxes(anchors, deltas, (10.0, 10.0, 5.0, 5.0))
    check_array(deltas, d_copy, what="deltas after decode_boxes (inputs must not be modified)", rtol=0)
    cells = np.asfortranarray(cell_anchors([32.0, 64.0], [0.5, 2.0]))
    cells_copy = cells.copy()
    check_array(
        grid_anchors(cells, (4, 5), 8.0, 0.5),
        baseline.grid_anchors(cells_copy, (4, 5), 8.0, 0.5),
        what="grid_anchors on strided cell anchors",
        **F64,
    )
    check_array(cells, cells_copy, what="cell anchors after grid_anchors (inputs must not be modified)", rtol=0)


# --- randomized, against the compiled baseline ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_random_grids_against_baseline(seed):
    rng = np.random.default_rng(60 + seed)
    for _ in range(10):
        sizes = rng.uniform(4, 600, size=int(rng.integers(1, 5)))
        ratios = np.exp(rng.uniform(-2, 2, size=int(rng.integers(1, 5))))
        check_array(
            cell_anchors(sizes, ratios),
            baseline.cell_anchors(sizes, ratios),
            what=f"cell_anchors({np.round(sizes, 2).tolist()}, {np.round(ratios, 3).tolist()})",
            rtol=1e-9,
            atol=1e-12,
        )
        shape = tuple(int(n) for n in rng.integers(1, 40, size=2))
        stride, offset = float(rng.choice([4, 8, 16, 32, 64, 12.5, 6.4])), float(rng.uniform(0, 1))
        cells = baseline.cell_anchors(sizes, ratios)
        what = f"grid_anchors(A={len(cells)}, shape={shape}, stride={stride}, offset={offset:.3f})"
        check_array(
            grid_anchors(cells, shape, stride, offset),
            baseline.grid_anchors(cells, shape, stride, offset),
            what=what,
            **F64,
        )
        cells32 = cells.astype(np.float32)
        expected = baseline.grid_anchors(cells32.astype(np.float64), shape, stride, offset)
        # float32: each coordinate is one float32 rounding of shift + cell coordinate, or two
        check_array(
            grid_anchors(cells32, shape, stride, offset),
            expected,
            what=f"{what}, float32",
            dtype=np.float32,
            rtol=4 * EPS32,
            atol=4 * EPS32 * float(np.max(np.abs(expected), initial=1.0)),
        )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weights", [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0)])
def test_large_random_coding_against_baseline(dtype, weights):
    rng = np.random.default_rng(70)
    n = 20000
    anchors = random_anchors(rng, n, dtype)
    boxes = matched_boxes(rng, anchors.astype(np.float64), spread=3.0).astype(dtype)
    d_xy, d_wh = (6.0, 8.0) if weights[0] == 1.0 else (3.0, 6.0)  # as in make_golden.py's calibration
    deltas = np.concatenate([rng.uniform(-d_xy, d_xy, size=(n, 2)), rng.uniform(-d_wh, d_wh, size=(n, 2))], 1)
    deltas = (deltas * weights).astype(dtype)
    what = f"({np.dtype(dtype)}, 20000 boxes, weights {weights})"
    # the baseline on float64 copies of the same inputs is the exact answer
    exact_enc = baseline.encode_boxes(anchors.astype(np.float64), boxes.astype(np.float64), weights)
    exact_dec = baseline.decode_boxes(anchors.astype(np.float64), deltas.astype(np.float64), weights)
    if dtype == np.float64:
        enc_tol = dec_tol = F64
    else:  # torchvision's float32 error on these inputs, recorded by make_golden.py
        case = "rpn" if weights[0] == 1.0 else "roi_heads"
        enc_tol = float32_tolerance(GOLDEN[f"calibration/{case}/encode_float32_error"])
        dec_tol = float32_tolerance(GOLDEN[f"calibration/{case}/decode_float32_error"])
    check_array(encode_boxes(anchors, boxes, weights), exact_enc, what=f"encode_boxes {what}", dtype=dtype, **enc_tol)
    check_array(decode_boxes(anchors, deltas, weights), exact_dec, what=f"decode_boxes {what}", dtype=dtype, **dec_tol)
