"""Hidden tests for kata 06: golden values from torchvision, torch autograd (its answers recorded in oracle.npz,
asked live for any call not recorded: ``grader.grading.oracle``) on random and extreme inputs, argument
validation, reductions, dtypes, and the numba baseline.

Every call of the submission runs with floating-point warnings (overflow, division by zero, invalid) turned
into errors: the contract asks for a warning-free loss and gradient for logits up to +-1e4.
"""

import warnings
from pathlib import Path

import numpy as np
import pytest
from focal_loss import sigmoid_focal_loss, sigmoid_focal_loss_grad

from grader.baselines import focal_loss as baseline
from grader.grading.checks import check_array
from grader.grading.oracle import ORACLE_FILE, Recorded, oracle_torch

TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

GOLDEN = np.load(Path(__file__).with_name("golden.npz"))
CASES = [str(c) for c in GOLDEN["cases"]]
EPS64 = float(np.finfo(np.float64).eps)
EPS32 = float(np.finfo(np.float32).eps)
REDUCTIONS = ("none", "mean", "sum")


# --- the oracle ----------------------------------------------------------------------------------------


def torch_focal_loss(x, t, alpha, gamma, reduction):
    """torchvision.ops.sigmoid_focal_loss written out in torch ops (checked against torchvision's golden data)."""
    torch = oracle_torch()
    F = torch.nn.functional
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


@TORCH
def torch_result(x, t, alpha, gamma, reduction, dtype="float64"):
    """(loss, gradient by autograd) in torch ``dtype``, as float64 arrays; the gradient is of the sum for "none"."""
    torch = oracle_torch()
    dtype = getattr(torch, dtype)
    logits = torch.tensor(np.asarray(x), dtype=dtype, requires_grad=True)
    loss = torch_focal_loss(logits, torch.tensor(np.asarray(t), dtype=dtype), alpha, gamma, reduction)
    loss.sum().backward()
    return loss.detach().double().numpy(), logits.grad.double().numpy()


def max_error(a, b):
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]), initial=0.0))


def tolerances(x, gamma, reduction, dtype, torch_errors=(0.0, 0.0)):
    """(loss atol, grad atol) for a case: a few rounding errors per element, scaled by |x| for the loss (its
    size), summed for "sum" and averaged for "mean"; for float32 never below twice torch's own float32 error."""
    size = max(x.size, 1)
    scale = 1 + np.abs(x.astype(np.float64))
    loss_scale = {"none": scale.max(initial=1.0), "sum": scale.sum(), "mean": scale.sum() / size}[reduction]
    grad_scale = (1 + gamma) / (size if reduction == "mean" else 1)
    if dtype == np.float64:
        return 16 * EPS64 * loss_scale, 64 * EPS64 * grad_scale
    loss_err, grad_err = torch_errors
    return max(2 * loss_err, 4 * EPS32 * loss_scale), max(2 * grad_err, 16 * EPS32 * grad_scale)


# --- calling the submission ----------------------------------------------------------------------------


def strict(fn, *args, **kwargs):
    """Call ``fn`` with numpy's floating-point warnings raised as errors (underflow to 0 is fine)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            try:
                return fn(*args, **kwargs)
            except (FloatingPointError, RuntimeWarning) as exc:
                raise AssertionError(
                    f"{fn.__name__} raised a floating-point warning ({exc}); it must be warning-free for "
                    "logits up to +-1e4"
                ) from None


def as_array(value, what):
    """The submission's result as an array: NumPy scalars (of "mean"/"sum") become 0-d arrays."""
    if isinstance(value, np.generic):
        return np.asarray(value)
    if not isinstance(value, np.ndarray):
        raise AssertionError(f"{what}: expected a numpy array or numpy scalar, got {type(value).__name__}")
    return value


def check_case(x, t, alpha, gamma, reduction, dtype, expected, torch_errors=(0.0, 0.0), what=""):
    """Run both functions on ``x, t`` cast to ``dtype`` and compare them with ``expected = (loss, grad)``.

    Where the expected gradient is NaN (autograd at a saturated logit, 0 < gamma < 1) the analytic limit, 0,
    is expected instead; the gradient must be finite everywhere.
    """
    exp_loss, exp_grad = expected
    xs, ts = x.astype(dtype), t.astype(dtype)
    loss_tol, grad_tol = tolerances(xs, gamma, reduction, dtype, torch_errors)
    args = dict(alpha=alpha, gamma=gamma, reduction=reduction)
    label = f"{what} (alpha={alpha:g}, gamma={gamma:g}, reduction={reduction!r}, {np.dtype(dtype).name})"
    loss = as_array(strict(sigmoid_focal_loss, xs, ts, **args), f"sigmoid_focal_loss {label}")
    check_array(
        loss,
        exp_loss,
        what=f"sigmoid_focal_loss {label}",
        rtol=1e-9 if dtype == np.float64 else 0,
        atol=loss_tol,
        dtype=dtype,
    )
    grad = strict(sigmoid_focal_loss_grad, xs, ts, **args)
    if isinstance(grad, np.ndarray) and grad.shape == xs.shape and not np.isfinite(grad).all():
        raise AssertionError(
            f"sigmoid_focal_loss_grad {label}: {int((~np.isfinite(grad)).sum())} values are not finite"
        )
    check_array(
        grad,
        np.nan_to_num(exp_grad, nan=0.0),
        what=f"sigmoid_focal_loss_grad {label}",
        rtol=1e-9 if dtype == np.float64 else 0,
        atol=grad_tol,
        dtype=dtype,
    )


def check_live(x, t, alpha, gamma, reduction, dtype, what):
    """Compare with torch evaluated now: float64 autograd on the exact (dtype-rounded) input; for float32,
    the tolerance comes from torch's own float32 error on that input."""
    xs, ts = x.astype(dtype), t.astype(dtype)
    expected = torch_result(xs, ts, alpha, gamma, reduction, "float64")
    errors = (0.0, 0.0)
    if dtype == np.float32:
        loss32, grad32 = torch_result(xs, ts, alpha, gamma, reduction, "float32")
        errors = (max_error(loss32, expected[0]), max_error(grad32, expected[1]))
    check_case(xs, ts, alpha, gamma, reduction, dtype, expected, errors, what)


# --- golden data from torchvision ----------------------------------------------------------------------


def golden(case):
    g = {k: GOLDEN[f"{case}/{k}"] for k in ("logits", "targets", "loss", "grad")}
    params = float(GOLDEN[f"{case}/alpha"]), float(GOLDEN[f"{case}/gamma"]), str(GOLDEN[f"{case}/reduction"])
    errors = float(GOLDEN[f"{case}/loss_float32_error"]), float(GOLDEN[f"{case}/grad_float32_error"])
    return g, params, errors


@pytest.mark.parametrize("case", CASES)
def test_golden_float64(case):
    g, (alpha, gamma, reduction), _ = golden(case)
    # The live oracle used by the other tests must reproduce torchvision itself.
    live = torch_result(g["logits"], g["targets"], alpha, gamma, reduction, "float64")
    assert np.allclose(live[0], g["loss"], rtol=1e-12, atol=1e-300) and np.allclose(
        live[1], g["grad"], rtol=1e-12, atol=1e-300, equal_nan=True
    ), f"grader problem: the torch oracle disagrees with torchvision's golden values on {case}"
    check_case(
        g["logits"],
        g["targets"],
        alpha,
        gamma,
        reduction,
        np.float64,
        (g["loss"], g["grad"]),
        what=f"on the {case} case",
    )


@pytest.mark.parametrize("case", CASES)
def test_golden_float32(case):
    g, (alpha, gamma, reduction), errors = golden(case)
    check_case(
        g["logits"],
        g["targets"],
        alpha,
        gamma,
        reduction,
        np.float32,
        (g["loss"], g["grad"]),
        errors,
        what=f"on the {case} case",
    )


# --- live torch on random shapes and arguments ---------------------------------------------------------


def random_case(seed):
    rng = np.random.default_rng([606, seed])
    shape = tuple(int(n) for n in rng.integers(1, 9, size=rng.integers(1, 5)))
    x = rng.normal(rng.uniform(-4, 2), rng.choice([0.5, 2.0, 5.0, 20.0]), size=shape)
    kind = rng.integers(4)
    if kind == 0:
        t = (rng.uniform(size=shape) < 0.3).astype(np.float64)
    elif kind == 1:
        t = rng.uniform(size=shape)
    elif kind == 2:
        t = np.where(rng.uniform(size=shape) < 0.3, 0.9, 0.1)
    else:
        t = rng.choice([0.0, 1.0, 0.5, 0.2], size=shape)
    alpha = float(rng.choice([rng.uniform(), 0.0, 1.0, -1.0, 0.25]))
    gamma = float(rng.choice([0.0, rng.uniform(0.05, 1), 1.0, 2.0, rng.uniform(1, 5)]))
    reduction = str(rng.choice(REDUCTIONS))
    return x, t, alpha, gamma, reduction


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(10))
def test_random_against_torch(seed, dtype):
    x, t, alpha, gamma, reduction = random_case(seed)
    check_live(x, t, alpha, gamma, reduction, dtype, f"on random case {seed} of shape {x.shape}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("gamma", [0.0, 0.3, 1.0, 2.0, 4.5])
def test_extreme_logits(gamma, dtype):
    values = np.array([-1e4, -3e3, -500.0, -90.0, -40.0, -17.0, 0.0, 17.0, 40.0, 90.0, 500.0, 3e3, 1e4])
    x, t = np.meshgrid(values, [0.0, 1.0, 0.5, 0.1, 0.97], indexing="ij")
    for reduction in REDUCTIONS:
        check_live(x, t, 0.25, gamma, reduction, dtype, "on logits up to +-1e4")
    check_live(x.T, t.T, -1, gamma, "none", dtype, "on logits up to +-1e4")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_finite_where_autograd_is_nan(dtype):
    # 1 - p_t rounds to 0 here, where autograd multiplies 0 ** (gamma - 1) = inf by 0.
    x = np.array([37.0, 40.0, 100.0, 1e3, 1e4, -37.0, -40.0, -100.0, -1e3, -1e4, 20.0, -20.0])
    t = np.array([1.0] * 5 + [0.0] * 5 + [1.0, 0.0])
    for gamma in (0.1, 0.5, 0.9):
        grad = strict(sigmoid_focal_loss_grad, x.astype(dtype), t.astype(dtype), alpha=0.25, gamma=gamma)
        assert isinstance(grad, np.ndarray) and grad.shape == x.shape, (
            f"sigmoid_focal_loss_grad: shape {np.shape(grad)}, expected {x.shape}"
        )
        assert np.isfinite(grad).all(), (
            f"sigmoid_focal_loss_grad with gamma={gamma} at saturated logits (well-classified, hard targets): "
            f"got {grad.tolist()}; the analytic limit there is finite (about 0)"
        )
        check_array(
            grad,
            baseline.sigmoid_focal_loss_grad(x, t, 0.25, gamma),
            what=f"the gradient at saturated logits (gamma={gamma})",
            rtol=0,
            atol=1e-6 if dtype == np.float32 else 1e-12,
            dtype=dtype,
        )


# --- arguments, reductions, shapes and dtypes ----------------------------------------------------------

X_SMALL = np.array([[-2.0, 0.5, 3.0], [1.0, -0.25, 0.0]])
T_SMALL = np.array([[0.0, 1.0, 1.0], [0.0, 0.3, 1.0]])


@pytest.mark.parametrize("alpha", [-0.5, -2.0, 1.5, 1.0001, -1e-9])
def test_invalid_alpha_raises(alpha):
    for fn in (sigmoid_focal_loss, sigmoid_focal_loss_grad):
        try:
            fn(X_SMALL, T_SMALL, alpha=alpha)
        except ValueError:
            continue
        except Exception as exc:
            raise AssertionError(
                f"{fn.__name__}(alpha={alpha}) raised {type(exc).__name__}, expected ValueError"
            ) from None
        raise AssertionError(f"{fn.__name__}(alpha={alpha}) did not raise ValueError (alpha must be in [0, 1] or -1)")


@pytest.mark.parametrize("alpha", [0.0, 1.0, -1.0, -1, 0.5])
def test_valid_alpha_accepted(alpha):
    expected = torch_result(X_SMALL, T_SMALL, alpha, 2.0, "none", "float64")
    check_case(X_SMALL, T_SMALL, alpha, 2.0, "none", np.float64, expected, what="with a boundary alpha")


@pytest.mark.parametrize("reduction", ["avg", "MEAN", "", None, "batchmean", "elementwise_mean"])
def test_invalid_reduction_raises(reduction):
    for fn in (sigmoid_focal_loss, sigmoid_focal_loss_grad):
        try:
            fn(X_SMALL, T_SMALL, reduction=reduction)
        except ValueError:
            continue
        except Exception as exc:
            raise AssertionError(
                f"{fn.__name__}(reduction={reduction!r}) raised {type(exc).__name__}, expected ValueError"
            ) from None
        raise AssertionError(f"{fn.__name__}(reduction={reduction!r}) did not raise ValueError")


def test_mean_is_over_all_elements():
    rng = np.random.default_rng(61)
    x = rng.normal(-1, 3, size=(6, 16))
    t = (rng.uniform(size=(6, 16)) < 0.3).astype(np.float64)
    each = strict(sigmoid_focal_loss, x, t)
    mean = as_array(strict(sigmoid_focal_loss, x, t, reduction="mean"), "sigmoid_focal_loss(reduction='mean')")
    check_array(
        mean,
        np.array(each.sum() / x.size),
        what="mean over a (6, 16) array: the sum over all 96 elements / 96",
        rtol=1e-12,
    )
    grad_each = strict(sigmoid_focal_loss_grad, x, t)
    grad_mean = strict(sigmoid_focal_loss_grad, x, t, reduction="mean")
    check_array(grad_mean, grad_each / x.size, what="gradient of the mean over all 96 elements", rtol=1e-12)
    check_live(x[:, :, None] * np.ones(3), t[:, :, None] * np.ones(3), 0.25, 2.0, "mean", np.float64, "on a 3-d array")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_result_dtypes(dtype):
    x, t = X_SMALL.astype(dtype), T_SMALL.astype(dtype)
    for reduction in REDUCTIONS:
        loss = as_array(
            strict(sigmoid_focal_loss, x, t, reduction=reduction), f"sigmoid_focal_loss(reduction={reduction!r})"
        )
        assert loss.dtype == dtype, (
            f"sigmoid_focal_loss(reduction={reduction!r}) on {np.dtype(dtype).name} input gave {loss.dtype}"
        )
        assert loss.shape == (x.shape if reduction == "none" else ()), (
            f"sigmoid_focal_loss(reduction={reduction!r}): shape {loss.shape}"
        )
        grad = strict(sigmoid_focal_loss_grad, x, t, reduction=reduction)
        assert isinstance(grad, np.ndarray) and grad.dtype == dtype and grad.shape == x.shape, (
            f"sigmoid_focal_loss_grad(reduction={reduction!r}) on {np.dtype(dtype).name} input: expected a {x.shape} "
            f"{np.dtype(dtype).name} array, got {type(grad).__name__} {getattr(grad, 'dtype', '')} {np.shape(grad)}"
        )


def test_mixed_dtypes_give_float64():
    x, t = X_SMALL.astype(np.float32), T_SMALL.astype(np.float64)
    expected = torch_result(x.astype(np.float64), t, 0.25, 2.0, "none", "float64")
    loss = strict(sigmoid_focal_loss, x, t)
    check_array(
        loss, expected[0], what="sigmoid_focal_loss(float32 logits, float64 targets)", rtol=1e-9, dtype=np.float64
    )
    grad = strict(sigmoid_focal_loss_grad, x, t)
    check_array(
        grad,
        expected[1],
        what="sigmoid_focal_loss_grad(float32 logits, float64 targets)",
        rtol=1e-9,
        atol=1e-15,
        dtype=np.float64,
    )


@pytest.mark.parametrize("shape", [(0,), (0, 80), (5, 0)])
def test_empty_inputs(shape):
    for dtype in (np.float32, np.float64):
        x = np.zeros(shape, dtype)
        check_array(strict(sigmoid_focal_loss, x, x), np.zeros(shape), what=f"loss of a {shape} array", dtype=dtype)
        total = as_array(strict(sigmoid_focal_loss, x, x, reduction="sum"), f"sum of a {shape} array")
        check_array(total, np.array(0.0), what=f"sum of a {shape} array", dtype=dtype)
        for reduction in ("none", "sum"):
            grad = strict(sigmoid_focal_loss_grad, x, x, reduction=reduction)
            check_array(grad, np.zeros(shape), what=f"gradient of a {shape} array ({reduction})", dtype=dtype)


def test_soft_target_one_half():
    # with t = 1/2, 1 - p_t = 1/2 whatever p is, and alpha_t = 1/2 whatever alpha is
    x = np.linspace(-30, 30, 41)
    t = np.full_like(x, 0.5)
    ce = np.logaddexp(0, x) - 0.5 * x
    check_array(
        strict(sigmoid_focal_loss, x, t, alpha=0.25, gamma=2.0),
        0.5 * 0.25 * ce,
        what="loss for targets of 0.5",
        rtol=1e-9,
        atol=1e-14,
    )
    check_live(x, t, 0.8, 3.0, "none", np.float64, "for targets of 0.5")


def test_inputs_untouched_and_strided_input():
    rng = np.random.default_rng(62)
    x = rng.normal(0, 4, size=(40, 12))
    t = (rng.uniform(size=(40, 12)) < 0.5).astype(np.float64)
    x_copy, t_copy = x.copy(), t.copy()
    for reduction in REDUCTIONS:
        strict(sigmoid_focal_loss, x, t, reduction=reduction)
        strict(sigmoid_focal_loss_grad, x, t, reduction=reduction)
    check_array(x, x_copy, what="logits after the calls (inputs must not be modified)", rtol=0)
    check_array(t, t_copy, what="targets after the calls (inputs must not be modified)", rtol=0)
    check_live(x[::2, ::3], t[::2, ::3], 0.25, 2.0, "none", np.float64, "on a strided view")
    check_live(np.asfortranarray(x).T, t.T, 0.25, 1.5, "sum", np.float64, "on a transposed array")


def test_larger_against_baseline():
    rng = np.random.default_rng(63)
    x, t = baseline.make_inputs(rng)
    x, t = x[:1000].astype(np.float64), t[:1000].astype(np.float64)
    t[:30] = rng.uniform(size=(30, x.shape[1]))  # some soft rows too
    x[30:40] = rng.normal(0, 30, size=(10, x.shape[1]))
    loss, grad = baseline.focal_loss_and_grad(x, t, 0.25, 2.0, "none")
    loss_tol, grad_tol = tolerances(x, 2.0, "none", np.float64)
    check_array(
        strict(sigmoid_focal_loss, x, t),
        loss,
        what="loss on a RetinaNet-like (1000, 80) batch",
        rtol=1e-9,
        atol=loss_tol,
        dtype=np.float64,
    )
    check_array(
        strict(sigmoid_focal_loss_grad, x, t),
        grad,
        what="gradient on a RetinaNet-like (1000, 80) batch",
        rtol=1e-9,
        atol=grad_tol,
        dtype=np.float64,
    )
    check_live(x, t, 0.25, 2.0, "sum", np.float32, "on a RetinaNet-like (1000, 80) batch")
