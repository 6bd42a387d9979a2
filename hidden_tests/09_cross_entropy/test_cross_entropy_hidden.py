"""Hidden tests for kata 09: cross_entropy and its gradient against torch.nn.functional.cross_entropy and torch
autograd (their answers recorded in oracle.npz, asked live for any call not recorded: ``grader.grading.oracle``):
random shapes and arguments, logits up to +-1e4, label smoothing with class weights, ignore_index, the three
reductions, the (N, C, d1, ..., dk) layout, argument validation, dtypes, empty inputs, and a larger batch against
the Cython baseline.

Tolerances: float64 within 1e-9 relative plus a few hundred ulps of the case's magnitude (the largest |logit|
and log C, times the weights, summed over the positions for "sum"); float32 within four times the error of
torch's own float32 result against its float64 result on the same input, and never below 16 float32 ulps of
the same magnitude (the contract's calibration). A correct solution that sums in another order stays well
inside these.
"""

import warnings
from pathlib import Path

import numpy as np
import pytest
from cross_entropy import cross_entropy, cross_entropy_grad

from grader.baselines import cross_entropy as baseline
from grader.grading.checks import check_array
from grader.grading.oracle import ORACLE_FILE, Recorded, oracle_torch

TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

EPS64 = float(np.finfo(np.float64).eps)
EPS32 = float(np.finfo(np.float32).eps)
REDUCTIONS = ("none", "mean", "sum")


# --- the oracle ----------------------------------------------------------------------------------------


@TORCH
def torch_result(x, t, weight, ignore_index, reduction, e, grad_output, dtype="float64"):
    """(loss, dlogits) of torch's cross_entropy in ``dtype`` and autograd with ``grad_output``, float64 arrays."""
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx = torch.tensor(np.asarray(x), dtype=dtype, requires_grad=True)
    tw = None if weight is None else torch.tensor(np.asarray(weight), dtype=dtype)
    loss = F.cross_entropy(
        tx,
        torch.tensor(np.asarray(t), dtype=torch.int64),
        tw,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=e,
    )
    loss.backward(torch.tensor(np.asarray(grad_output, dtype=np.float64), dtype=dtype).expand(loss.shape))
    return loss.detach().double().numpy(), tx.grad.double().numpy()


def max_error(a, b):
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]), initial=0.0))


def magnitudes(x, t, weight, ignore_index, reduction, grad_output):
    """(loss scale, grad scale): the size of the numbers behind the results, for the absolute tolerances. A
    position's loss is lse - z[y] with z = x - max: its terms are at most log C plus the row's range of logits."""
    x = np.asarray(x, np.float64)
    N, C = x.shape[:2]
    L = int(np.prod(x.shape[2:], dtype=np.int64))
    t = np.asarray(t).reshape(N, L)
    valid = t != ignore_index
    w = np.ones(C) if weight is None else np.abs(np.asarray(weight, np.float64))
    wmax = float(w.max(initial=1.0))
    spread = x.max(axis=1) - x.min(axis=1) if x.size else np.zeros((N, L))
    per_position = (1 + np.log(max(C, 1)) + spread.reshape(N, L)) * wmax
    gmax = float(np.abs(np.asarray(grad_output, np.float64)).max(initial=0.0))
    if reduction == "none":
        return float(per_position.max(initial=0.0)), gmax * wmax
    total = float(np.sum(per_position[valid])) + wmax
    if reduction == "sum":
        return total, gmax * wmax
    denominator = float(np.sum(np.where(valid, w[np.where(valid, t, 0)], 0.0)))
    if denominator == 0:
        return 0.0, 0.0
    return total / denominator, gmax * wmax / denominator


# --- calling the submission ----------------------------------------------------------------------------


def quiet(fn, *args, **kwargs):
    """Call ``fn`` with NumPy's floating-point warnings silenced: the values are what is graded (an overflowing
    log-sum-exp shows up as inf or NaN in them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)


def as_array(value, what):
    """The submission's result as an array: NumPy scalars (of "mean"/"sum") become 0-d arrays."""
    if isinstance(value, np.generic):
        return np.asarray(value)
    if not isinstance(value, np.ndarray):
        raise AssertionError(f"{what}: expected a numpy array or numpy scalar, got {type(value).__name__}")
    return value


def check_live(
    x, t, weight=None, ignore_index=-100, reduction="mean", e=0.0, grad_output=1.0, dtype=np.float64, what=""
):
    """The submission's loss and gradient against torch on ``x`` (cast to ``dtype``), as the docstring above says."""
    xs = np.asarray(x).astype(dtype)
    ws = None if weight is None else np.asarray(weight).astype(dtype)
    if reduction == "none" and np.ndim(grad_output):
        grad_output = np.asarray(grad_output).astype(dtype)
    exp_loss, exp_grad = torch_result(xs, t, ws, ignore_index, reduction, e, grad_output, "float64")
    loss_scale, grad_scale = magnitudes(xs, t, ws, ignore_index, reduction, grad_output)
    if dtype == np.float64:
        rtol, loss_tol, grad_tol = 1e-9, 256 * EPS64 * loss_scale, 256 * EPS64 * grad_scale
    else:
        loss32, grad32 = torch_result(xs, t, ws, ignore_index, reduction, e, grad_output, "float32")
        rtol = 0.0
        loss_tol = max(4 * max_error(loss32, exp_loss), 16 * EPS32 * loss_scale)
        grad_tol = max(4 * max_error(grad32, exp_grad), 16 * EPS32 * grad_scale)
    args = dict(weight=ws, ignore_index=ignore_index, reduction=reduction, label_smoothing=e)
    shown = "weight" if ws is not None else "no weight"
    label = (
        f"{what} (logits {xs.shape}, {shown}, ignore_index={ignore_index}, reduction={reduction!r}, "
        f"label_smoothing={e:g}, {np.dtype(dtype).name})"
    )
    loss = as_array(quiet(cross_entropy, xs, t, **args), f"cross_entropy {label}")
    check_array(loss, exp_loss, what=f"cross_entropy {label}", rtol=rtol, atol=loss_tol, dtype=dtype)
    grad = quiet(cross_entropy_grad, xs, t, **args, grad_output=grad_output)
    check_array(grad, exp_grad, what=f"cross_entropy_grad {label}", rtol=rtol, atol=grad_tol, dtype=dtype)


def random_case(seed):
    rng = np.random.default_rng([909, seed])
    N, C = int(rng.integers(1, 9)), int(rng.integers(1, 12))
    rest = tuple(int(v) for v in rng.integers(1, 5, size=rng.integers(0, 3)))
    x = rng.normal(rng.uniform(-3, 3), rng.choice([0.5, 2.0, 8.0, 40.0]), size=(N, C, *rest))
    t = rng.integers(0, C, size=(N, *rest))
    ignore_index = int(rng.choice([-100, 255, 0, C - 1, -1]))
    t[rng.uniform(size=t.shape) < rng.choice([0.0, 0.3])] = ignore_index
    weight = rng.uniform(0.05, 3.0, size=C) if rng.uniform() < 0.6 else None
    e = float(rng.choice([0.0, 0.1, rng.uniform(), 1.0]))
    reduction = str(rng.choice(REDUCTIONS))
    grad_output = rng.normal(size=t.shape) if reduction == "none" else float(rng.normal(0, 2))
    return x, t, weight, ignore_index, reduction, e, grad_output


# --- live torch on random shapes and arguments ---------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(16))
def test_random_against_torch(seed, dtype):
    x, t, weight, ignore_index, reduction, e, grad_output = random_case(seed)
    check_live(x, t, weight, ignore_index, reduction, e, grad_output, dtype, f"on random case {seed}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("e", [0.0, 0.2])
def test_huge_logits(dtype, e):
    # logits of +-1e4: exp(1e4) overflows and the softmax of most classes underflows to 0, so log(softmax)
    # is -inf; a loss of about 2e4 is expected for a target at -1e4 while another class is at +1e4
    x = np.array(
        [
            [1e4, -1e4, 0.0, 5.0],
            [-1e4, 1e4, 1e4, -1e4],
            [1e4 + 1.0, 1e4, 1e4 - 3.0, 1e4 - 0.5],
            [-1e4, -1e4 + 2.0, -1e4 + 1.0, -1e4],
            [100.0, 90.0, -90.0, -100.0],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    t = np.array([1, 2, 3, 0, 3, 2])
    weight = np.array([0.5, 2.0, 1.0, 1.5])
    for reduction in REDUCTIONS:
        check_live(x, t, None, -100, reduction, e, 1.0, dtype, "on logits up to +-1e4")
        check_live(x, t, weight, -100, reduction, e, 1.0, dtype, "on logits up to +-1e4")
    seg = np.moveaxis(np.stack([x, x[::-1]]), 2, 1)  # (2, 4, 6): the classes on axis 1
    check_live(seg, np.stack([t, t[::-1]]), weight, 2, "none", e, 1.0, dtype, "on logits up to +-1e4 (N, C, d)")


def test_float32_near_large_offset():
    # 1e4 + small differences: the shift must come before the exponential, in float32 too
    rng = np.random.default_rng(91)
    x = (1e4 + rng.normal(0, 2, size=(50, 7))).astype(np.float32)
    t = rng.integers(0, 7, size=50)
    check_live(x, t, None, -100, "none", 0.1, 1.0, np.float32, "on float32 logits near 1e4")


# --- label smoothing, weights, ignore_index, reductions ------------------------------------------------


@pytest.mark.parametrize("e", [0.1, 0.5, 1.0])
def test_label_smoothing_every_class(e):
    # e / C on every class, the target included: the target gets 1 - e + e / C
    x = np.array([[2.0, 0.5, -1.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0], [-3.0, 4.0, 1.0, 1.0, 0.5]])
    t = np.array([0, 3, 2])
    for reduction in REDUCTIONS:
        check_live(x, t, None, -100, reduction, e, 1.0, np.float64, "with label smoothing")


def test_smoothing_with_class_weights():
    # torch: (1 - e) w[y] (-p[y]) + (e / C) sum_c w[c] (-p[c]), and the mean still divides by sum w[y]
    rng = np.random.default_rng(92)
    x = rng.normal(0, 2, size=(12, 6))
    t = rng.integers(0, 6, size=12)
    t[[2, 7]] = -100
    weight = np.array([0.1, 3.0, 1.0, 0.5, 2.0, 0.25])
    for reduction in REDUCTIONS:
        for e in (0.1, 0.7):
            check_live(x, t, weight, -100, reduction, e, 1.0, np.float64, "with class weights and label smoothing")
    x4 = rng.normal(0, 2, size=(2, 6, 3, 4))
    t4 = rng.integers(0, 6, size=(2, 3, 4))
    t4[0, 1] = 255
    check_live(x4, t4, weight, 255, "mean", 0.3, 0.7, np.float32, "with class weights and label smoothing (N, C, H, W)")


def test_ignored_positions():
    x = np.array([[1.0, 2.0, 3.0], [3.0, 1.0, 0.0], [0.5, 0.5, -2.0], [2.0, -1.0, 0.0]])
    t = np.array([2, -100, 0, -100])
    none = as_array(quiet(cross_entropy, x, t, reduction="none"), "cross_entropy(reduction='none')")
    assert none.shape == (4,) and none[1] == 0 and none[3] == 0, (
        f"cross_entropy(reduction='none') with ignored positions 1 and 3: got {none.tolist()}, expected 0 there"
    )
    for reduction in REDUCTIONS:
        for e in (0.0, 0.3):
            check_live(x, t, None, -100, reduction, e, 1.0, np.float64, "with ignored positions")
            check_live(x, t, [1.0, 2.0, 0.5], -100, reduction, e, 1.0, np.float64, "with ignored positions")
    # ignore_index may be a valid class: its positions are ignored
    check_live(x, np.array([2, 1, 0, 1]), None, 1, "mean", 0.2, 1.0, np.float64, "with ignore_index=1 (a class)")


def test_weighted_mean_divides_by_target_weights():
    x = np.array([[0.0, 1.0], [2.0, 0.0], [0.5, 0.5]])
    t = np.array([0, 0, 1])
    weight = np.array([3.0, 0.5])
    got = as_array(quiet(cross_entropy, x, t, weight), "cross_entropy(weight=[3, 0.5])")
    each = quiet(cross_entropy, x, t, weight, reduction="none")
    check_array(got, np.array(each.sum() / 6.5), what="weighted mean: the sum over the sum of w[y] = 6.5", rtol=1e-9)
    for e in (0.0, 0.4):
        check_live(x, t, weight, -100, "mean", e, 1.0, np.float64, "weighted mean")
        check_live(x, t, weight, -100, "mean", e, -2.5, np.float32, "weighted mean")


@pytest.mark.parametrize("weight", [None, [1.0, 2.0, 0.5]])
def test_all_positions_ignored(weight):
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])
    t = np.array([-100, -100])
    for e in (0.0, 0.3):
        for reduction in REDUCTIONS:
            check_live(x, t, weight, -100, reduction, e, 1.0, np.float64, "with every position ignored")
        mean = as_array(quiet(cross_entropy, x, t, weight, label_smoothing=e), "cross_entropy, every position ignored")
        assert mean.shape == () and np.isnan(mean), (
            f"cross_entropy(reduction='mean') with every position ignored: got {mean!r}, expected NaN as torch (0 / 0)"
        )


@pytest.mark.parametrize("shape", [(0, 5), (0, 3, 4, 2), (2, 3, 0)])
def test_empty_inputs(shape):
    for dtype in (np.float32, np.float64):
        x = np.zeros(shape, dtype)
        t = np.zeros((shape[0], *shape[2:]), np.int64)
        for reduction in REDUCTIONS:
            check_live(x, t, None, -100, reduction, 0.1, 1.0, dtype, "on an empty input")


# --- the (N, C, d1, ..., dk) layout --------------------------------------------------------------------


@pytest.mark.parametrize("rest", [(5,), (3, 4), (2, 3, 2)])
def test_class_axis_is_one(rest):
    rng = np.random.default_rng([93, len(rest)])
    C = 4
    x = rng.normal(0, 3, size=(3, C, *rest))
    t = rng.integers(0, C, size=(3, *rest))
    t.reshape(-1)[::5] = -100
    weight = rng.uniform(0.5, 2, size=C)
    for reduction in REDUCTIONS:
        g = rng.normal(size=t.shape) if reduction == "none" else 1.5
        check_live(x, t, weight, -100, reduction, 0.1, g, np.float64, "with the classes on axis 1")
    # C equal to the last axis' length as well: the class axis must not be guessed from the shape
    x = rng.normal(0, 3, size=(2, 4, 4))
    t = rng.integers(0, 4, size=(2, 4))
    check_live(x, t, None, -100, "none", 0.0, 1.0, np.float64, "with the classes on axis 1 of an (N, C, C) array")


# --- the gradient's scaling ----------------------------------------------------------------------------


def test_gradient_scaling_and_grad_output():
    rng = np.random.default_rng(94)
    x = rng.normal(0, 2, size=(6, 5))
    t = np.array([0, 4, -100, 2, 2, 1])
    weight = rng.uniform(0.5, 2, size=5)
    for e in (0.0, 0.25):
        check_live(x, t, weight, -100, "none", e, rng.normal(size=6), np.float64, "with an array grad_output")
        check_live(x, t, weight, -100, "sum", e, -3.0, np.float64, "with grad_output -3")
        check_live(x, t, weight, -100, "mean", e, 0.5, np.float64, "with grad_output 0.5")
    default = quiet(cross_entropy_grad, x, t)
    check_array(
        default,
        torch_result(x, t, None, -100, "mean", 0.0, 1.0, "float64")[1],
        what="cross_entropy_grad with its defaults (mean, grad_output 1)",
        rtol=1e-9,
        atol=1e-15,
    )


# --- arguments and dtypes ------------------------------------------------------------------------------

X_SMALL = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
T_SMALL = np.array([2, 0])


def expect_value_error(fn, what, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ValueError:
        return
    except Exception as exc:
        raise AssertionError(f"{fn.__name__} {what}: raised {type(exc).__name__}, expected ValueError") from None
    raise AssertionError(f"{fn.__name__} {what}: did not raise ValueError")


@pytest.mark.parametrize("target", [[3, 0], [-1, 0], [0, 5], [-101, 1], [255, 0]])
def test_target_out_of_range_raises(target):
    for fn in (cross_entropy, cross_entropy_grad):
        expect_value_error(fn, f"with target {target} for C = 3", X_SMALL, np.array(target))


@pytest.mark.parametrize("e", [-0.1, 1.5, -1e-9, 2.0])
def test_invalid_label_smoothing_raises(e):
    for fn in (cross_entropy, cross_entropy_grad):
        expect_value_error(fn, f"with label_smoothing={e}", X_SMALL, T_SMALL, label_smoothing=e)


@pytest.mark.parametrize("reduction", ["avg", "MEAN", "", None, "batchmean"])
def test_invalid_reduction_raises(reduction):
    for fn in (cross_entropy, cross_entropy_grad):
        expect_value_error(fn, f"with reduction={reduction!r}", X_SMALL, T_SMALL, reduction=reduction)


def test_boundary_arguments_accepted():
    check_live(X_SMALL, T_SMALL, None, -100, "mean", 1.0, 1.0, np.float64, "with label_smoothing=1")
    check_live(X_SMALL, np.array([-1, 0]), None, -1, "sum", 0.0, 1.0, np.float64, "with ignore_index=-1")
    check_live(np.array([[0.3]]), np.array([0]), None, -100, "none", 0.5, 1.0, np.float64, "with one class")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_result_dtypes(dtype):
    x = X_SMALL.astype(dtype)
    for reduction in REDUCTIONS:
        loss = as_array(quiet(cross_entropy, x, T_SMALL, reduction=reduction), f"cross_entropy({reduction!r})")
        assert loss.dtype == dtype and loss.shape == ((2,) if reduction == "none" else ()), (
            f"cross_entropy(reduction={reduction!r}) on {np.dtype(dtype).name} logits: got {loss.dtype} {loss.shape}"
        )
        grad = quiet(cross_entropy_grad, x, T_SMALL, reduction=reduction, label_smoothing=0.1)
        assert isinstance(grad, np.ndarray) and grad.dtype == dtype and grad.shape == x.shape, (
            f"cross_entropy_grad(reduction={reduction!r}) on {np.dtype(dtype).name} logits: expected a {x.shape} "
            f"{np.dtype(dtype).name} array, got {type(grad).__name__} {getattr(grad, 'dtype', '')} {np.shape(grad)}"
        )
    grad = quiet(cross_entropy_grad, x, T_SMALL, reduction="none", grad_output=np.ones(2, np.float64))
    assert grad.dtype == dtype, (
        f"cross_entropy_grad with a float64 grad_output array on {np.dtype(dtype).name}: {grad.dtype}"
    )


def test_int32_targets_and_inputs_untouched():
    rng = np.random.default_rng(95)
    x = rng.normal(0, 3, size=(20, 6))
    t = rng.integers(0, 6, size=20).astype(np.int32)
    x_copy, t_copy = x.copy(), t.copy()
    for reduction in REDUCTIONS:
        quiet(cross_entropy, x, t, reduction=reduction, label_smoothing=0.1)
        quiet(cross_entropy_grad, x, t, reduction=reduction, label_smoothing=0.1)
    check_array(x, x_copy, what="logits after the calls (inputs must not be modified)", rtol=0)
    assert np.array_equal(t, t_copy), "target was modified by the calls"
    check_live(x, t, None, -100, "none", 0.1, 1.0, np.float64, "with int32 targets")
    check_live(np.asfortranarray(x)[::2], t[::2], None, -100, "sum", 0.0, 1.0, np.float64, "on a strided view")


def test_larger_against_baseline():
    rng = np.random.default_rng(96)
    logits, labels, seg, mask, weight = baseline.make_inputs(rng)
    x, t = logits[:512], labels[:512]
    check_live(x, t, None, -100, "mean", 0.1, 1.0, np.float32, "on a (512, 1000) classification batch")
    loss, grad = baseline.cross_entropy_and_grad(seg[:1, :, :32, :32], mask[:1, :32, :32], weight, 255, "mean")
    check_array(
        as_array(quiet(cross_entropy, seg[:1, :, :32, :32], mask[:1, :32, :32], weight, 255), "segmentation loss"),
        loss,
        what="cross_entropy on a (1, 21, 32, 32) segmentation map",
        rtol=1e-4,
        dtype=np.float32,
    )
    check_array(
        quiet(cross_entropy_grad, seg[:1, :, :32, :32], mask[:1, :32, :32], weight, 255),
        grad,
        what="cross_entropy_grad on a (1, 21, 32, 32) segmentation map",
        rtol=1e-3,
        atol=1e-4 * float(np.abs(grad).max()),
        dtype=np.float32,
    )
