"""Visible tests for kata 04. Run them with ``.venv/bin/pytest exercises/04_roi_align``."""

import numpy as np
from numpy.testing import assert_allclose
from roi_align import bilinear_interpolate, roi_align

# One channel, 2 rows, 3 columns: value = 3 * row + col.
SMALL = np.array([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]])
# 4 x 4, value = 4 * y + x: bilinear interpolation reproduces a linear ramp exactly inside the map.
RAMP = (4 * np.arange(4.0)[:, None] + np.arange(4.0)[None, :])[None, None]


def test_bilinear_worked_example():
    ys = np.array([0.5, 0.0, 1.0, -0.5, 1.5, -1.5, 0.0])
    xs = np.array([0.5, 2.0, 1.25, 0.0, 2.5, 0.0, 3.5])
    got = bilinear_interpolate(SMALL, ys, xs)
    assert got.shape == (1, 7)
    # (0.5, 0.5): the mean of 0, 1, 3, 4. (1, 1.25): 4.25. (-0.5, 0): in the [-1, 0) band, clamped onto
    # row 0. (1.5, 2.5): clamped onto the last row and column. (-1.5, 0) and (0, 3.5): outside, so 0.
    assert_allclose(got[0], [2.0, 2.0, 4.25, 0.0, 5.0, 0.0, 0.0], rtol=1e-12)


def test_bilinear_keeps_channels_and_dtype():
    feature = np.stack([SMALL[0], 10 * SMALL[0]]).astype(np.float32)
    got = bilinear_interpolate(feature, np.array([0.5], np.float32), np.array([1.5], np.float32))
    assert got.shape == (2, 1) and got.dtype == np.float32
    assert_allclose(got[:, 0], [3.0, 30.0], rtol=1e-6)


def test_roi_align_worked_example():
    roi = np.array([[0.0, 1.0, 1.0, 3.0, 3.0]])  # (batch, x1, y1, x2, y2)
    # Not aligned: four 1x1 bins; each averages 2x2 samples, which on a ramp gives its value at the bin
    # centre: (y, x) = (1.5, 1.5), (1.5, 2.5), (2.5, 1.5), (2.5, 2.5)
    legacy = roi_align(RAMP, roi, 2, spatial_scale=1.0, sampling_ratio=2, aligned=False)
    assert legacy.shape == (1, 1, 2, 2)
    assert_allclose(legacy[0, 0], [[7.5, 8.5], [11.5, 12.5]], rtol=1e-12)
    # Aligned: the RoI moves by half a pixel, so the bin centres land on pixel centres (1, 1), (1, 2), ...
    aligned = roi_align(RAMP, roi, 2, spatial_scale=1.0, sampling_ratio=2, aligned=True)
    assert_allclose(aligned[0, 0], [[5.0, 6.0], [9.0, 10.0]], rtol=1e-12)


def test_adaptive_sampling_ratio():
    feature = np.array([[[[0.0, 0.0, 4.0, 0.0]]]])  # one row: 0 0 4 0
    roi = np.array([[0.0, 0.0, 0.0, 4.0, 1.0]])
    # adaptive: ceil(4 / 1) = 4 samples across, at x = 0.5, 1.5, 2.5, 3.5 -> 0, 2, 2, 0 (3.5 clamps to x = 3)
    assert_allclose(roi_align(feature, roi, 1, sampling_ratio=-1)[0, 0, 0, 0], 1.0, rtol=1e-12)
    assert_allclose(roi_align(feature, roi, 1, sampling_ratio=1)[0, 0, 0, 0], 4.0, rtol=1e-12)  # x = 2
    assert_allclose(roi_align(feature, roi, 1, sampling_ratio=2)[0, 0, 0, 0], 0.0, atol=1e-12)  # x = 1, 3


def test_outside_samples_count_as_zero():
    ones = np.ones((1, 1, 4, 4))
    roi = np.array([[0.0, -4.0, 0.0, 4.0, 4.0]])
    # 8 samples across at x = -3.5 ... 3.5: the three left of -1 read 0, x = -0.5 clamps onto column 0,
    # and the average still divides by all 8 (times 4 rows): 5 / 8
    assert_allclose(roi_align(ones, roi, 1, sampling_ratio=-1)[0, 0, 0, 0], 0.625, rtol=1e-12)


def test_empty_roi():
    roi = np.array([[0.0, 1.0, 1.0, 1.0, 1.0]])
    # not aligned: the RoI is widened to 1 x 1, its one sample sits at (1.5, 1.5): 4 * 1.5 + 1.5
    assert_allclose(roi_align(RAMP, roi, 1, sampling_ratio=-1, aligned=False)[0, 0, 0, 0], 7.5, rtol=1e-12)
    # aligned: no size, no samples, 0
    assert_allclose(roi_align(RAMP, roi, 1, sampling_ratio=-1, aligned=True)[0, 0, 0, 0], 0.0, atol=1e-12)


def test_batch_index_shape_and_dtype():
    features = np.stack([np.full((3, 5, 5), v) for v in (1.0, 2.0)]).astype(np.float32)
    rois = np.array([[1, 0, 0, 4, 4], [0, 1, 1, 3, 2], [1, 2, 2, 3, 3]], dtype=np.float32)
    out = roi_align(features, rois, (2, 3), sampling_ratio=2)
    assert out.shape == (3, 3, 2, 3) and out.dtype == np.float32
    assert_allclose(out[:, 0, 0, 0], [2.0, 1.0, 2.0], rtol=1e-6)


def test_spatial_scale():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(1, 2, 6, 6))
    rois = np.array([[0.0, 2.0, 4.0, 8.0, 10.0]])
    # boxes given in image pixels on a map of stride 2 are the halved boxes on the map itself
    assert_allclose(
        roi_align(features, rois, 3, spatial_scale=0.5, sampling_ratio=2, aligned=True),
        roi_align(features, rois * [1, 0.5, 0.5, 0.5, 0.5], 3, spatial_scale=1.0, sampling_ratio=2, aligned=True),
        rtol=1e-12,
    )
