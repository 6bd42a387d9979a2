"""Visible tests for kata 05. Run them with ``.venv/bin/pytest exercises/05_conv2d``.

Two helpers here are worth reusing in your own experiments: ``direct_conv2d`` is the definition written as
plain loops (slow, but obviously right on tiny arrays), and ``numerical_gradient`` checks any backward pass
with central differences.
"""

import numpy as np
import pytest
from conv2d import conv2d_backward, conv2d_forward
from numpy.testing import assert_allclose


def pair(v):
    return (v, v) if np.ndim(v) == 0 else tuple(v)


def direct_conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """The definition, one output value at a time: out[n, f, oh, ow] = b[f] + sum over c, i, j of
    w[f, c, i, j] * xpad[n, g*Cg + c, oh*sh + i*dh, ow*sw + j*dw], with g = f // (F // groups)."""
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            g = f // (F // groups)
            for oh in range(OH):
                for ow in range(OW):
                    total = 0.0 if b is None else b[f]
                    for c in range(Cg):
                        for i in range(KH):
                            for j in range(KW):
                                total += w[f, c, i, j] * xpad[n, g * Cg + c, oh * sh + i * dh, ow * sw + j * dw]
                    out[n, f, oh, ow] = total
    return out


def numerical_gradient(loss, a, eps=1e-6):
    """d loss() / d a by central differences, one entry of ``a`` at a time (``a`` is changed and restored)."""
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        saved = a[idx]
        a[idx] = saved + eps
        plus = loss()
        a[idx] = saved - eps
        minus = loss()
        a[idx] = saved
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def test_worked_example_is_cross_correlation():
    # x[i, j] = 4i + j, and the kernel is NOT flipped: out[i, j] = x[i, j] + 2 x[i, j+1] - x[i+1, j+1] = 8i + 2j - 3
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
    out, _ = conv2d_forward(x, w, np.array([0.5]))
    expected = np.array([[-3.0, -1.0, 1.0], [5.0, 7.0, 9.0], [13.0, 15.0, 17.0]]) + 0.5
    assert out.shape == (1, 1, 3, 3)
    assert_allclose(out[0, 0], expected)


@pytest.mark.parametrize(
    "hw, kernel, stride, padding, dilation, expected",
    [
        ((5, 5), (3, 3), 1, 0, 1, (3, 3)),
        ((5, 5), (3, 3), 1, 1, 1, (5, 5)),  # "same" padding for a 3x3 kernel
        ((7, 7), (3, 3), 2, 1, 1, (4, 4)),
        ((8, 8), (3, 3), 2, 1, 1, (4, 4)),  # (8 + 2 - 3) / 2 = 3.5: the floor drops the bottom/right padding
        ((8, 8), (3, 3), 3, 0, 1, (2, 2)),  # (8 - 3) / 3 = 1.67: the last two rows and columns are never read
        ((9, 9), (3, 3), 1, 0, 2, (5, 5)),  # dilation 2: the 3x3 kernel spans 5x5
        ((10, 7), (2, 5), (3, 1), (0, 2), (2, 1), (3, 7)),  # every argument as an (h, w) pair
    ],
)
def test_output_size(hw, kernel, stride, padding, dilation, expected):
    x = np.ones((1, 2, *hw))
    w = np.ones((3, 2, *kernel))
    out, _ = conv2d_forward(x, w, None, stride, padding, dilation)
    assert out.shape == (1, 3, *expected)


@pytest.mark.parametrize(
    "x_shape, w_shape, stride, padding, dilation, groups",
    [
        ((2, 3, 6, 5), (4, 3, 3, 3), 1, 1, 1, 1),
        ((1, 2, 7, 8), (3, 2, 2, 3), (2, 3), (1, 0), 1, 1),  # non-square kernel, stride does not divide
        ((1, 2, 9, 7), (2, 2, 3, 2), 1, (2, 1), (2, 3), 1),  # dilation
        ((2, 4, 5, 5), (6, 2, 3, 3), 2, 1, 1, 2),  # groups: filters 0-2 see channels 0-1, filters 3-5 channels 2-3
        ((1, 3, 6, 6), (6, 1, 3, 3), 1, 1, 1, 3),  # depthwise with two filters per channel
    ],
)
def test_matches_the_definition(x_shape, w_shape, stride, padding, dilation, groups):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    out, _ = conv2d_forward(x, w, b, stride, padding, dilation, groups)
    assert_allclose(out, direct_conv2d(x, w, b, stride, padding, dilation, groups), rtol=1e-10, atol=1e-12)


def test_backward_worked_example():
    # With dout all ones, db is the number of output pixels (times the batch), dw[i, j] is the sum of the
    # input pixels that tap (i, j) ever touches, and dx counts how many windows cover each pixel times w.
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    out, cache = conv2d_forward(x, w, np.zeros(1))
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert_allclose(db, [4.0])
    assert_allclose(dw[0, 0], [[0 + 1 + 3 + 4, 1 + 2 + 4 + 5], [3 + 4 + 6 + 7, 4 + 5 + 7 + 8]])
    assert_allclose(dx[0, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


@pytest.mark.parametrize(
    "x_shape, w_shape, stride, padding, dilation, groups",
    [
        ((2, 2, 6, 5), (3, 2, 3, 2), 1, 1, 1, 1),
        ((2, 2, 8, 7), (2, 2, 3, 3), 2, (0, 1), 1, 1),  # (8 - 3) % 2 == 1: the last input row gets no gradient
        ((1, 4, 9, 8), (4, 2, 2, 3), (3, 2), (0, 1), (2, 1), 2),
    ],
)
def test_gradients_numerically(x_shape, w_shape, stride, padding, dilation, groups):
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    out, cache = conv2d_forward(x, w, b, stride, padding, dilation, groups)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv2d_backward(dout, cache)

    def loss():  # the scalar whose gradient conv2d_backward returns
        return np.sum(conv2d_forward(x, w, b, stride, padding, dilation, groups)[0] * dout)

    assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)
    assert_allclose(dw, numerical_gradient(loss, w), rtol=1e-5, atol=1e-7)
    assert_allclose(db, numerical_gradient(loss, b), rtol=1e-5, atol=1e-7)


def test_float32_and_no_bias():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 5, 5)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    out, cache = conv2d_forward(x, w, None, padding=1)
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert out.dtype == dx.dtype == dw.dtype == np.float32
    assert db is None
    assert dx.shape == x.shape and dw.shape == w.shape


def test_groups_are_independent_convolutions():
    # groups=2 is two separate convolutions side by side: channels/filters split into consecutive halves
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 6, 7, 7)), rng.normal(size=(4, 3, 3, 3))
    out, _ = conv2d_forward(x, w, None, stride=2, groups=2)
    first, _ = conv2d_forward(x[:, :3], w[:2], None, stride=2)
    second, _ = conv2d_forward(x[:, 3:], w[2:], None, stride=2)
    assert_allclose(out, np.concatenate([first, second], axis=1), rtol=1e-12, atol=1e-12)
