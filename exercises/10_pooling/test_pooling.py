"""Visible tests for kata 10. Run them with ``.venv/bin/pytest exercises/10_pooling``.

Three helpers here are worth reusing in your own experiments: ``direct_max_pool2d``, ``direct_avg_pool2d`` and
``direct_adaptive_avg_pool2d`` are the definitions written as plain loops over output cells (slow, but obviously
right on tiny arrays), with torch's rules for the maximum, the divisor and the bins.
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from pooling import (
    adaptive_avg_pool2d,
    adaptive_avg_pool2d_backward,
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
)

# The worked example of the README.
X = np.array([[1, -2, 3, 0], [5, 5, -1, 2], [-3, 0, 4, 4], [2, 1, -6, 7]], dtype=np.float64)[None, None]


def pair(v):
    return (v, v) if np.ndim(v) == 0 else tuple(v)


def output_size(size, k, s, p, d, ceil_mode):
    span = size + 2 * p - d * (k - 1) - 1
    n = (math.ceil(span / s) if ceil_mode else span // s) + 1
    if ceil_mode and (n - 1) * s >= size + p:
        n -= 1  # a window may not start in the bottom/right padding
    return n


def direct_max_pool2d(x, kernel, stride=None, padding=0, dilation=1, ceil_mode=False):
    """torch's loop: visit each window's in-input taps row by row and take a tap when value > max or value is
    NaN, starting from -inf and the window's first in-input cell."""
    (kh, kw), (ph, pw), (dh, dw) = pair(kernel), pair(padding), pair(dilation)
    sh, sw = pair(kernel if stride is None else stride)
    N, C, H, W = x.shape
    OH, OW = output_size(H, kh, sh, ph, dh, ceil_mode), output_size(W, kw, sw, pw, dw, ceil_mode)
    out, idx = np.empty((N, C, OH, OW)), np.empty((N, C, OH, OW), np.int64)
    for n, c, oh, ow in np.ndindex(N, C, OH, OW):
        rows = [h for h in range(oh * sh - ph, oh * sh - ph + dh * (kh - 1) + 1, dh) if 0 <= h < H]
        cols = [w for w in range(ow * sw - pw, ow * sw - pw + dw * (kw - 1) + 1, dw) if 0 <= w < W]
        best, at = -np.inf, rows[0] * W + cols[0]
        for h in rows:
            for w in cols:
                if x[n, c, h, w] > best or np.isnan(x[n, c, h, w]):
                    best, at = x[n, c, h, w], h * W + w
        out[n, c, oh, ow], idx[n, c, oh, ow] = best, at
    return out, idx


def avg_windows(H, W, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """Yield (oh, ow, rows, cols, divisor) of every avg_pool2d window, rows/cols clipped to the input."""
    (kh, kw), (ph, pw) = pair(kernel), pair(padding)
    sh, sw = pair(kernel if stride is None else stride)
    OH, OW = output_size(H, kh, sh, ph, 1, ceil_mode), output_size(W, kw, sw, pw, 1, ceil_mode)
    for oh, ow in np.ndindex(OH, OW):
        h0, w0 = oh * sh - ph, ow * sw - pw
        h1, w1 = min(h0 + kh, H + ph), min(w0 + kw, W + pw)  # a window ends at the padding's end at the latest
        padded = (h1 - h0) * (w1 - w0)
        rows, cols = slice(max(h0, 0), min(h1, H)), slice(max(w0, 0), min(w1, W))
        inside = (rows.stop - rows.start) * (cols.stop - cols.start)
        divisor = divisor_override or (padded if count_include_pad else inside)
        yield oh, ow, rows, cols, divisor


def direct_avg_pool2d(
    x, kernel, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
):
    N, C, H, W = x.shape
    windows = list(avg_windows(H, W, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override))
    out = np.zeros((N, C, windows[-1][0] + 1, windows[-1][1] + 1))
    for oh, ow, rows, cols, divisor in windows:
        out[:, :, oh, ow] = x[:, :, rows, cols].sum(axis=(2, 3)) / divisor
    return out


def bins(size, n):
    return [(i * size // n, -(-(i + 1) * size // n)) for i in range(n)]


def direct_adaptive_avg_pool2d(x, output_size):
    OH, OW = pair(output_size)
    out = np.zeros((*x.shape[:2], OH, OW))
    for i, (h0, h1) in enumerate(bins(x.shape[2], OH)):
        for j, (w0, w1) in enumerate(bins(x.shape[3], OW)):
            out[:, :, i, j] = x[:, :, h0:h1, w0:w1].mean(axis=(2, 3))
    return out


# --- max pooling -----------------------------------------------------------------------------------------


def test_max_pool_worked_example():
    out, idx = max_pool2d(X, 2)
    assert_array_equal(out[0, 0], [[5, 3], [2, 7]])
    assert_array_equal(idx[0, 0], [[4, 2], [12, 15]])  # the 5 at (1, 0) wins the tie with (1, 1): the first one
    assert idx.dtype == np.int64
    # the ResNet stem's pool: 3x3, stride 2, padding 1
    out, idx = max_pool2d(X, 3, 2, 1)
    assert_array_equal(out[0, 0], [[5, 5], [5, 7]])
    assert_array_equal(idx[0, 0], [[4, 5], [4, 15]])  # positions h * W + w in the unpadded 4x4 plane


def test_max_pool_padding_is_minus_infinity():
    out, idx = max_pool2d(X - 10.0, 3, 2, 1)  # every value negative: a zero padding would give 0 at the borders
    assert_array_equal(out[0, 0], [[-5, -5], [-5, -3]])
    assert_array_equal(idx[0, 0], [[4, 5], [4, 15]])


def test_max_pool_ties_and_nan():
    x = np.array([[[[2.0, 2.0, 1.0, np.nan, 0.0, np.nan, 9.0]]]])
    out, idx = max_pool2d(x, (1, 3), 1)
    # windows [2 2 1] [2 1 nan] [1 nan 0] [nan 0 nan] [0 nan 9]
    assert_array_equal(out[0, 0, 0], [2.0, np.nan, np.nan, np.nan, np.nan])
    assert_array_equal(idx[0, 0, 0], [0, 3, 3, 5, 5])  # first of tied maxima; the LAST NaN; NaN beats a later 9


@pytest.mark.parametrize(
    "hw, kernel, stride, padding, dilation, ceil_mode, expected",
    [
        ((5, 5), 2, 2, 0, 1, False, (2, 2)),
        ((5, 5), 2, 2, 0, 1, True, (3, 3)),  # the last window starts at row 4, inside: kept (it reads one row)
        ((5, 5), 2, 2, 1, 1, True, (3, 3)),  # ceil gives 4, but the 4th window would start in the padding
        ((112, 112), 3, 2, 1, 1, False, (56, 56)),  # ResNet
        ((7, 9), 3, 1, 0, 2, False, (3, 5)),  # dilation 2: the 3x3 kernel spans 5x5
        ((6, 8), (2, 3), (2, 1), (1, 0), (1, 2), True, (4, 4)),
    ],
)
def test_max_pool_output_size(hw, kernel, stride, padding, dilation, ceil_mode, expected):
    out, idx = max_pool2d(np.zeros((1, 2, *hw)), kernel, stride, padding, dilation, ceil_mode)
    assert out.shape == idx.shape == (1, 2, *expected)


@pytest.mark.parametrize(
    "shape, kernel, stride, padding, dilation, ceil_mode",
    [
        ((2, 3, 7, 6), 3, 2, 1, 1, False),
        ((1, 2, 6, 9), (2, 3), (1, 2), (1, 1), 1, True),
        ((1, 2, 9, 8), 3, 1, 1, (2, 3), False),
        ((2, 1, 5, 7), 3, 2, 0, 1, True),
    ],
)
def test_max_pool_matches_the_definition(shape, kernel, stride, padding, dilation, ceil_mode):
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 3, size=shape).astype(np.float64)  # small integers: plenty of ties
    x[rng.random(shape) < 0.1] = np.nan
    out, idx = max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    expected_out, expected_idx = direct_max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    assert_array_equal(out, expected_out)
    assert_array_equal(idx, expected_idx)


def test_max_pool_backward_adds_overlapping_windows():
    _, idx = max_pool2d(X, 3, 2, 1)
    dx = max_pool2d_backward(np.ones((1, 1, 2, 2)), idx, X.shape)
    # index 4 is the maximum of two windows: its gradient is 1 + 1
    assert_array_equal(dx[0, 0], [[0, 0, 0, 0], [2, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])


# --- average pooling -------------------------------------------------------------------------------------


def test_avg_pool_worked_example():
    assert_allclose(avg_pool2d(X, 3, 2, 1)[0, 0], np.array([[9, 7], [10, 16]]) / 9)
    assert_allclose(avg_pool2d(X, 3, 2, 1, count_include_pad=False)[0, 0], [[9 / 4, 7 / 6], [10 / 6, 16 / 9]])
    assert_allclose(avg_pool2d(X, 3, 2, 1, divisor_override=2)[0, 0], np.array([[9, 7], [10, 16]]) / 2)
    # ceil_mode: windows past the input's end (not padding) count only the cells that exist, even with
    # count_include_pad: divisors [[9, 6], [6, 4]]
    assert_allclose(avg_pool2d(X, 3, 2, 0, ceil_mode=True)[0, 0], [[12 / 9, 12 / 6], [-2 / 6, 9 / 4]])


@pytest.mark.parametrize(
    "shape, kernel, stride, padding, ceil_mode, include, override",
    [
        ((2, 3, 7, 6), 3, 2, 1, False, True, None),
        ((1, 2, 7, 6), 3, 2, 1, True, False, None),
        ((1, 2, 6, 9), (2, 4), (3, 2), (1, 2), True, True, None),
        ((2, 1, 5, 5), 2, None, 1, False, True, 3),
    ],
)
def test_avg_pool_matches_the_definition(shape, kernel, stride, padding, ceil_mode, include, override):
    x = np.random.default_rng(1).normal(size=shape)
    out = avg_pool2d(x, kernel, stride, padding, ceil_mode, include, override)
    expected = direct_avg_pool2d(x, kernel, stride, padding, ceil_mode, include, override)
    assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_avg_pool_backward():
    dx = avg_pool2d_backward(np.ones((1, 1, 2, 2)), X.shape, 3, 2, 1)
    # each cell gets 1/9 from every window covering it: row and column 1 are shared by two windows
    assert_allclose(dx[0, 0] * 9, [[1, 2, 1, 1], [2, 4, 2, 2], [1, 2, 1, 1], [1, 2, 1, 1]])


@pytest.mark.parametrize("ceil_mode, include", [(False, True), (True, True), (True, False)])
def test_avg_pool_backward_is_the_adjoint(ceil_mode, include):
    # avg pooling is linear: sum(avg_pool2d(x) * dout) == sum(x * avg_pool2d_backward(dout))
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 2, 7, 8))
    out = avg_pool2d(x, 3, 2, 1, ceil_mode, include)
    dout = rng.normal(size=out.shape)
    dx = avg_pool2d_backward(dout, x.shape, 3, 2, 1, ceil_mode, include)
    assert dx.shape == x.shape
    assert_allclose(np.sum(out * dout), np.sum(x * dx), rtol=1e-12)


# --- adaptive average pooling ----------------------------------------------------------------------------


def test_adaptive_worked_example():
    x = np.arange(1.0, 6.0).reshape(1, 1, 1, 5)
    # 5 -> 3: bins [0, 2), [1, 4), [3, 5): they overlap at columns 1 and 3
    assert_allclose(adaptive_avg_pool2d(x, (1, 3))[0, 0, 0], [1.5, 3.0, 4.5])
    dx = adaptive_avg_pool2d_backward(np.ones((1, 1, 1, 3)), x.shape)
    assert_allclose(dx[0, 0, 0], [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2])


@pytest.mark.parametrize(
    "hw, size", [((13, 13), 6), ((7, 10), (3, 4)), ((4, 6), (2, 3)), ((3, 2), (5, 4)), ((5, 5), 1)]
)
def test_adaptive_matches_the_definition(hw, size):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, *hw))
    assert_allclose(adaptive_avg_pool2d(x, size), direct_adaptive_avg_pool2d(x, size), rtol=1e-12, atol=1e-12)
    out = adaptive_avg_pool2d(x, size)
    dout = rng.normal(size=out.shape)
    dx = adaptive_avg_pool2d_backward(dout, x.shape)
    assert_allclose(np.sum(out * dout), np.sum(x * dx), rtol=1e-12)  # the adjoint, as for avg_pool2d


# --- arguments and dtypes --------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel, padding", [(3, 2), (2, 2), (1, 1), ((3, 4), (1, 3))])
def test_padding_larger_than_half_the_kernel_raises(kernel, padding):
    x = np.zeros((1, 1, 8, 8))
    with pytest.raises(ValueError, match="padding"):
        max_pool2d(x, kernel, 1, padding)
    with pytest.raises(ValueError, match="padding"):
        avg_pool2d(x, kernel, 1, padding)


def test_float32_stays_float32():
    x = X.astype(np.float32)
    out, idx = max_pool2d(x, 2)
    assert out.dtype == np.float32 and idx.dtype == np.int64
    assert max_pool2d_backward(np.ones((1, 1, 2, 2), np.float32), idx, x.shape).dtype == np.float32
    assert avg_pool2d(x, 2).dtype == np.float32
    assert avg_pool2d_backward(np.ones((1, 1, 2, 2), np.float32), x.shape, 2).dtype == np.float32
    assert adaptive_avg_pool2d(x, 3).dtype == np.float32
    assert adaptive_avg_pool2d_backward(np.ones((1, 1, 3, 3), np.float32), x.shape).dtype == np.float32
