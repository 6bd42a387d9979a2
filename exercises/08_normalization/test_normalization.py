"""Visible tests for kata 08. Run them with ``.venv/bin/pytest exercises/08_normalization``.

``numerical_gradient`` checks any backward pass with central differences: reuse it in your own experiments.
"""

import numpy as np
import pytest
from normalization import (
    batch_norm_backward,
    batch_norm_forward,
    group_norm_backward,
    group_norm_forward,
    layer_norm_backward,
    layer_norm_forward,
)
from numpy.testing import assert_allclose


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


# The README's worked example: (N, C) = (4, 2); channel 0 is [0, 0, 4, 4] (mean 2, variance 4), channel 1 is
# [1, 5, 1, 5] (mean 3, variance 4), so with eps = 0 both normalize to +-1 exactly.
X = np.array([[0.0, 1.0], [0.0, 5.0], [4.0, 1.0], [4.0, 5.0]])
GAMMA = np.array([2.0, 0.5])
BETA = np.array([1.0, -1.0])


def test_batch_norm_worked_example():
    out, new_mean, new_var, _ = batch_norm_forward(X, np.zeros(2), np.ones(2), GAMMA, BETA, True, 0.1, 0.0)
    assert_allclose(out, [[-1.0, -1.5], [-1.0, -0.5], [3.0, -1.5], [3.0, -0.5]])
    # new = 0.9 * old + 0.1 * batch, and the variance enters unbiased: 4 * 4 / 3 = 16 / 3
    assert_allclose(new_mean, [0.2, 0.3])
    assert_allclose(new_var, [0.9 + 1.6 / 3, 0.9 + 1.6 / 3])


def test_batch_norm_leaves_the_running_statistics_given_alone():
    running_mean, running_var = np.array([0.5, -0.5]), np.array([2.0, 3.0])
    batch_norm_forward(X, running_mean, running_var, GAMMA, BETA, True, 0.1, 1e-5)
    assert_allclose(running_mean, [0.5, -0.5])
    assert_allclose(running_var, [2.0, 3.0])


def test_batch_norm_statistics_over_batch_and_space():
    # one channel, values spread over the batch AND the spatial axes: one mean (2) and one variance (4)
    x = np.array([[[[0.0, 4.0]]], [[[4.0, 0.0]]]])  # (N, C, H, W) = (2, 1, 1, 2)
    out, _, new_var, _ = batch_norm_forward(x, np.zeros(1), np.zeros(1), eps=0.0, momentum=1.0)
    assert_allclose(out.ravel(), [-1.0, 1.0, 1.0, -1.0])
    assert_allclose(new_var, [16.0 / 3])  # n = 4 values per channel


def test_batch_norm_eval_uses_the_running_statistics():
    running_mean, running_var = np.array([1.0, 2.0]), np.array([4.0, 0.25])
    out, new_mean, new_var, _ = batch_norm_forward(X, running_mean, running_var, training=False, eps=0.0)
    assert_allclose(out, (X - running_mean) / np.sqrt(running_var))
    assert_allclose(new_mean, running_mean)
    assert_allclose(new_var, running_var)


def test_eps_inside_the_square_root():
    # values [0, 2]: variance 1; eps = 3 gives sqrt(1 + 3) = 2, not sqrt(1) + 3 = 4
    x = np.array([[0.0], [2.0]])
    out, _, _, _ = batch_norm_forward(x, np.zeros(1), np.ones(1), eps=3.0)
    assert_allclose(out.ravel(), [-0.5, 0.5])


@pytest.mark.parametrize("shape", [(1, 3), (1, 2, 1, 1)])
def test_batch_norm_one_value_per_channel_raises(shape):
    with pytest.raises(ValueError):
        batch_norm_forward(np.ones(shape), np.zeros(shape[1]), np.ones(shape[1]), training=True)


def test_batch_norm_backward_worked_example():
    # dx = gamma / std * (dout - mean(dout) - xhat * mean(dout * xhat)), per channel
    _, _, _, cache = batch_norm_forward(X, np.zeros(2), np.ones(2), GAMMA, BETA, True, 0.1, 0.0)
    dout = np.array([[1.0, 2.0], [0.0, 2.0], [0.0, 2.0], [0.0, 2.0]])
    dx, dgamma, dbeta = batch_norm_backward(dout, cache)
    assert_allclose(dx, [[0.5, 0.0], [-0.5, 0.0], [0.0, 0.0], [0.0, 0.0]], atol=1e-12)
    assert_allclose(dgamma, [-1.0, 0.0], atol=1e-12)
    assert_allclose(dbeta, [1.0, 8.0])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradients_numerically(training):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2, 2, 3)) * 2 + 1
    gamma, beta = rng.normal(size=2), rng.normal(size=2)
    running_mean, running_var = rng.normal(size=2), rng.uniform(0.5, 2, size=2)
    dout = rng.normal(size=x.shape)
    _, _, _, cache = batch_norm_forward(x, running_mean, running_var, gamma, beta, training)
    dx, dgamma, dbeta = batch_norm_backward(dout, cache)

    def loss():
        return np.sum(batch_norm_forward(x, running_mean, running_var, gamma, beta, training)[0] * dout)

    assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)
    assert_allclose(dgamma, numerical_gradient(loss, gamma), rtol=1e-5, atol=1e-7)
    assert_allclose(dbeta, numerical_gradient(loss, beta), rtol=1e-5, atol=1e-7)


def test_no_gamma_beta_gives_none_gradients():
    _, _, _, cache = batch_norm_forward(X, np.zeros(2), np.ones(2))
    dx, dgamma, dbeta = batch_norm_backward(np.ones_like(X), cache)
    assert dx.shape == X.shape and dgamma is None and dbeta is None
    _, cache = layer_norm_forward(X, 2)
    assert layer_norm_backward(np.ones_like(X), cache)[1:] == (None, None)
    _, cache = group_norm_forward(X, 1)
    assert group_norm_backward(np.ones_like(X), cache)[1:] == (None, None)


def test_empty_batch():
    x = np.zeros((0, 3, 4, 4))
    running_mean, running_var = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    out, new_mean, new_var, _ = batch_norm_forward(x, running_mean, running_var)
    assert out.shape == (0, 3, 4, 4)
    assert_allclose(new_mean, running_mean)
    assert_allclose(new_var, running_var)


def test_layer_norm_worked_example():
    # one mean and variance per row (the last axis): row 0 [0, 0, 4, 4], row 1 [1, 5, 1, 5]
    x = np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 5.0, 1.0, 5.0]])
    gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.0, 0.0, 1.0])
    out, _ = layer_norm_forward(x, 4, gamma, beta, eps=0.0)
    assert_allclose(out, [[-1.0, -2.0, 3.0, 5.0], [-1.0, 2.0, -3.0, 5.0]])


def test_layer_norm_gradients_numerically():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4))
    gamma, beta = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    dout = rng.normal(size=x.shape)
    out, cache = layer_norm_forward(x, (3, 4), gamma, beta)
    dx, dgamma, dbeta = layer_norm_backward(dout, cache)

    def loss():
        return np.sum(layer_norm_forward(x, (3, 4), gamma, beta)[0] * dout)

    assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)
    assert_allclose(dgamma, numerical_gradient(loss, gamma), rtol=1e-5, atol=1e-7)
    assert_allclose(dbeta, numerical_gradient(loss, beta), rtol=1e-5, atol=1e-7)


def test_group_norm_groups_are_consecutive_channels():
    # (N, C, L) = (1, 4, 2), 2 groups: channels 0-1 ([0, 4, 4, 0]: mean 2, variance 4) and channels 2-3
    # ([1, 1, 3, 3]: mean 2, variance 1)
    x = np.array([[[0.0, 4.0], [4.0, 0.0], [1.0, 1.0], [3.0, 3.0]]])
    gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 0.0, -1.0])
    out, _ = group_norm_forward(x, 2, gamma, beta, eps=0.0)
    assert_allclose(out, [[[-1.0, 1.0], [3.0, -1.0], [-3.0, -3.0], [3.0, 3.0]]])


@pytest.mark.parametrize("num_groups", [3, 0])
def test_group_norm_bad_num_groups_raises(num_groups):
    with pytest.raises(ValueError):
        group_norm_forward(np.ones((2, 4, 3)), num_groups)


def test_group_norm_gradients_numerically():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 6, 2, 2))
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    dout = rng.normal(size=x.shape)
    out, cache = group_norm_forward(x, 3, gamma, beta)
    dx, dgamma, dbeta = group_norm_backward(dout, cache)

    def loss():
        return np.sum(group_norm_forward(x, 3, gamma, beta)[0] * dout)

    assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)
    assert_allclose(dgamma, numerical_gradient(loss, gamma), rtol=1e-5, atol=1e-7)
    assert_allclose(dbeta, numerical_gradient(loss, beta), rtol=1e-5, atol=1e-7)


def test_float32_with_a_large_mean():
    # float32 activations around 1e4 with spread 1: E[x^2] - E[x]^2 loses every digit of the variance
    rng = np.random.default_rng(3)
    x = (1e4 + rng.normal(size=(64, 2))).astype(np.float32)
    out, _, new_var, _ = batch_norm_forward(x, np.zeros(2, np.float32), np.zeros(2, np.float32), momentum=1.0)
    x64 = x.astype(np.float64)
    expected = (x64 - x64.mean(0)) / np.sqrt(x64.var(0) + 1e-5)
    assert out.dtype == np.float32 and new_var.dtype == np.float32
    assert_allclose(out, expected, atol=2e-3)
    assert_allclose(new_var, x64.var(0, ddof=1), rtol=1e-3)
