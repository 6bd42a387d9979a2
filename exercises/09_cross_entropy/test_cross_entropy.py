"""Visible tests for kata 09. Run them with ``.venv/bin/pytest exercises/09_cross_entropy``."""

import math

import numpy as np
import pytest
from cross_entropy import cross_entropy, cross_entropy_grad
from numpy.testing import assert_allclose

L4, L2, L3, L7 = math.log(4.0), math.log(2.0), math.log(3.0), math.log(7.0)
# The README's batch: softmax of row 0 is (4, 2, 1) / 7, row 1 is uniform, row 2 is ignored.
X = np.array([[L4, L2, 0.0], [0.0, 0.0, 0.0], [5.0, -1.0, 2.0]])
T = np.array([0, 2, -100])
W = np.array([2.0, 1.0, 0.5])


def test_worked_example():
    x, t = X[:1], T[:1]
    # -log p[0] = log(7 / 4); the gradient is softmax - one_hot
    assert_allclose(cross_entropy(x, t), math.log(7 / 4), rtol=1e-12)  # 0.5596158
    assert_allclose(cross_entropy_grad(x, t), [[-3 / 7, 2 / 7, 1 / 7]], rtol=1e-12)


def test_label_smoothing_puts_e_over_c_on_every_class():
    x, t = X[:1], T[:1]
    # target distribution (0.8, 0.1, 0.1) for e = 0.3, C = 3: the target gets 1 - e + e / C
    expected = 0.7 * math.log(7 / 4) + 0.1 * (math.log(7 / 4) + math.log(7 / 2) + L7)  # 0.7675599
    assert_allclose(cross_entropy(x, t, label_smoothing=0.3), expected, rtol=1e-12)
    assert_allclose(
        cross_entropy_grad(x, t, label_smoothing=0.3), [[4 / 7 - 0.8, 2 / 7 - 0.1, 1 / 7 - 0.1]], rtol=1e-12
    )


def test_ignored_positions_and_reductions():
    each = cross_entropy(X, T, reduction="none")
    assert_allclose(each, [math.log(7 / 4), L3, 0.0], rtol=1e-12)  # the ignored row gives 0
    assert_allclose(cross_entropy(X, T, reduction="sum"), math.log(7 / 4) + L3, rtol=1e-12)
    mean = cross_entropy(X, T)
    assert np.ndim(mean) == 0
    assert_allclose(mean, (math.log(7 / 4) + L3) / 2, rtol=1e-12)  # 0.8291140: 2 positions count, not 3
    grad = cross_entropy_grad(X, T)
    assert_allclose(grad[2], 0.0, atol=0)
    assert_allclose(grad[:2], [[-3 / 14, 1 / 7, 1 / 14], [1 / 6, 1 / 6, -1 / 3]], rtol=1e-12)


def test_weighted_mean_divides_by_target_weights():
    # weighted losses 2 log(7/4) and 0.5 log 3; the mean divides by w[0] + w[2] = 2.5
    assert_allclose(cross_entropy(X, T, W, reduction="none"), [2 * math.log(7 / 4), 0.5 * L3, 0.0], rtol=1e-12)
    assert_allclose(cross_entropy(X, T, W), (2 * math.log(7 / 4) + 0.5 * L3) / 2.5, rtol=1e-12)  # 0.6674151
    grad = cross_entropy_grad(X, T, W)
    assert_allclose(grad[0], np.array([-3 / 7, 2 / 7, 1 / 7]) * 2 / 2.5, rtol=1e-12)
    assert_allclose(grad[1], np.array([1 / 3, 1 / 3, -2 / 3]) * 0.5 / 2.5, rtol=1e-12)


def test_weights_with_label_smoothing():
    # (1 - e) w[y] (-p[y]) + (e / C) sum_c w[c] (-p[c]); row 1: 0.35 log 3 + 0.1 * 3.5 log 3 = 0.7 log 3
    row0 = 0.7 * 2 * math.log(7 / 4) + 0.1 * (2 * math.log(7 / 4) + math.log(7 / 2) + 0.5 * L7)  # 1.1179571
    each = cross_entropy(X, T, W, reduction="none", label_smoothing=0.3)
    assert_allclose(each, [row0, 0.7 * L3, 0.0], rtol=1e-12)
    assert_allclose(cross_entropy(X, T, W, label_smoothing=0.3), (row0 + 0.7 * L3) / 2.5, rtol=1e-12)  # 0.7547943
    grad = cross_entropy_grad(X, T, W, reduction="sum", label_smoothing=0.3)
    assert_allclose(grad[0], [-0.6, 0.4, 0.2], rtol=1e-12)


def test_class_axis_is_one():
    # rows 0 and 1 of X as the two pixels of a (1, 3, 1, 2) map: classes on axis 1
    seg = np.moveaxis(X[:2], 1, 0)[None, :, None, :]
    target = T[:2].reshape(1, 1, 2)
    assert_allclose(cross_entropy(seg, target, reduction="none"), [[[math.log(7 / 4), L3]]], rtol=1e-12)
    grad = cross_entropy_grad(seg, target, reduction="sum")
    assert grad.shape == (1, 3, 1, 2)
    assert_allclose(grad[0, :, 0, 0], [-3 / 7, 2 / 7, 1 / 7], rtol=1e-12)


def test_huge_logits_stay_finite():
    x = np.array([[1e4, -1e4]], dtype=np.float32)  # exp(1e4) overflows: shift by the maximum first
    assert_allclose(cross_entropy(x, np.array([1]), reduction="none"), [2e4], rtol=1e-6)
    assert_allclose(cross_entropy_grad(x, np.array([1])), [[1.0, -1.0]], atol=1e-6)
    smoothed = cross_entropy(x, np.array([0]), label_smoothing=0.2)
    assert_allclose(smoothed, 0.1 * 2e4, rtol=1e-6)  # e / C on the class 2e4 below the maximum


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_gradient_matches_finite_differences(reduction):
    rng = np.random.default_rng(9)
    x = rng.normal(0, 2, size=(4, 5, 3))
    t = rng.integers(0, 5, size=(4, 3))
    t[1, 2] = -100
    w = rng.uniform(0.5, 2, size=5)
    g = rng.normal(size=(4, 3)) if reduction == "none" else 1.7
    args = dict(weight=w, reduction=reduction, label_smoothing=0.15)

    def f(v):
        return float(np.sum(cross_entropy(v, t, **args) * g))

    numeric = np.zeros_like(x)
    h = 1e-6
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (f(up) - f(down)) / (2 * h)
    assert_allclose(cross_entropy_grad(x, t, grad_output=g, **args), numeric, rtol=1e-5, atol=1e-8)


def test_all_ignored_and_argument_checks():
    t = np.array([-100, -100, -100])
    assert np.isnan(cross_entropy(X, t))  # 0 / 0, as torch
    assert cross_entropy(X, t, reduction="sum") == 0
    assert_allclose(cross_entropy_grad(X, t), 0.0, atol=0)
    with pytest.raises(ValueError):
        cross_entropy(X, np.array([0, 3, 1]))  # class 3 does not exist for C = 3
    with pytest.raises(ValueError):
        cross_entropy_grad(X, np.array([0, -1, 1]))  # -1 is not ignore_index
    with pytest.raises(ValueError):
        cross_entropy(X, T, label_smoothing=1.5)


def test_float32_in_float32_out():
    x = X.astype(np.float32)
    assert cross_entropy(x, T, reduction="none").dtype == np.float32
    assert np.asarray(cross_entropy(x, T)).dtype == np.float32
    assert cross_entropy_grad(x, T, label_smoothing=0.1).dtype == np.float32
