"""Visible tests for kata 06. Run them with ``.venv/bin/pytest exercises/06_focal_loss``."""

import math

import numpy as np
import pytest
from focal_loss import sigmoid_focal_loss, sigmoid_focal_loss_grad
from numpy.testing import assert_allclose

LOG2 = math.log(2.0)


def test_worked_example_at_zero():
    # p = 1/2, cross-entropy = log 2, 1 - p_t = 1/2: loss = alpha_t * (1/2)**2 * log 2
    loss = sigmoid_focal_loss(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    assert_allclose(loss, [0.25 * 0.25 * LOG2, 0.75 * 0.25 * LOG2], rtol=1e-12)  # 0.0433217, 0.1299651
    mean = sigmoid_focal_loss(np.zeros(4), np.array([1.0, 0.0, 1.0, 0.0]), reduction="mean")
    assert np.ndim(mean) == 0
    assert_allclose(mean, 0.5 * LOG2 / 4, rtol=1e-12)  # 0.0866434


def test_easy_negative_is_down_weighted():
    # p = 0.01 on a negative: cross-entropy -log(0.99) = 0.01005, focal loss 0.75 * 0.01**2 times that
    x = np.array([-math.log(99.0), math.log(9.0)])  # p = 0.01 (easy negative), p = 0.9 (hard negative)
    loss = sigmoid_focal_loss(x, np.zeros(2))
    assert_allclose(loss, [0.75 * 1e-4 * -math.log(0.99), 0.75 * 0.81 * math.log(10.0)], rtol=1e-12)
    assert loss[1] / loss[0] > 1e5  # the hard negative counts over 100000 times more


def test_gradient_worked_example():
    # t = 1: alpha (1-p)^g (g p log p - (1-p));  t = 0: (1-alpha) p^g (p - g (1-p) log(1-p))
    grad = sigmoid_focal_loss_grad(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    assert_allclose(grad, [0.0625 * (-LOG2 - 0.5), 0.1875 * (0.5 + LOG2)], rtol=1e-12)  # -0.0745717, 0.2237151


@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (-1, 0.5), (0.6, 0.0)])
def test_gradient_matches_finite_differences(alpha, gamma):
    rng = np.random.default_rng(6)
    x = rng.normal(0, 3, size=(4, 5))
    t = rng.uniform(0, 1, size=(4, 5))
    t[0] = [0.0, 1.0, 0.0, 1.0, 0.0]
    h = 1e-6
    numeric = (sigmoid_focal_loss(x + h, t, alpha, gamma) - sigmoid_focal_loss(x - h, t, alpha, gamma)) / (2 * h)
    assert_allclose(sigmoid_focal_loss_grad(x, t, alpha, gamma), numeric, rtol=1e-5, atol=1e-8)
    grad_mean = sigmoid_focal_loss_grad(x, t, alpha, gamma, reduction="mean")
    assert_allclose(grad_mean, sigmoid_focal_loss_grad(x, t, alpha, gamma) / x.size, rtol=1e-12)


def test_huge_logits_are_finite_and_warning_free():
    x = np.array([-1e4, 1e4, 1e4, -1e4])
    t = np.array([1.0, 0.0, 1.0, 0.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = sigmoid_focal_loss(x, t)
        grad = sigmoid_focal_loss_grad(x, t)
    # confidently wrong: cross-entropy = |x| and 1 - p_t = 1; confidently right: 0
    assert_allclose(loss, [0.25 * 1e4, 0.75 * 1e4, 0.0, 0.0], atol=1e-12)
    assert_allclose(grad, [-0.25, 0.75, 0.0, 0.0], atol=1e-12)


def test_reductions_and_argument_checks():
    x = np.array([[-1.0, 2.0], [0.5, 3.0]])
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    each = sigmoid_focal_loss(x, t)
    assert_allclose(sigmoid_focal_loss(x, t, reduction="sum"), each.sum(), rtol=1e-12)
    assert_allclose(sigmoid_focal_loss(x, t, reduction="mean"), each.sum() / 4, rtol=1e-12)
    with pytest.raises(ValueError):
        sigmoid_focal_loss(x, t, alpha=-0.5)  # only [0, 1] or exactly -1
    with pytest.raises(ValueError):
        sigmoid_focal_loss_grad(x, t, reduction="avg")


def test_float32_in_float32_out():
    x = np.array([-3.0, 0.0, 3.0], dtype=np.float32)
    t = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    assert sigmoid_focal_loss(x, t).dtype == np.float32
    assert np.asarray(sigmoid_focal_loss(x, t, reduction="sum")).dtype == np.float32
    assert sigmoid_focal_loss_grad(x, t).dtype == np.float32
