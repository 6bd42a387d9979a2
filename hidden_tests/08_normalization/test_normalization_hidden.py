"""Hidden tests for kata 08: batch, layer and group norm, forward and backward, against torch (its answers
recorded in oracle.npz, asked live for any call not recorded: ``grader.grading.oracle``).

Every case runs the submission and ``torch.nn.functional.batch_norm`` / ``layer_norm`` / ``group_norm`` with
autograd on the same arrays.
- float64: within 1e-9 relative, plus a slack of 1e-11 times the magnitude of the terms behind each entry
  (for ``out``: ``(|x| + |mean|) / std * |gamma| + |beta|``; for dx the three terms of the gradient; for the
  parameter gradients the sums of absolute values), so a different order of operations never fails while any
  real mistake does.
- float32: within 8 times the largest error of torch's own float32 result against its float64 result on the
  same input (the contract's calibration), and at least F32_FLOOR float32 ulps of that magnitude. A float32
  implementation that subtracts a float32-rounded mean, or computes ``x * a + b`` instead of
  ``(x - mean) * a``, loses up to an ulp of ``|x| / std``: the floor allows for it, and for nothing more.
"""

import math
from pathlib import Path

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

from grader.grading.checks import check_array
from grader.grading.oracle import ORACLE_FILE, Recorded, oracle_torch

TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

F32_FACTOR = 8.0
F32_FLOOR = 16.0  # float32 ulps of an entry's magnitude
F64_RTOL, F64_SLACK = 1e-9, 1e-11
EPS32 = float(np.finfo(np.float32).eps)


# --- comparison -------------------------------------------------------------------------------------------


def check_close(got, expected, allowed, *, what, dtype):
    """``got`` is an ndarray of ``expected``'s shape and ``dtype``, within ``allowed`` (scalar or per entry)."""
    if type(got) is not np.ndarray:
        raise AssertionError(f"{what}: expected a numpy array, got {type(got).__name__}")
    if got.shape != expected.shape:
        raise AssertionError(f"{what}: shape {got.shape}, expected {expected.shape}")
    if got.dtype != np.dtype(dtype):
        raise AssertionError(f"{what}: dtype {got.dtype}, expected {np.dtype(dtype)}")
    if got.size == 0:
        return
    error = np.abs(got.astype(np.float64) - expected)
    allowed = np.broadcast_to(allowed, error.shape)
    bad = ~(error <= allowed)  # NaN counts as bad
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {got.size} values differ; at {idx} got {float(got[idx]):.10g}, "
            f"expected {float(expected[idx]):.10g} (error {error[idx]:.3g}, allowed {allowed[idx]:.3g})"
        )


def compare(got, expected, bounds, torch32, *, label, dtype):
    """Each named result of the submission against torch's float64 one (float64 or float32 rules)."""
    for name, e in expected.items():
        g = got[name]
        what = f"{name} for {label}" + (" (float32)" if dtype == np.float32 else "")
        if e is None:
            assert g is None, f"{what}: expected None (the forward had no {name[1:]}), got {type(g).__name__}"
            continue
        if dtype == np.float64:
            allowed = F64_RTOL * np.abs(e) + F64_SLACK * bounds[name]
        else:
            torch_error = float(np.max(np.abs(torch32[name] - e), initial=0.0))
            allowed = np.maximum(F32_FACTOR * torch_error, F32_FLOOR * EPS32 * bounds[name])
        check_close(g, e, allowed, what=what, dtype=dtype)


def as_tensor(a, dtype, grad=False):
    return None if a is None else oracle_torch().tensor(a, dtype=dtype, requires_grad=grad)


def as_array(t):
    return None if t is None else t.detach().numpy().astype(np.float64)


def unchanged(arrays, copies, label):
    for name, a, c in zip(("x", "running_mean", "running_var", "gamma", "beta", "dout"), arrays, copies):
        if a is not None:
            check_array(a, c, what=f"{name} after forward and backward for {label} (inputs must not change)", rtol=0)


# --- batch norm ---------------------------------------------------------------------------------------------


@TORCH
def torch_batch_norm(x, rm, rv, gamma, beta, dout, training, momentum, eps, dtype="float64"):
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx, tg, tb = as_tensor(x, dtype, True), as_tensor(gamma, dtype, True), as_tensor(beta, dtype, True)
    trm, trv = as_tensor(rm, dtype), as_tensor(rv, dtype)
    out = F.batch_norm(tx, trm, trv, tg, tb, training, momentum, eps)
    if out.numel():
        out.backward(torch.tensor(dout, dtype=dtype))
    grads = [None if t is None else (t.grad if t.grad is not None else torch.zeros_like(t)) for t in (tx, tg, tb)]
    return {
        "out": as_array(out),
        "new_running_mean": as_array(trm),
        "new_running_var": as_array(trv),
        "dx": as_array(grads[0]),
        "dgamma": as_array(grads[1]),
        "dbeta": as_array(grads[2]),
    }


def batch_norm_bounds(x, rm, rv, gamma, beta, dout, training, momentum, eps):
    """Per entry, the magnitude of the terms each result adds up (an ulp of it is a fair rounding error)."""
    axes = (0, *range(2, x.ndim))
    C = x.shape[1]
    shape = (1, C) + (1,) * (x.ndim - 2)
    n = x.size // C if C else 0
    if training and x.size:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
    else:
        mean, var = rm, rv
    invstd = 1 / np.sqrt(var + eps)
    g = np.ones(C) if gamma is None else np.abs(gamma)
    b = np.zeros(C) if beta is None else np.abs(beta)
    xh = (np.abs(x) + np.abs(mean).reshape(shape)) * invstd.reshape(shape)  # |xhat| before cancellation
    k = (g * invstd).reshape(shape)
    ad = np.abs(dout)
    bounds = {"out": xh * g.reshape(shape) + b.reshape(shape)}
    if training and x.size:
        mean_d = ad.mean(axis=axes).reshape(shape)
        mean_dx = (ad * xh).mean(axis=axes).reshape(shape)
        bounds["dx"] = k * (ad + mean_d + xh * mean_dx)
        peak = np.abs(x).max(axis=axes)
        if rm is not None:
            bounds["new_running_mean"] = (1 - momentum) * np.abs(rm) + momentum * peak
            bounds["new_running_var"] = (1 - momentum) * np.abs(rv) + momentum * (var + peak**2 * EPS32) * n / (n - 1)
    else:
        bounds["dx"] = k * ad
        if rm is not None:
            bounds["new_running_mean"] = np.abs(rm)
            bounds["new_running_var"] = np.abs(rv)
    bounds["dgamma"] = (ad * xh).sum(axis=axes)
    bounds["dbeta"] = ad.sum(axis=axes)
    return bounds


def run_batch_norm(x, rm, rv, gamma, beta, dout, training, momentum, eps):
    out, new_mean, new_var, cache = batch_norm_forward(x, rm, rv, gamma, beta, training, momentum, eps)
    got = {"out": out, "new_running_mean": new_mean, "new_running_var": new_var}
    grads = tuple(batch_norm_backward(dout, cache))
    assert len(grads) == 3, f"batch_norm_backward must return (dx, dgamma, dbeta), got {len(grads)} values"
    got.update(zip(("dx", "dgamma", "dbeta"), grads))
    return got


def describe_bn(x, training, gamma, beta, momentum, eps):
    text = f"batch_norm of x {x.shape}, {'training' if training else 'eval'}, momentum {momentum}, eps {eps}"
    if gamma is None or beta is None:
        text += ", " + ", ".join(f"{n} None" for n, v in (("gamma", gamma), ("beta", beta)) if v is None)
    return text


def check_batch_norm(x, rm, rv, gamma, beta, dout, training=True, momentum=0.1, eps=1e-5, dtype=np.float64, label=None):
    label = label or describe_bn(x, training, gamma, beta, momentum, eps)
    args = [None if a is None else np.asarray(a, dtype=dtype) for a in (x, rm, rv, gamma, beta, dout)]
    exact = [None if a is None else a.astype(np.float64) for a in args]
    copies = [None if a is None else a.copy() for a in args]
    got = run_batch_norm(*args, training, momentum, eps)
    unchanged(args, copies, label)
    expected = torch_batch_norm(*exact, training, momentum, eps)
    torch32 = None
    if dtype == np.float32:
        torch32 = torch_batch_norm(*exact, training, momentum, eps, dtype="float32")
    compare(got, expected, batch_norm_bounds(*exact, training, momentum, eps), torch32, label=label, dtype=dtype)


def bn_arrays(rng, shape, affine=(True, True), scale=1.0, offset=0.0):
    C = shape[1]
    spread = rng.uniform(0.3, 3.0, size=(1, C) + (1,) * (len(shape) - 2))
    x = rng.normal(size=shape) * spread * scale + offset + rng.normal(size=(1, C) + (1,) * (len(shape) - 2))
    rm, rv = rng.normal(size=C), rng.uniform(0.2, 3.0, size=C)
    gamma = rng.normal(size=C) if affine[0] else None
    beta = rng.normal(size=C) if affine[1] else None
    dout = rng.normal(size=shape)
    return x, rm, rv, gamma, beta, dout


BN_SHAPES = [(5, 3), (4, 3, 7), (3, 4, 5, 6), (2, 3, 2, 3, 4), (2, 5, 1, 1), (7, 2, 3, 1)]
AFFINE = [(True, True), (False, False), (True, False), (False, True)]


@pytest.mark.parametrize("seed", range(16))
def test_batch_norm_random_float64(seed):
    rng = np.random.default_rng([8, seed])
    shape = BN_SHAPES[seed % len(BN_SHAPES)]
    training = seed % 3 != 2
    momentum = float(rng.choice([0.1, 0.3, 0.01, 0.9]))
    eps = float(rng.choice([1e-5, 1e-3, 0.1]))
    check_batch_norm(*bn_arrays(rng, shape, AFFINE[seed % 4]), training, momentum, eps)


@pytest.mark.parametrize("seed", range(8))
def test_batch_norm_random_float32(seed):
    rng = np.random.default_rng([80, seed])
    shape = [(16, 3), (6, 4, 9), (4, 3, 6, 5), (2, 2, 3, 4, 5)][seed % 4]
    training = seed % 4 != 3
    check_batch_norm(*bn_arrays(rng, shape, AFFINE[seed % 4], scale=3.0), training, 0.2, 1e-5, dtype=np.float32)


def test_batch_norm_float32_larger_reductions():
    rng = np.random.default_rng(81)
    check_batch_norm(*bn_arrays(rng, (16, 8, 12, 12), scale=5.0, offset=2.0), True, 0.1, 1e-5, dtype=np.float32)


# the mistakes this kata is about


def test_running_variance_is_unbiased():
    # n = 2 values per channel: the unbiased variance is twice the biased one, while out uses the biased one
    rng = np.random.default_rng(82)
    check_batch_norm(*bn_arrays(rng, (2, 4)), True, 0.5, 1e-5)
    check_batch_norm(*bn_arrays(rng, (1, 3, 2)), True, 0.3, 1e-5)
    check_batch_norm(*bn_arrays(rng, (3, 2, 1, 1)), True, 1.0, 1e-5)


def test_momentum_convention():
    # new = (1 - momentum) * old + momentum * batch: with momentum 0.1 the old value keeps 90 %
    rng = np.random.default_rng(83)
    x, rm, rv, gamma, beta, dout = bn_arrays(rng, (6, 3, 4))
    check_batch_norm(x, rm + 5.0, rv * 10.0, gamma, beta, dout, True, 0.1, 1e-5)
    check_batch_norm(x, rm - 3.0, rv * 0.1, gamma, beta, dout, True, 0.8, 1e-5)


def test_statistics_over_batch_and_space():
    # per-position statistics, or over the batch axis only, differ from per-channel ones here
    rng = np.random.default_rng(84)
    x, rm, rv, gamma, beta, dout = bn_arrays(rng, (3, 2, 4, 5))
    x = x + rng.normal(size=(1, 1, 4, 5)) * 3  # a spatial pattern shared by the channels
    check_batch_norm(x, rm, rv, gamma, beta, dout, True, 0.2, 1e-5)
    check_batch_norm(*bn_arrays(rng, (1, 3, 3, 3)), True, 0.2, 1e-5)  # one image: statistics over space only


@pytest.mark.parametrize("shape", [(1, 4), (1, 3, 1), (1, 2, 1, 1), (1, 1, 1, 1, 1)])
def test_one_value_per_channel_raises_in_training(shape):
    x = np.ones(shape)
    C = shape[1]
    with pytest.raises(ValueError):
        batch_norm_forward(x, np.zeros(C), np.ones(C), None, None, True)
    # in eval the running statistics are used: one value is fine
    rng = np.random.default_rng(85)
    check_batch_norm(*bn_arrays(rng, shape), False, 0.1, 1e-5)


def test_eps_inside_the_square_root():
    # a small variance and a large eps: sqrt(var) + eps and sqrt(var + eps) are far apart
    rng = np.random.default_rng(86)
    x, rm, rv, gamma, beta, dout = bn_arrays(rng, (4, 3, 5), scale=0.01)
    x = x * 0.01
    check_batch_norm(x, rm, rv, gamma, beta, dout, True, 0.1, 0.5)
    check_batch_norm(x, rm, rv * 1e-3, gamma, beta, dout, False, 0.1, 0.5)
    check_layer_norm(x, (5,), gamma=None, beta=None, dout=dout, eps=0.5)
    check_group_norm(x.reshape(4, 3, 5), 3, gamma, beta, dout, eps=0.5)


def test_training_gradient_goes_through_the_statistics():
    # dout correlated with x: the mean's and the variance's share of dx is large
    rng = np.random.default_rng(87)
    x, rm, rv, gamma, beta, _ = bn_arrays(rng, (5, 3, 4))
    dout = 2.0 * x + 1.0 + 0.1 * rng.normal(size=x.shape)
    check_batch_norm(x, rm, rv, gamma, beta, dout, True, 0.1, 1e-5)
    check_layer_norm(x, (3, 4), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), dout)
    check_group_norm(x, 1, gamma, beta, dout)


@pytest.mark.parametrize("affine", AFFINE, ids=["both", "none", "gamma only", "beta only"])
def test_optional_gamma_and_beta(affine):
    rng = np.random.default_rng(88)
    x, rm, rv, gamma, beta, dout = bn_arrays(rng, (3, 4, 5), affine)
    check_batch_norm(x, rm, rv, gamma, beta, dout, True, 0.1, 1e-5)
    check_batch_norm(x, rm, rv, gamma, beta, dout, False, 0.1, 1e-5)
    g = None if gamma is None else rng.normal(size=5)
    b = None if beta is None else rng.normal(size=5)
    check_layer_norm(x, 5, g, b, dout)
    check_group_norm(x, 2, gamma, beta, dout)


@pytest.mark.parametrize("std", [1.0, 0.05])
def test_float32_large_mean(std):
    # activations around 1e4 with spread std: E[x^2] - E[x]^2 in float32 cancels catastrophically
    rng = np.random.default_rng(89)
    x = 1e4 + std * rng.normal(size=(16, 4, 8, 8))
    C = 4
    gamma, beta, dout = rng.uniform(0.5, 2, C), rng.normal(size=C), rng.normal(size=x.shape)
    rm, rv = np.full(C, 1e4), np.ones(C)
    check_batch_norm(x, rm, rv, gamma, beta, dout, True, 0.1, 1e-5, dtype=np.float32)
    check_layer_norm(x, (8, 8), rng.uniform(0.5, 2, (8, 8)), None, dout, dtype=np.float32)
    check_group_norm(x, 2, gamma, beta, dout, dtype=np.float32)


def test_float64_large_mean():
    rng = np.random.default_rng(90)
    x = 1e6 + rng.normal(size=(8, 3, 5, 5))
    check_batch_norm(x, np.zeros(3), np.ones(3), None, np.ones(3), rng.normal(size=x.shape), True, 0.1, 1e-5)
    check_group_norm(x, 3, None, None, rng.normal(size=x.shape))


def test_eval_returns_the_running_statistics_unchanged():
    rng = np.random.default_rng(91)
    x, rm, rv, gamma, beta, dout = bn_arrays(rng, (4, 3, 2, 2))
    out, new_mean, new_var, _ = batch_norm_forward(x, rm.copy(), rv.copy(), gamma, beta, False, 0.1, 1e-5)
    check_array(new_mean, rm, what="running_mean returned in eval", rtol=0)
    check_array(new_var, rv, what="running_var returned in eval", rtol=0)
    check_batch_norm(x, rm, rv, gamma, beta, dout, False, 0.1, 1e-5)


@pytest.mark.parametrize("shape", [(0, 3, 4, 4), (0, 3), (2, 3, 0)])
def test_batch_norm_empty(shape):
    C = shape[1]
    rm, rv, gamma, beta = np.arange(C) + 1.0, np.arange(C) + 2.0, np.ones(C) * 2, np.ones(C)
    for training in (True, False):
        out, new_mean, new_var, cache = batch_norm_forward(np.zeros(shape), rm, rv, gamma, beta, training, 0.1, 1e-5)
        check_array(out, np.zeros(shape), what=f"out for an empty x {shape}", dtype=np.float64)
        check_array(new_mean, rm, what=f"running_mean after an empty batch {shape}", rtol=0)
        check_array(new_var, rv, what=f"running_var after an empty batch {shape}", rtol=0)
        dx, dgamma, dbeta = batch_norm_backward(np.zeros(shape), cache)
        check_array(dx, np.zeros(shape), what=f"dx for an empty x {shape}", dtype=np.float64)
        check_array(dgamma, np.zeros(C), what=f"dgamma for an empty x {shape}", dtype=np.float64, atol=0)
        check_array(dbeta, np.zeros(C), what=f"dbeta for an empty x {shape}", dtype=np.float64, atol=0)


@pytest.mark.parametrize(
    "args",
    [
        (np.ones(4), np.zeros(4), np.ones(4)),  # x of one dimension
        (np.ones((3, 4)), np.zeros(3), np.ones(4)),  # running_mean of the wrong length
        (np.ones((3, 4)), np.zeros(4), np.ones(5)),  # running_var of the wrong length
        (np.ones((3, 4)), np.zeros(4), np.ones(4), np.ones(3)),  # gamma of the wrong length
        (np.ones((3, 4)), np.zeros(4), np.ones(4), None, np.ones((4, 1))),  # beta of the wrong shape
    ],
    ids=["x 1-d", "running_mean", "running_var", "gamma", "beta"],
)
def test_batch_norm_bad_arguments(args):
    with pytest.raises(ValueError):
        batch_norm_forward(*args)


# --- layer norm ---------------------------------------------------------------------------------------------


@TORCH
def torch_layer_norm(x, shape, gamma, beta, dout, eps, dtype="float64"):
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx, tg, tb = as_tensor(x, dtype, True), as_tensor(gamma, dtype, True), as_tensor(beta, dtype, True)
    out = F.layer_norm(tx, shape, tg, tb, eps)
    if out.numel():
        out.backward(torch.tensor(dout, dtype=dtype))
    grads = [None if t is None else (t.grad if t.grad is not None else torch.zeros_like(t)) for t in (tx, tg, tb)]
    return {"out": as_array(out), "dx": as_array(grads[0]), "dgamma": as_array(grads[1]), "dbeta": as_array(grads[2])}


def row_bounds(rows, drows, g, b, eps):
    """Bounds for normalization over the rows of (M, K) arrays with per-entry scale ``g`` (broadcast (M, K) or
    (K,)) and shift ``b``: out, dx, and the per-entry products |dout| |xhat| and |dout| the parameter sums add."""
    mean = rows.mean(axis=1, keepdims=True) if rows.size else np.zeros((rows.shape[0], 1))
    var = rows.var(axis=1, keepdims=True) if rows.size else np.ones((rows.shape[0], 1))
    invstd = 1 / np.sqrt(var + eps)
    xh = (np.abs(rows) + np.abs(mean)) * invstd
    ad = np.abs(drows)
    adg = ad * g
    dx = invstd * (adg + adg.mean(axis=1, keepdims=True) + xh * (adg * xh).mean(axis=1, keepdims=True))
    return xh * g + b, dx, ad * xh, ad


def layer_norm_bounds(x, shape, gamma, beta, dout, eps):
    K = math.prod(shape)
    g = np.ones(K) if gamma is None else np.abs(gamma).reshape(-1)
    b = np.zeros(K) if beta is None else np.abs(beta).reshape(-1)
    out, dx, pg, pb = row_bounds(x.reshape(-1, K), dout.reshape(-1, K), g, b, eps)
    return {
        "out": out.reshape(x.shape),
        "dx": dx.reshape(x.shape),
        "dgamma": pg.sum(axis=0).reshape(shape),
        "dbeta": pb.sum(axis=0).reshape(shape),
    }


def check_layer_norm(x, normalized_shape, gamma=None, beta=None, dout=None, eps=1e-5, dtype=np.float64):
    shape = (normalized_shape,) if np.ndim(normalized_shape) == 0 else tuple(normalized_shape)
    label = f"layer_norm of x {np.shape(x)}, normalized_shape {normalized_shape}, eps {eps}"
    if gamma is None or beta is None:
        label += ", " + ", ".join(f"{n} None" for n, v in (("gamma", gamma), ("beta", beta)) if v is None)
    args = [None if a is None else np.asarray(a, dtype=dtype) for a in (x, gamma, beta, dout)]
    exact = [None if a is None else a.astype(np.float64) for a in args]
    copies = [None if a is None else a.copy() for a in args]
    out, cache = layer_norm_forward(args[0], normalized_shape, args[1], args[2], eps)
    got = {"out": out}
    got.update(zip(("dx", "dgamma", "dbeta"), layer_norm_backward(args[3], cache)))
    for name, a, c in zip(("x", "gamma", "beta", "dout"), args, copies):
        if a is not None:
            check_array(a, c, what=f"{name} after forward and backward for {label} (inputs must not change)", rtol=0)
    ex, eg, eb, ed = exact
    expected = torch_layer_norm(ex, shape, eg, eb, ed, eps)
    torch32 = torch_layer_norm(ex, shape, eg, eb, ed, eps, dtype="float32") if dtype == np.float32 else None
    compare(got, expected, layer_norm_bounds(ex, shape, eg, eb, ed, eps), torch32, label=label, dtype=dtype)


LN_CASES = [
    ((4, 6), 6),
    ((2, 3, 5), (3, 5)),
    ((2, 3, 4, 4), (4, 4)),
    ((3, 2, 7), 7),
    ((5, 1), 1),
    ((2, 3, 4), (2, 3, 4)),
]


@pytest.mark.parametrize("seed", range(8))
def test_layer_norm_random_float64(seed):
    rng = np.random.default_rng([81, seed])
    xs, ns = LN_CASES[seed % len(LN_CASES)]
    shape = (ns,) if np.ndim(ns) == 0 else ns
    affine = AFFINE[seed % 4]
    x = rng.normal(size=xs) * rng.uniform(0.1, 5) + rng.normal(size=xs[: len(xs) - len(shape)] + (1,) * len(shape))
    gamma = rng.normal(size=shape) if affine[0] else None
    beta = rng.normal(size=shape) if affine[1] else None
    check_layer_norm(x, ns, gamma, beta, rng.normal(size=xs), float(rng.choice([1e-5, 1e-2])))


@pytest.mark.parametrize("seed", range(4))
def test_layer_norm_random_float32(seed):
    rng = np.random.default_rng([810, seed])
    xs, ns = [((32, 64), 64), ((4, 6, 49), 49), ((2, 8, 6, 6), (8, 6, 6)), ((3, 5, 16), (5, 16))][seed]
    shape = (ns,) if np.ndim(ns) == 0 else ns
    x = rng.normal(size=xs) * 3 + 1
    check_layer_norm(x, ns, rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=xs), dtype=np.float32)


def test_layer_norm_empty_and_bad_shapes():
    out, cache = layer_norm_forward(np.zeros((0, 5)), 5, np.ones(5), np.zeros(5))
    check_array(out, np.zeros((0, 5)), what="layer_norm out for an empty x (0, 5)", dtype=np.float64)
    dx, dgamma, dbeta = layer_norm_backward(np.zeros((0, 5)), cache)
    check_array(dx, np.zeros((0, 5)), what="layer_norm dx for an empty x (0, 5)", dtype=np.float64)
    check_array(dgamma, np.zeros(5), what="layer_norm dgamma for an empty x (0, 5)", dtype=np.float64, atol=0)
    for args in [(np.ones((2, 3)), 4), (np.ones((2, 3)), (2, 2)), (np.ones((2, 3)), 3, np.ones(4))]:
        with pytest.raises(ValueError):
            layer_norm_forward(*args)


# --- group norm ---------------------------------------------------------------------------------------------


@TORCH
def torch_group_norm(x, groups, gamma, beta, dout, eps, dtype="float64"):
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx, tg, tb = as_tensor(x, dtype, True), as_tensor(gamma, dtype, True), as_tensor(beta, dtype, True)
    # torch's group_norm backward fails with a bias and no weight ("tensor does not have a device"): a weight of
    # ones that needs no gradient is the same computation
    weight = torch.ones(x.shape[1], dtype=dtype) if tg is None and tb is not None else tg
    out = F.group_norm(tx, groups, weight, tb, eps)
    if out.numel():
        out.backward(torch.tensor(dout, dtype=dtype))
    grads = [None if t is None else (t.grad if t.grad is not None else torch.zeros_like(t)) for t in (tx, tg, tb)]
    return {"out": as_array(out), "dx": as_array(grads[0]), "dgamma": as_array(grads[1]), "dbeta": as_array(grads[2])}


def group_norm_bounds(x, groups, gamma, beta, dout, eps):
    N, C = x.shape[:2]
    L = math.prod(x.shape[2:])
    g = np.ones(C) if gamma is None else np.abs(gamma)
    b = np.zeros(C) if beta is None else np.abs(beta)
    rows = (N * groups, (C // groups) * L)
    per_entry = lambda v: np.broadcast_to(v.reshape(1, C, 1), (N, C, L)).reshape(rows)  # noqa: E731
    out, dx, pg, pb = row_bounds(x.reshape(rows), dout.reshape(rows), per_entry(g), per_entry(b), eps)
    return {
        "out": out.reshape(x.shape),
        "dx": dx.reshape(x.shape),
        "dgamma": pg.reshape(N, C, L).sum(axis=(0, 2)),
        "dbeta": pb.reshape(N, C, L).sum(axis=(0, 2)),
    }


def check_group_norm(x, groups, gamma=None, beta=None, dout=None, eps=1e-5, dtype=np.float64):
    label = f"group_norm of x {np.shape(x)}, {groups} groups, eps {eps}"
    if gamma is None or beta is None:
        label += ", " + ", ".join(f"{n} None" for n, v in (("gamma", gamma), ("beta", beta)) if v is None)
    args = [None if a is None else np.asarray(a, dtype=dtype) for a in (x, gamma, beta, dout)]
    exact = [None if a is None else a.astype(np.float64) for a in args]
    copies = [None if a is None else a.copy() for a in args]
    out, cache = group_norm_forward(args[0], groups, args[1], args[2], eps)
    got = {"out": out}
    got.update(zip(("dx", "dgamma", "dbeta"), group_norm_backward(args[3], cache)))
    for name, a, c in zip(("x", "gamma", "beta", "dout"), args, copies):
        if a is not None:
            check_array(a, c, what=f"{name} after forward and backward for {label} (inputs must not change)", rtol=0)
    ex, eg, eb, ed = exact
    expected = torch_group_norm(ex, groups, eg, eb, ed, eps)
    torch32 = torch_group_norm(ex, groups, eg, eb, ed, eps, dtype="float32") if dtype == np.float32 else None
    compare(got, expected, group_norm_bounds(ex, groups, eg, eb, ed, eps), torch32, label=label, dtype=dtype)


GN_CASES = [((2, 6, 4, 5), 3), ((3, 4, 7), 2), ((2, 8), 4), ((1, 6, 3, 3), 6), ((2, 4, 2, 2, 2), 1), ((2, 12, 3, 3), 4)]


@pytest.mark.parametrize("seed", range(10))
def test_group_norm_random_float64(seed):
    rng = np.random.default_rng([82, seed])
    xs, groups = GN_CASES[seed % len(GN_CASES)]
    C = xs[1]
    affine = AFFINE[seed % 4]
    # per-channel offsets and scales: a strided grouping of the channels gives other statistics
    x = rng.normal(size=xs) * rng.uniform(0.2, 4, size=(1, C) + (1,) * (len(xs) - 2))
    x += rng.normal(size=(1, C) + (1,) * (len(xs) - 2)) * 3
    gamma = rng.normal(size=C) if affine[0] else None
    beta = rng.normal(size=C) if affine[1] else None
    check_group_norm(x, groups, gamma, beta, rng.normal(size=xs), float(rng.choice([1e-5, 1e-2])))


@pytest.mark.parametrize("seed", range(4))
def test_group_norm_random_float32(seed):
    rng = np.random.default_rng([820, seed])
    xs, groups = [((4, 16, 8, 8), 4), ((2, 32, 5, 5), 8), ((3, 6, 20), 3), ((8, 4, 6, 6), 2)][seed]
    C = xs[1]
    x = rng.normal(size=xs) * 2 + rng.normal(size=(1, C) + (1,) * (len(xs) - 2))
    check_group_norm(x, groups, rng.normal(size=C), rng.normal(size=C), rng.normal(size=xs), dtype=np.float32)


def test_groups_are_consecutive_channels():
    # channels 0-1 sit around -5 and channels 2-3 around +5: strided groups (0, 2) and (1, 3) would mix them
    rng = np.random.default_rng(93)
    x = rng.normal(size=(2, 4, 3, 3)) + np.array([-5.0, -5.0, 5.0, 5.0]).reshape(1, 4, 1, 1)
    x[:, 1] *= 3
    check_group_norm(x, 2, rng.normal(size=4), rng.normal(size=4), rng.normal(size=x.shape))
    check_group_norm(x.reshape(2, 4, 9), 2, None, None, rng.normal(size=(2, 4, 9)))


@pytest.mark.parametrize(
    "shape, groups",
    [((2, 6, 3), 4), ((2, 6, 2), 4), ((2, 6, 3), 0), ((2, 6, 3), -2), ((2, 5), 2), ((1, 4), 4), ((1, 3, 1, 1), 3)],
    ids=[
        "6x3 in 4 groups",
        "6x2 in 4 groups",
        "0 groups",
        "-2 groups",
        "5 channels in 2",
        "(1, 4) in 4",
        "(1, 3, 1, 1)",
    ],
)
def test_group_norm_bad_groups_raise(shape, groups):
    with pytest.raises(ValueError):
        group_norm_forward(np.ones(shape), groups)


def test_group_norm_empty_batch():
    out, cache = group_norm_forward(np.zeros((0, 4, 3)), 2, np.ones(4), np.zeros(4))
    check_array(out, np.zeros((0, 4, 3)), what="group_norm out for an empty batch (0, 4, 3)", dtype=np.float64)
    dx, dgamma, dbeta = group_norm_backward(np.zeros((0, 4, 3)), cache)
    check_array(dx, np.zeros((0, 4, 3)), what="group_norm dx for an empty batch (0, 4, 3)", dtype=np.float64)
    check_array(dgamma, np.zeros(4), what="group_norm dgamma for an empty batch", dtype=np.float64, atol=0)
    check_array(dbeta, np.zeros(4), what="group_norm dbeta for an empty batch", dtype=np.float64, atol=0)


def test_group_norm_gamma_of_the_wrong_shape():
    with pytest.raises(ValueError):
        group_norm_forward(np.ones((2, 4, 3)), 2, np.ones(2))


# --- arrays and caches --------------------------------------------------------------------------------------


def test_non_contiguous_inputs():
    rng = np.random.default_rng(94)
    x = rng.normal(size=(4, 6, 5, 8))[:, ::2, :, ::2]  # a strided view
    dout = rng.normal(size=(4, 3, 4, 5)).transpose(0, 1, 3, 2)
    gamma = rng.normal(size=6)[::2]
    check_batch_norm(x, np.zeros(3), np.ones(3), gamma, None, dout, True, 0.1, 1e-5)
    check_group_norm(x, 3, gamma, None, dout)
    check_layer_norm(np.asfortranarray(x), (5, 4), None, rng.normal(size=(5, 4)), dout)


def test_caches_are_independent():
    # each backward uses its own cache, whatever ran in between (no module-level state)
    rng = np.random.default_rng(95)
    first, second = bn_arrays(rng, (4, 3, 5)), bn_arrays(rng, (6, 2))
    _, _, _, cache1 = batch_norm_forward(*first[:5], True, 0.1, 1e-5)
    _, _, _, cache2 = batch_norm_forward(*second[:5], False, 0.1, 1e-5)
    got = [batch_norm_backward(first[5], cache1), batch_norm_backward(second[5], cache2)]
    got.append(batch_norm_backward(first[5], cache1))
    for label, g, arrays, training in (("first", got[0], first, True), ("second", got[1], second, False)):
        expected = torch_batch_norm(*arrays, training, 0.1, 1e-5)
        for name, value in zip(("dx", "dgamma", "dbeta"), g):
            check_array(value, expected[name], what=f"{name} of the {label} backward after two forwards", atol=1e-10)
    for name, a, b in zip(("dx", "dgamma", "dbeta"), got[0], got[2]):
        check_array(b, a, what=f"{name} of a second backward on the same cache", rtol=0, atol=1e-12)


def test_medium_case_against_the_compiled_baseline():
    from grader.baselines import normalization as baseline

    rng = np.random.default_rng(96)
    x, rm, rv, gamma, beta, dout = bn_arrays(rng, (6, 8, 9, 7))
    got = run_batch_norm(x, rm, rv, gamma, beta, dout, True, 0.1, 1e-5)
    out, nm, nv, cache = baseline.batch_norm_forward(x, rm, rv, gamma, beta, True, 0.1, 1e-5)
    expected = dict(zip(("out", "new_running_mean", "new_running_var"), (out, nm, nv)))
    expected.update(zip(("dx", "dgamma", "dbeta"), baseline.batch_norm_backward(dout, cache)))
    for name, e in expected.items():
        check_array(got[name], e, what=f"{name} on a (6, 8, 9, 7) input", rtol=1e-9, atol=1e-10, dtype=np.float64)
