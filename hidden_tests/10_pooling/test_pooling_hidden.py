"""Hidden tests for kata 10: max, average and adaptive average pooling against torch (its answers recorded in
oracle.npz, asked live for any call not recorded: ``grader.grading.oracle``).

Every case runs the submission and ``torch.nn.functional.max_pool2d(..., return_indices=True)``, ``avg_pool2d``
or ``adaptive_avg_pool2d`` with autograd on the same arrays.
- max_pool2d: the same values (NaN where torch has NaN) and the same int64 indices, exactly, in both dtypes: a
  maximum is one of the inputs, so there is no rounding to allow for.
- everything else, float64: within 1e-9 relative plus 1e-12 times the sum of the absolute values of the terms
  behind each entry (torch computes that bound too, on |x| and |dout|).
- float32: within 8 times the largest error of torch's own float32 result against its float64 result on the same
  input (the contract's calibration), and at least 4 float32 ulps of the entry's magnitude.
"""

from pathlib import Path

import numpy as np
import pytest
from pooling import (
    adaptive_avg_pool2d,
    adaptive_avg_pool2d_backward,
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
)

from grader.grading.oracle import ORACLE_FILE, Recorded, oracle_torch

TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

F32_FACTOR, F32_FLOOR = 8.0, 4.0
F64_RTOL, F64_SLACK = 1e-9, 1e-12
EPS32 = float(np.finfo(np.float32).eps)


def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else tuple(int(a) for a in v)


def check_close(got, expected, allowed, *, what, dtype):
    """``got`` is an ndarray of ``expected``'s shape and ``dtype``, within ``allowed``; NaN only where expected."""
    if type(got) is not np.ndarray:
        raise AssertionError(f"{what}: expected a numpy array, got {type(got).__name__}")
    if got.shape != expected.shape:
        raise AssertionError(f"{what}: shape {got.shape}, expected {expected.shape}")
    if got.dtype != np.dtype(dtype):
        raise AssertionError(f"{what}: dtype {got.dtype}, expected {np.dtype(dtype)}")
    if got.size == 0:
        return
    g = got.astype(np.float64)
    both_nan = np.isnan(g) & np.isnan(expected)
    with np.errstate(invalid="ignore"):  # inf - inf
        error = np.abs(g - expected)
    allowed = np.broadcast_to(allowed, error.shape)
    bad = ~((error <= allowed) | both_nan | (g == expected))  # NaN counts as bad; equal infinities are fine
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {got.size} values differ; at {idx} got {float(got[idx]):.10g}, "
            f"expected {float(expected[idx]):.10g} (allowed error {allowed[idx]:.3g})"
        )


def check_exact(got, expected, *, what, dtype):
    """Same shape and dtype, and the same values (NaN where expected has NaN)."""
    check_close(got, expected, 0.0, what=what, dtype=dtype)


def check_indices(got, expected, *, what):
    if type(got) is not np.ndarray:
        raise AssertionError(f"{what}: expected a numpy array, got {type(got).__name__}")
    if got.dtype != np.int64:
        raise AssertionError(f"{what}: dtype {got.dtype}, expected int64")
    if got.shape != expected.shape:
        raise AssertionError(f"{what}: shape {got.shape}, expected {expected.shape}")
    bad = got != expected
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {got.size} indices differ; at {idx} got {int(got[idx])}, "
            f"expected {int(expected[idx])}"
        )


# --- torch ---------------------------------------------------------------------------------------------------


@TORCH
def torch_max(x, dout, kernel, stride, padding, dilation, ceil_mode, dtype="float64"):
    """(out, indices, dx) of torch; out and dx as float64 arrays."""
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx = torch.tensor(x, dtype=dtype, requires_grad=True)
    stride = pair(kernel) if stride is None else pair(stride)
    out, idx = F.max_pool2d(tx, pair(kernel), stride, pair(padding), pair(dilation), ceil_mode, return_indices=True)
    if dout is not None:
        out.backward(torch.tensor(dout, dtype=dtype))
    dx = None if dout is None else tx.grad.numpy().astype(np.float64)
    return out.detach().numpy().astype(np.float64), idx.numpy(), dx


@TORCH
def torch_avg(x, dout, kernel, stride, padding, ceil_mode, include, override, dtype="float64"):
    """(out, dx) of torch's avg_pool2d and autograd, as float64 arrays."""
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx = torch.tensor(x, dtype=dtype, requires_grad=True)
    stride = pair(kernel) if stride is None else pair(stride)
    out = F.avg_pool2d(tx, pair(kernel), stride, pair(padding), ceil_mode, include, override)
    out.backward(torch.tensor(dout, dtype=dtype))
    return out.detach().numpy().astype(np.float64), tx.grad.numpy().astype(np.float64)


@TORCH
def torch_adaptive(x, dout, size, dtype="float64"):
    torch = oracle_torch()
    F, dtype = torch.nn.functional, getattr(torch, dtype)
    tx = torch.tensor(x, dtype=dtype, requires_grad=True)
    out = F.adaptive_avg_pool2d(tx, pair(size))
    out.backward(torch.tensor(dout, dtype=dtype))
    return out.detach().numpy().astype(np.float64), tx.grad.numpy().astype(np.float64)


@TORCH
def output_shape(shape, kernel, stride, padding, dilation, ceil_mode):
    """torch's output shape for these arguments (from a forward on zeros)."""
    torch = oracle_torch()
    F = torch.nn.functional
    stride = pair(kernel) if stride is None else pair(stride)
    t = torch.zeros(shape, dtype=torch.float64)
    return tuple(F.max_pool2d(t, pair(kernel), stride, pair(padding), pair(dilation), ceil_mode).shape)


def describe(shape, **args):
    return f"x {tuple(shape)}, " + ", ".join(f"{k} {v}" for k, v in args.items())


# --- the checks ----------------------------------------------------------------------------------------------


def check_max(x, kernel, stride=None, padding=0, dilation=1, ceil_mode=False, dout=None, seed=0, label=None):
    """max_pool2d and max_pool2d_backward against torch, in x's dtype (float32 or float64)."""
    label = label or describe(x.shape, kernel=kernel, stride=stride, padding=padding, dilation=dilation, ceil=ceil_mode)
    dtype = x.dtype
    tdtype = "float32" if dtype == np.float32 else "float64"
    if dout is None:
        rng = np.random.default_rng([10, seed])
        dout = rng.normal(size=output_shape(x.shape, kernel, stride, padding, dilation, ceil_mode)).astype(dtype)
    expected_out, expected_idx, expected_dx = torch_max(x, dout, kernel, stride, padding, dilation, ceil_mode, tdtype)
    out, idx = max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    check_exact(out, expected_out, what=f"max_pool2d out for {label}", dtype=dtype)
    check_indices(idx, expected_idx, what=f"max_pool2d indices for {label}")
    dx = max_pool2d_backward(dout, idx, x.shape)
    # dx adds the gradients of the windows sharing a maximum: torch's own rounding, or 4 ulps of their |sum|
    exact = torch_max(x.astype(np.float64), dout.astype(np.float64), kernel, stride, padding, dilation, ceil_mode)[2]
    bound = torch_max(
        x.astype(np.float64), np.abs(dout.astype(np.float64)), kernel, stride, padding, dilation, ceil_mode
    )
    allowed = allowance(dtype, expected_dx, exact, bound[2])
    check_close(dx, exact, allowed, what=f"max_pool2d_backward dx for {label}", dtype=dtype)


def allowance(dtype, torch_result, exact, magnitude):
    if dtype == np.float64:
        return F64_RTOL * np.abs(exact) + F64_SLACK * magnitude
    torch_error = float(np.nanmax(np.abs(torch_result - exact), initial=0.0)) if exact.size else 0.0
    return np.maximum(F32_FACTOR * torch_error, F32_FLOOR * EPS32 * magnitude)


def check_avg(x, kernel, stride=None, padding=0, ceil_mode=False, include=True, override=None, seed=0, label=None):
    """avg_pool2d and avg_pool2d_backward against torch."""
    label = label or describe(
        x.shape, kernel=kernel, stride=stride, padding=padding, ceil=ceil_mode, count_include_pad=include,
        divisor_override=override,
    )  # fmt: skip
    dtype = x.dtype
    rng = np.random.default_rng([11, seed])
    dout = rng.normal(size=output_shape(x.shape, kernel, stride, padding, 1, ceil_mode)).astype(dtype)
    args = (kernel, stride, padding, ceil_mode, include, override)
    x64, d64 = x.astype(np.float64), dout.astype(np.float64)
    exact = torch_avg(x64, d64, *args)
    magnitude = [np.abs(m) for m in torch_avg(np.abs(x64), np.abs(d64), *args)]
    tdtype = "float32" if dtype == np.float32 else "float64"
    torch_result = torch_avg(x, dout, *args, dtype=tdtype) if dtype == np.float32 else exact
    out = avg_pool2d(x, *args)
    allowed = allowance(dtype, torch_result[0], exact[0], magnitude[0])
    check_close(out, exact[0], allowed, what=f"avg_pool2d out for {label}", dtype=dtype)
    dx = avg_pool2d_backward(dout, x.shape, *args)
    allowed = allowance(dtype, torch_result[1], exact[1], magnitude[1])
    check_close(dx, exact[1], allowed, what=f"avg_pool2d_backward dx for {label}", dtype=dtype)


def check_adaptive(x, size, seed=0, label=None):
    label = label or describe(x.shape, output_size=size)
    dtype = x.dtype
    rng = np.random.default_rng([12, seed])
    dout = rng.normal(size=(*x.shape[:2], *pair(size))).astype(dtype)
    x64, d64 = x.astype(np.float64), dout.astype(np.float64)
    exact = torch_adaptive(x64, d64, size)
    magnitude = torch_adaptive(np.abs(x64), np.abs(d64), size)
    torch_result = torch_adaptive(x, dout, size, dtype="float32") if dtype == np.float32 else exact
    out = adaptive_avg_pool2d(x, size)
    allowed = allowance(dtype, torch_result[0], exact[0], magnitude[0])
    check_close(out, exact[0], allowed, what=f"adaptive_avg_pool2d out for {label}", dtype=dtype)
    dx = adaptive_avg_pool2d_backward(dout, x.shape)
    allowed = allowance(dtype, torch_result[1], exact[1], magnitude[1])
    check_close(dx, exact[1], allowed, what=f"adaptive_avg_pool2d_backward dx for {label}", dtype=dtype)


# --- randomised cases ----------------------------------------------------------------------------------------


def random_window(rng, dilated):
    kernel = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    padding = (int(rng.integers(0, kernel[0] // 2 + 1)), int(rng.integers(0, kernel[1] // 2 + 1)))
    dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 3))) if dilated else (1, 1)
    ceil_mode = bool(rng.random() < 0.5)
    span = [d * (k - 1) + 1 - 2 * p for k, p, d in zip(kernel, padding, dilation)]
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(max(1, span[0]), 13)))
    shape += (int(rng.integers(max(1, span[1]), 13)),)
    as_arg = lambda p: p[0] if p[0] == p[1] and rng.random() < 0.5 else p  # noqa: E731
    stride = None if stride == kernel and rng.random() < 0.5 else as_arg(stride)
    return shape, as_arg(kernel), stride, as_arg(padding), as_arg(dilation), ceil_mode


def random_values(rng, shape, dtype):
    """Normal values, or small integers (many ties), with the odd NaN and -inf."""
    kind = rng.integers(3)
    x = rng.normal(size=shape) if kind == 0 else rng.integers(-3, 3, size=shape).astype(np.float64)
    if kind == 2:
        x[rng.random(shape) < 0.1] = np.nan
        x[rng.random(shape) < 0.1] = -np.inf
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(10))
def test_random_max_pool(seed, dtype):
    rng = np.random.default_rng([1, seed, np.dtype(dtype).itemsize])
    shape, kernel, stride, padding, dilation, ceil_mode = random_window(rng, dilated=True)
    x = random_values(rng, shape, dtype)
    try:
        output_shape(shape, kernel, stride, padding, dilation, ceil_mode)
        torch_idx = torch_max(x, None, kernel, stride, padding, dilation, ceil_mode)[1]
    except RuntimeError:
        pytest.skip("torch rejects this geometry")
    if torch_idx.size and (torch_idx.min() < 0 or torch_idx.max() >= shape[2] * shape[3]):
        # a dilated window with no tap inside the input: torch reports a position outside it (not graded)
        torch_idx = None
    if torch_idx is None:
        return
    check_max(x, kernel, stride, padding, dilation, ceil_mode, seed=seed)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(10))
def test_random_avg_pool(seed, dtype):
    rng = np.random.default_rng([2, seed, np.dtype(dtype).itemsize])
    shape, kernel, stride, padding, _, ceil_mode = random_window(rng, dilated=False)
    include = bool(rng.random() < 0.5)
    override = int(rng.choice([-3, 2, 5])) if rng.random() < 0.3 else None
    x = rng.normal(size=shape).astype(dtype)
    check_avg(x, kernel, stride, padding, ceil_mode, include, override, seed=seed)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(8))
def test_random_adaptive(seed, dtype):
    rng = np.random.default_rng([3, seed, np.dtype(dtype).itemsize])
    H, W = int(rng.integers(1, 16)), int(rng.integers(1, 16))
    size = (int(rng.integers(1, 2 * H + 2)), int(rng.integers(1, 2 * W + 2)))
    size = size[0] if size[0] == size[1] else size
    x = rng.normal(size=(int(rng.integers(1, 3)), int(rng.integers(1, 4)), H, W)).astype(dtype)
    check_adaptive(x, size, seed=seed)


# --- the mistakes this kata is about -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "H, kernel, stride, padding",
    [
        (4, 2, 3, 1),  # ceil((4 + 2 - 2) / 3) + 1 = 3 windows, but the third would start at padded row 6 >= 4 + 1
        (6, 3, 4, 1),  # the extra window would start at padded row 8 >= 6 + 1
        (5, 2, 2, 1),  # 4 windows: the last one starts at padded row 6 = 5 + 1, in the bottom padding: dropped
        (9, 4, 3, 2),
    ],
)
def test_ceil_mode_drops_a_window_that_starts_in_the_padding(H, kernel, stride, padding):
    rng = np.random.default_rng([20, H])
    x = rng.normal(size=(2, 3, H, H + 1))
    check_max(x, kernel, stride, padding, 1, True)
    check_avg(x, kernel, stride, padding, True, True)
    check_avg(x, kernel, stride, padding, True, False)


def test_ceil_mode_keeps_a_window_that_starts_inside():
    rng = np.random.default_rng(21)
    x = rng.normal(size=(1, 2, 7, 8))
    check_max(x, 2, 2, 0, 1, True)  # the last window starts at row 6 and reads row 6 only
    check_max(x, 3, 2, 1, 1, True)
    check_avg(x, 2, 2, 0, True, True)  # its divisor counts the cells inside the input (and padding), not 4


def test_max_padding_is_minus_infinity():
    rng = np.random.default_rng(22)
    x = -np.abs(rng.normal(size=(2, 3, 6, 7))) - 1.0  # every value < 0: a zero padding would win at the borders
    check_max(x, 3, 2, 1)
    check_max(x, (2, 3), 1, (1, 1))
    check_max(x.astype(np.float32), 3, 1, 1, ceil_mode=True)


def test_all_minus_infinity_window_reports_its_first_input_cell():
    x = np.full((1, 2, 4, 5), -np.inf)
    x[0, 1, 2, 3] = -7.0
    check_max(x, 3, 2, 1)
    check_max(x, 2, 1, 1)


def test_ties_go_to_the_first_maximum_in_row_major_order():
    rng = np.random.default_rng(23)
    x = rng.integers(0, 2, size=(2, 3, 8, 9)).astype(np.float64)  # every window is full of ties
    check_max(x, 3, 1, 1)
    check_max(x, (3, 2), (2, 1), (1, 0))
    check_max(np.ones((1, 1, 5, 5)), 3, 2, 1)  # all equal: the first in-input cell of each window
    y = np.zeros((1, 1, 4, 4))
    y[0, 0, 0, 1] = y[0, 0, 1, 0] = 1.0  # (0, 1) comes before (1, 0) row by row, after it column by column
    check_max(y, 2)


def test_nan_is_the_maximum_and_the_last_nan_gives_the_index():
    x = np.arange(32, dtype=np.float64).reshape(1, 2, 4, 4)
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = np.nan  # two NaNs in the first window: the index is 4 (1, 0), not 1
    x[0, 0, 3, 3] = np.nan  # after the largest value
    x[0, 1, 2, 2] = np.nan
    x[0, 1, 2, 3] = 100.0  # a larger value after a NaN does not replace it
    check_max(x, 2)
    check_max(x, 3, 1, 1)
    check_max(x.astype(np.float32), 2, 1)
    rng = np.random.default_rng(24)
    y = rng.normal(size=(2, 3, 9, 9))
    y[rng.random(y.shape) < 0.25] = np.nan
    check_max(y, 3, 2, 1)
    check_max(y, 3, 1, 0, 2)


@pytest.mark.parametrize("include", [True, False])
@pytest.mark.parametrize("override", [None, 4, -3])
def test_divisor(include, override):
    rng = np.random.default_rng(25)
    x = rng.normal(size=(2, 2, 7, 6))
    check_avg(x, 3, 2, 1, False, include, override)  # border windows reach into the padding
    check_avg(x, 3, 2, 1, True, include, override)  # and with ceil_mode, past it
    check_avg(x, (2, 4), (3, 3), (1, 2), True, include, override)


def test_divisor_of_a_ceil_mode_window_running_past_the_padding():
    # H = 6, k = 3, s = 2, p = 0, ceil_mode: the last window starts at row 4 and covers rows 4-6; row 6 does not
    # exist and is not padding, so even with count_include_pad the divisor is 2 * 3 = 6, not 9
    x = np.ones((1, 1, 6, 6))
    check_avg(x, 3, 2, 0, True, True)
    check_avg(x, 3, 2, 1, True, True)
    check_avg(np.ones((1, 1, 6, 7), np.float32), (3, 2), (2, 2), (1, 1), True, True)


@pytest.mark.parametrize("H, W, size", [(13, 13, 6), (7, 10, (3, 4)), (5, 5, 7), (10, 3, (4, 5)), (6, 9, (4, 1))])
def test_adaptive_bins_overlap(H, W, size):
    # 13 -> 6: bins [0, 3), [2, 5), [4, 7), [6, 9), [8, 11), [10, 13): neighbours share a row
    rng = np.random.default_rng([26, H, W])
    check_adaptive(rng.normal(size=(2, 3, H, W)), size)
    check_adaptive(rng.normal(size=(1, 2, H, W)).astype(np.float32), size)


def test_adaptive_divisible_and_global():
    rng = np.random.default_rng(27)
    x = rng.normal(size=(2, 4, 8, 6))
    check_adaptive(x, (4, 3))
    check_adaptive(x, 1)  # global average pooling
    check_adaptive(x, (8, 6))  # identity


def test_overlapping_windows_add_their_gradients():
    rng = np.random.default_rng(28)
    x = rng.normal(size=(2, 3, 9, 9))
    x[:, :, 4, 4] = 10.0  # the maximum of every window that reaches it
    check_max(x, 3, 1, 1)
    check_max(x, 3, 2, 0)
    check_avg(x, 3, 1, 1)
    check_avg(x, 3, 2, 1)
    check_adaptive(x, 4)


@pytest.mark.parametrize(
    "kernel, padding", [(3, 2), (1, 1), (2, 2), ((3, 5), (1, 3)), ((4, 2), (3, 1)), (3, -1)], ids=str
)
def test_padding_larger_than_half_the_kernel_raises(kernel, padding):
    x = np.zeros((1, 1, 8, 8))
    with pytest.raises(ValueError):
        max_pool2d(x, kernel, 1, padding)
    with pytest.raises(ValueError):
        avg_pool2d(x, kernel, 1, padding)
    with pytest.raises(ValueError):
        avg_pool2d_backward(np.zeros((1, 1, 8, 8)), x.shape, kernel, 1, padding)


def test_padding_up_to_half_the_kernel_is_allowed():
    rng = np.random.default_rng(29)
    x = rng.normal(size=(1, 2, 6, 6))
    check_max(x, 2, 1, 1)  # 2 // 2 = 1
    check_max(x, (4, 5), 2, (2, 2))
    check_avg(x, (4, 5), 2, (2, 2))


def test_dilation():
    rng = np.random.default_rng(30)
    x = rng.normal(size=(2, 3, 11, 10))
    check_max(x, 3, 1, 0, 2)
    check_max(x, 3, 2, 1, (3, 2))
    check_max(x, (2, 3), (1, 2), (1, 1), (4, 1), True)


def test_indices_are_positions_in_the_unpadded_plane():
    x = np.arange(30, dtype=np.float64).reshape(1, 1, 5, 6)
    check_max(x, 3, 2, 1)  # the maxima are the bottom-right cells: h * 6 + w, never in padded coordinates
    check_max(-x, 3, 2, 1, 1, True)  # the top-left cells
    rng = np.random.default_rng(31)
    check_max(rng.normal(size=(3, 4, 7, 5)), 2, 2, 1, 1, True)  # several planes: indices restart in each


# --- values, dtypes and arrays -------------------------------------------------------------------------------


def test_float32_large_planes():
    rng = np.random.default_rng(32)
    x = (rng.normal(size=(2, 8, 56, 56)) * 3.0).astype(np.float32)
    check_max(x, 3, 2, 1)
    check_avg(x, 3, 2, 1, False, True)
    check_avg(x, 7, 7, 0, False, True)
    check_adaptive(x, 7)
    check_adaptive(x, 1)


@pytest.mark.parametrize("scale", [1e150, 1e-150], ids=["huge", "tiny"])
def test_extreme_magnitudes_float64(scale):
    rng = np.random.default_rng(33)
    x = rng.normal(size=(2, 3, 9, 9)) * scale
    check_max(x, 3, 2, 1)
    check_avg(x, 3, 2, 1, True, False)
    check_adaptive(x, 4)


def test_empty_batch_and_no_channels():
    for shape in ((0, 3, 6, 6), (2, 0, 6, 6)):
        x = np.zeros(shape, np.float32)
        out, idx = max_pool2d(x, 3, 2, 1)
        check_exact(out, np.zeros((*shape[:2], 3, 3)), what=f"max_pool2d out for x {shape}", dtype=np.float32)
        check_indices(idx, np.zeros((*shape[:2], 3, 3), np.int64), what=f"max_pool2d indices for x {shape}")
        dx = max_pool2d_backward(np.zeros((*shape[:2], 3, 3), np.float32), idx, shape)
        check_exact(dx, np.zeros(shape), what=f"max_pool2d_backward dx for x {shape}", dtype=np.float32)
        out = avg_pool2d(x, 2)
        check_exact(out, np.zeros((*shape[:2], 3, 3)), what=f"avg_pool2d out for x {shape}", dtype=np.float32)
        dx = avg_pool2d_backward(np.zeros((*shape[:2], 3, 3), np.float32), shape, 2)
        check_exact(dx, np.zeros(shape), what=f"avg_pool2d_backward dx for x {shape}", dtype=np.float32)
        out = adaptive_avg_pool2d(x, 4)
        check_exact(out, np.zeros((*shape[:2], 4, 4)), what=f"adaptive_avg_pool2d out for x {shape}", dtype=np.float32)
        dx = adaptive_avg_pool2d_backward(np.zeros((*shape[:2], 4, 4), np.float32), shape)
        check_exact(dx, np.zeros(shape), what=f"adaptive_avg_pool2d_backward dx for x {shape}", dtype=np.float32)


def test_int_pair_and_default_stride_agree():
    rng = np.random.default_rng(34)
    x = rng.normal(size=(2, 2, 9, 8))
    a, ai = max_pool2d(x, 3, None, 1)
    b, bi = max_pool2d(x, (3, 3), (3, 3), (1, 1), (1, 1))
    check_exact(b, a, what="max_pool2d with (3, 3) pairs against ints and stride None", dtype=np.float64)
    check_indices(bi, ai, what="max_pool2d indices with (3, 3) pairs against ints and stride None")
    a = avg_pool2d(x, 2)
    b = avg_pool2d(x, (2, 2), (2, 2), (0, 0))
    check_exact(b, a, what="avg_pool2d with (2, 2) pairs against ints and stride None", dtype=np.float64)
    check_max(x, (3, 2), None, (1, 0))
    check_avg(x, (3, 2), None, (1, 0))


def test_non_contiguous_inputs_untouched():
    rng = np.random.default_rng(35)
    x = rng.normal(size=(2, 6, 9, 14))[:, ::2, :, ::2]  # a strided view
    xt = rng.normal(size=(2, 3, 7, 9)).transpose(0, 1, 3, 2)  # a transposed one
    copies = (x.copy(), xt.copy())
    check_max(x, 3, 2, 1, label="a strided view")
    check_avg(xt, 3, 2, 1, label="a transposed view")
    check_adaptive(x, 3, label="a strided view")
    dout = rng.normal(size=(2, 3, 4, 5)).transpose(0, 1, 3, 2)
    dout_copy = dout.copy()
    _, idx = max_pool2d(x, 2, 2, 1)
    max_pool2d_backward(dout, idx.transpose(0, 1, 3, 2).copy().transpose(0, 1, 3, 2), x.shape)
    for name, a, c in (("x", x, copies[0]), ("x", xt, copies[1]), ("dout", dout, dout_copy)):
        if not np.array_equal(a, c):
            raise AssertionError(f"{name} was modified (inputs must not be modified)")
