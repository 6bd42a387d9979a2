"""Hidden tests for kata 04: golden values from torchvision's C++ kernel, the numba baseline on random
inputs, properties, edge cases and dtypes."""

from pathlib import Path

import numpy as np
import pytest
from roi_align import bilinear_interpolate, roi_align

from grader.baselines import roi_align as baseline
from grader.grading.checks import check_array

GOLDEN = np.load(Path(__file__).with_name("golden.npz"))
CASES = [str(c) for c in GOLDEN["cases"]]
F32_FLOOR = 1e-6  # float32 rounding of a handful of products of values of size ~5, in another order
F64 = dict(rtol=1e-9, atol=1e-12)


def golden(case):
    g = {k: GOLDEN[f"{case}/{k}"] for k in ("features", "rois", "out")}
    args = (
        tuple(int(v) for v in GOLDEN[f"{case}/output_size"]),
        float(GOLDEN[f"{case}/spatial_scale"]),
        int(GOLDEN[f"{case}/sampling_ratio"]),
        bool(GOLDEN[f"{case}/aligned"]),
    )
    return g, args, float(GOLDEN[f"{case}/float32_error"])


def describe(case, args):
    (ph, pw), scale, ratio, aligned = args
    return f"roi_align on the {case} case ({ph}x{pw}, scale {scale:g}, sampling_ratio {ratio}, aligned={aligned})"


def f32_tolerance(err32):
    """A small multiple of the reference library's own float32 error on the same input, never less."""
    return max(4 * err32, F32_FLOOR)


@pytest.mark.parametrize("case", CASES)
def test_golden_float64(case):
    g, args, _ = golden(case)
    got = roi_align(g["features"], g["rois"], *args)
    check_array(got, g["out"], what=describe(case, args), dtype=np.float64, **F64)


@pytest.mark.parametrize("case", CASES)
def test_golden_float32(case):
    g, args, err32 = golden(case)
    got = roi_align(g["features"].astype(np.float32), g["rois"].astype(np.float32), *args)
    check_array(
        got, g["out"], what=describe(case, args) + " in float32", dtype=np.float32, rtol=0, atol=f32_tolerance(err32)
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_golden_bilinear_interpolate(dtype):
    feature, ys, xs = (GOLDEN[f"bilinear/{k}"] for k in ("feature", "ys", "xs"))
    got = bilinear_interpolate(feature.astype(dtype), ys.astype(dtype), xs.astype(dtype))
    tol = F64 if dtype == np.float64 else dict(rtol=0, atol=f32_tolerance(float(GOLDEN["bilinear/float32_error"])))
    what = f"bilinear_interpolate at {len(ys)} points incl. -1, 0, H-1, H ({np.dtype(dtype)})"
    check_array(got, GOLDEN["bilinear/out"], what=what, dtype=dtype, **tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bilinear_interpolate_random_against_baseline(dtype):
    rng = np.random.default_rng(41)
    feature = rng.normal(size=(4, 9, 13)).astype(dtype)
    ys = rng.uniform(-2.5, 10.5, size=400).astype(dtype)
    xs = rng.uniform(-2.5, 14.5, size=400).astype(dtype)
    tol = F64 if dtype == np.float64 else dict(rtol=0, atol=F32_FLOOR)
    check_array(
        bilinear_interpolate(feature, ys, xs),
        baseline.bilinear_interpolate(feature, ys, xs),
        what=f"bilinear_interpolate at 400 random points ({np.dtype(dtype)})",
        dtype=dtype,
        **tol,
    )


RANDOM_SETTINGS = [
    # (shape (N, C, H, W), RoIs, output size, spatial scale, sampling ratio, aligned)
    ((2, 6, 25, 19), 150, (7, 7), 1 / 8, 2, True),
    ((2, 6, 25, 19), 150, (5, 3), 1 / 8, -1, False),
    ((3, 4, 12, 30), 120, (4, 6), 1 / 4, 0, True),
    ((3, 4, 12, 30), 120, (3, 2), 1 / 4, 3, False),
    ((1, 3, 40, 40), 60, 6, 1.0, -1, True),  # big RoIs in pixels: large adaptive grids
]


@pytest.mark.parametrize("setting", range(len(RANDOM_SETTINGS)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_random_against_baseline(setting, dtype):
    shape, k, output_size, scale, ratio, aligned = RANDOM_SETTINGS[setting]
    rng = np.random.default_rng([42, setting])
    features = rng.normal(0.3, 1.5, size=shape)
    image_h, image_w = shape[2] / scale, shape[3] / scale
    rois = baseline.proposals(rng, k, max(image_h, image_w), shape[0], dtype=np.float64)
    rois[:, 1:] *= np.array([image_w, image_h, image_w, image_h]) / max(image_h, image_w)
    what = (
        f"roi_align, {k} random RoIs on a {shape} map ({np.dtype(dtype)}, {output_size}, scale {scale:g},"
        f" sampling_ratio {ratio}, aligned={aligned})"
    )
    expected = baseline.roi_align(features, rois, output_size, scale, ratio, aligned)
    if dtype == np.float64:
        check_array(
            roi_align(features, rois, output_size, scale, ratio, aligned), expected, what=what, dtype=dtype, **F64
        )
        return
    f32, r32 = features.astype(np.float32), rois.astype(np.float32)
    # calibrate on the kernel itself: its float32 result against its float64 result on the same values
    exact = baseline.roi_align(f32.astype(np.float64), r32.astype(np.float64), output_size, scale, ratio, aligned)
    err32 = float(np.max(np.abs(baseline.roi_align(f32, r32, output_size, scale, ratio, aligned) - exact)))
    got = roi_align(f32, r32, output_size, scale, ratio, aligned)
    check_array(got, exact, what=what, dtype=dtype, rtol=0, atol=f32_tolerance(err32))


@pytest.mark.parametrize("aligned", [False, True])
def test_constant_map_gives_the_constant(aligned):
    rng = np.random.default_rng(43)
    features = np.full((2, 3, 9, 11), 2.75)
    # RoIs inside the map: every sample is in range, so every bin averages the constant
    x1, y1 = rng.uniform(0.5, 5.0, size=(2, 50))
    w, h = rng.uniform(0.3, 4.0, size=(2, 50))
    rois = np.stack([rng.integers(0, 2, size=50), x1, y1, x1 + w, y1 + h], axis=1)
    for ratio in (-1, 2):
        got = roi_align(features, rois, (3, 4), 1.0, ratio, aligned)
        what = f"roi_align of a constant map (aligned={aligned}, sampling_ratio {ratio})"
        check_array(got, np.full((50, 3, 3, 4), 2.75), what=what, **F64)


def test_one_pixel_roi_samples_that_pixel():
    rng = np.random.default_rng(44)
    features = rng.normal(size=(2, 3, 5, 6))
    yy, xx = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    centres = np.stack([xx.ravel(), yy.ravel()], axis=1)
    expected = features.transpose(0, 2, 3, 1).reshape(2, 30, 3)
    for batch in (0, 1):
        b = np.full((30, 1), float(batch))
        # aligned: the unit box [x, x+1] x [y, y+1] is centred on pixel (y, x)
        rois = np.concatenate([b, centres, centres + 1], axis=1)
        got = roi_align(features, rois, 1, 1.0, -1, True)
        what = f"1x1 roi_align of unit boxes on pixel centres (aligned, image {batch})"
        check_array(got[:, :, 0, 0], expected[batch], what=what, **F64)
        # legacy: the unit box [x - 0.5, x + 0.5] is centred on it
        got = roi_align(features, np.concatenate([b, centres - 0.5, centres + 0.5], axis=1), 1, 1.0, 1, False)
        what = f"1x1 roi_align of unit boxes on pixel centres (aligned=False, image {batch})"
        check_array(got[:, :, 0, 0], expected[batch], what=what, **F64)


def test_linear_in_the_features():
    rng = np.random.default_rng(45)
    a, b = rng.normal(size=(2, 2, 3, 8, 7))
    rois = baseline.proposals(rng, 30, 8.0, 2, dtype=np.float64)
    combo = roi_align(2 * a - 3 * b, rois, (2, 3), 1.0, -1, False)
    check_array(
        combo,
        2 * roi_align(a, rois, (2, 3), 1.0, -1, False) - 3 * roi_align(b, rois, (2, 3), 1.0, -1, False),
        what="roi_align(2a - 3b) against 2 roi_align(a) - 3 roi_align(b)",
        rtol=1e-9,
        atol=1e-9,
    )


def test_batch_index_selects_the_image():
    features = np.stack([np.full((2, 4, 4), v) for v in (1.0, 2.0, 3.0)])
    rois = np.array([[2, 0, 0, 3, 3], [0, 1, 1, 2, 2], [1, 0, 0, 4, 4], [2, 1, 0, 2, 3]], dtype=np.float64)
    got = roi_align(features, rois, 2, 1.0, 2, True)
    expected = np.array([3.0, 1.0, 2.0, 3.0])[:, None, None, None] * np.ones((4, 2, 2, 2))
    check_array(got, expected, what="roi_align with RoIs on images 2, 0, 1, 2 of constant maps 1, 2, 3", **F64)


def test_empty_inputs():
    features = np.ones((2, 3, 5, 5), np.float32)
    for dtype in (np.float32, np.float64):
        got = roi_align(features.astype(dtype), np.zeros((0, 5), dtype), (2, 3))
        check_array(got, np.zeros((0, 3, 2, 3)), what=f"roi_align of no RoIs ({np.dtype(dtype)})", dtype=dtype)
        got = bilinear_interpolate(features[0].astype(dtype), np.zeros(0, dtype), np.zeros(0, dtype))
        check_array(got, np.zeros((3, 0)), what=f"bilinear_interpolate at no points ({np.dtype(dtype)})", dtype=dtype)


def test_output_size_int_or_pair_and_dtypes():
    rng = np.random.default_rng(46)
    features = rng.normal(size=(1, 2, 6, 6))
    rois = np.array([[0, 0.5, 1.0, 4.5, 5.0], [0, 2.0, 0.0, 3.0, 6.0]])
    square = roi_align(features, rois, 3, 1.0, 2, False)
    pair = roi_align(features, rois, (3, 3), 1.0, 2, False)
    check_array(square, pair, what="output_size=3 against (3, 3)", dtype=np.float64, rtol=0)
    listed = roi_align(features, rois, [3, 3], 1.0, 2, False)
    check_array(listed, square, what="output_size=[3, 3] against 3", dtype=np.float64, rtol=0)
    mixed = roi_align(features.astype(np.float32), rois, 3, 1.0, 2, False)
    check_array(
        mixed,
        baseline.roi_align(features.astype(np.float32).astype(np.float64), rois, 3, 1.0, 2, False),
        what="roi_align of float32 features with float64 rois (float64 result)",
        dtype=np.float64,
        **F64,
    )


def test_inputs_are_not_modified():
    rng = np.random.default_rng(47)
    features = rng.normal(size=(2, 3, 7, 8)).astype(np.float32)
    rois = baseline.proposals(rng, 20, 8.0, 2)
    rois[:3, 1:] -= 5.0  # partly outside: an implementation clamping in place would show here
    f, r = features.copy(), rois.copy()
    roi_align(features, rois, (2, 2), 1.0, -1, True)
    check_array(features, f, what="features after roi_align (inputs must not be modified)", rtol=0)
    check_array(rois, r, what="rois after roi_align (inputs must not be modified)", rtol=0)
    ys, xs = rng.uniform(-3, 9, size=(2, 30)).astype(np.float32)
    y, x = ys.copy(), xs.copy()
    bilinear_interpolate(features[0], ys, xs)
    check_array(ys, y, what="ys after bilinear_interpolate (inputs must not be modified)", rtol=0)
    check_array(xs, x, what="xs after bilinear_interpolate (inputs must not be modified)", rtol=0)
