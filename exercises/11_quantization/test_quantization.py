"""Visible tests for kata 11. Run them with ``.venv/bin/pytest exercises/11_quantization``."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from quantization import fake_quantize_per_channel, fake_quantize_per_channel_grad, per_channel_symmetric_qparams

EPS32 = np.finfo(np.float32).eps  # 1.1920929e-07

# The README's worked example: three output channels of a layer's weights, float32.
W = np.array(
    [
        [0.5, -1.275, 0.125, 0.763],  # amax 1.275 -> scale 1.275 / 127.5 = 0.01
        [0.3, 0.1, 2.55, 0.0],  # all >= 0: amax 2.55 -> scale 0.02
        [0.0, 0.0, 0.0, 0.0],  # a dead filter: scale eps, not 0
    ],
    dtype=np.float32,
)


def test_worked_example_qparams():
    scale, zero_point = per_channel_symmetric_qparams(W)
    assert scale.dtype == np.float32 and zero_point.dtype == np.int64
    # float32 divisions: 1.275 / 127.5 and 2.55 / 127.5, then the eps floor for the zero channel
    assert_array_equal(scale[:2], np.array([1.275, 2.55], np.float32) / np.float32(127.5))
    assert_array_equal(scale, np.array([0.01, 0.02, EPS32], np.float32))
    assert_array_equal(zero_point, [0, 0, 0])


def test_worked_example_fake_quantize():
    scale, zero_point = per_channel_symmetric_qparams(W)
    y = fake_quantize_per_channel(W, scale, zero_point, 0)
    assert y.dtype == np.float32
    # codes: [50, -127.5 -> -128, 12.5 -> 12, 76.3 -> 76], [15, 5, 127.5 -> 128 -> clamped to 127, 0], [0, ...]
    codes = np.array([[50, -128, 12, 76], [15, 5, 127, 0], [0, 0, 0, 0]], np.float32)
    assert_array_equal(y, codes * scale[:, None])  # 0.5, -1.28, 0.12, 0.76 / 0.3, 0.1, 2.54, 0 / 0, ...
    assert not np.isnan(y).any()


def test_worked_example_gradient():
    scale, zero_point = per_channel_symmetric_qparams(W)
    dout = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    dx = fake_quantize_per_channel_grad(dout, W, scale, zero_point, 0)
    assert dx.dtype == np.float32
    # only 2.55 (code 128 before the clamp) is blocked; -1.275 rounds to -128, inside [-128, 127]
    assert_array_equal(dx, [[1, 2, 3, 4], [5, 6, 0, 8], [9, 10, 11, 12]])


def test_scale_divides_by_half_the_levels():
    # 256 levels: the divisor is (127 - (-128)) / 2 = 127.5, not 127; with qmin=-127 it is 127
    w = np.array([[127.5, -3.0], [-255.0, 1.0]])
    scale, _ = per_channel_symmetric_qparams(w)
    assert_array_equal(scale, [1.0, 2.0])
    scale, _ = per_channel_symmetric_qparams(w, qmin=-127, qmax=127)
    assert_array_equal(scale, np.array([127.5 / 127, 255 / 127], np.float32))


def test_ties_round_to_even():
    # scale 0.25: codes 0.5, 1.5, 2.5, -0.5, -1.5, -2.5 round to 0, 2, 2, -0, -2, -2
    x = np.array([[0.125, 0.375, 0.625, -0.125, -0.375, -0.625]])
    y = fake_quantize_per_channel(x, np.array([0.25], np.float32), np.array([0]), 0)
    assert_array_equal(y, [[0.0, 0.5, 0.5, 0.0, -0.5, -0.5]])


def test_inverse_scale_in_float32():
    # float32(1 / 0.001) = 999.99994, and -0.1155 * 999.99994 = -115.49999 -> code -115 (torch's answer);
    # -0.1155 / 0.001 would be exactly -115.5 in float32 -> -116
    x = np.array([[-0.1155]], np.float32)
    y = fake_quantize_per_channel(x, np.array([0.001], np.float32), np.array([0]), 0)
    assert_array_equal(y, np.float32(-115) * np.float32(0.001))


def test_channel_axis_one():
    # an activation (N=2, C=3, L=2) quantised per channel along axis 1
    x = np.array([[[0.1, -0.2], [3.0, 1.0], [0.0, 0.05]], [[0.2, 0.0], [-6.0, 2.0], [0.01, 0.02]]])
    scale, zero_point = per_channel_symmetric_qparams(x, axis=1)
    assert_array_equal(scale, np.array([0.2, 6.0, 0.05], np.float32) / np.float32(127.5))
    y = fake_quantize_per_channel(x, scale, zero_point, 1)
    assert y.shape == x.shape and y.dtype == np.float64
    np.testing.assert_allclose(y, x, atol=0.5 * 6.0 / 127.5 + 1e-12)  # within half a step of each channel's
    big = np.full_like(x, 100.0)
    dx = fake_quantize_per_channel_grad(np.ones_like(x), big, scale, zero_point, 1)
    assert_array_equal(dx, np.zeros_like(x))  # every code clamped


def test_zero_point_and_clamping():
    # affine: q = clip(zp + round(x / s), qmin, qmax), y = (q - zp) * s
    x = np.array([[-1.0, 0.0, 0.3, 1.0]])
    scale, zp = np.array([0.01], np.float32), np.array([100])
    y = fake_quantize_per_channel(x, scale, zp, 0)  # codes 0, 100, 130 -> 127, 200 -> 127
    assert_array_equal(y, (np.array([[0, 100, 127, 127]]) - 100) * np.float64(np.float32(0.01)))
    dx = fake_quantize_per_channel_grad(np.ones_like(x), x, scale, zp, 0)
    assert_array_equal(dx, [[1.0, 1.0, 0.0, 0.0]])


def test_bad_arguments():
    with pytest.raises(ValueError):
        per_channel_symmetric_qparams(W, axis=2)
    with pytest.raises(ValueError):
        fake_quantize_per_channel(W, np.ones(4, np.float32), np.zeros(4, np.int64), 0)  # 3 channels on axis 0
    with pytest.raises(ValueError):
        fake_quantize_per_channel(W, np.ones(3, np.float32), np.array([0, 0, 128]), 0)  # zero point > qmax
