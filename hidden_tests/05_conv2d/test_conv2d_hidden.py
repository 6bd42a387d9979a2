"""Hidden tests for kata 05: conv2d forward and backward against torch (its answers recorded in oracle.npz, asked
live for any call not recorded: ``grader.grading.oracle``).

Every case runs the submission and ``torch.nn.functional.conv2d`` with autograd on the same arrays.
- float64: within 1e-9 relative, plus a slack of 1e-11 times the sum of the absolute values of the terms
  behind each entry (``|x| conv |w| + |b|`` for the output, and likewise for each gradient: torch computes
  these bounds too), so a different order of summation never fails while any real mistake does.
- float32: within 8 times the largest error of torch's own float32 result against its float64 result on
  the same input (the contract's calibration: that error grows with the number of terms summed), and at
  least F32_FLOOR float32 ulps of the entry's magnitude (the sum of the absolute values of its terms), for
  short sums where torch's error is small by chance. Correct implementations that sum in other orders
  (tap by tap, pixel by pixel, tensordot, einsum, fancy-index im2col) stayed within 40% of this allowance
  on 300 random cases.
"""

from pathlib import Path

import numpy as np
import pytest
from conv2d import conv2d_backward, conv2d_forward

from grader.baselines import conv2d as baseline
from grader.grading.checks import check_array
from grader.grading.oracle import ORACLE_FILE, Recorded, oracle_torch

TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

F32_FACTOR = 8.0
F32_FLOOR = 4.0  # float32 ulps of an entry's magnitude: any order of a sum of up to 8 terms rounds within it
F64_RTOL, F64_SLACK = 1e-9, 1e-11
NAMES = ("out", "dx", "dw", "db")


def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else tuple(int(a) for a in v)


def describe(x_shape, w_shape, stride, padding, dilation, groups, bias=True):
    text = f"x {tuple(x_shape)}, w {tuple(w_shape)}, stride {stride}, padding {padding}, dilation {dilation}"
    text += f", groups {groups}"
    return text if bias else text + ", no bias"


@TORCH
def torch_conv(x, w, b, dout, stride, padding, dilation, groups, dtype="float64"):
    """(out, dx, dw, db) of torch's conv2d and autograd, as float64 arrays; db is None without bias."""
    torch = oracle_torch()
    dtype = getattr(torch, dtype)
    tx = torch.tensor(x, dtype=dtype, requires_grad=True)
    tw = torch.tensor(w, dtype=dtype, requires_grad=True)
    tb = None if b is None else torch.tensor(b, dtype=dtype, requires_grad=True)
    out = torch.nn.functional.conv2d(tx, tw, tb, pair(stride), pair(padding), pair(dilation), groups)
    out.backward(torch.tensor(dout, dtype=dtype))
    grads = [t.grad.numpy().astype(np.float64) for t in (tx, tw)]
    db = None if tb is None else tb.grad.numpy().astype(np.float64)
    return out.detach().numpy().astype(np.float64), grads[0], grads[1], db


def magnitudes(x, w, b, dout, stride, padding, dilation, groups):
    """The same four results computed on absolute values: per entry, the sum of |term| it adds up."""
    absb = None if b is None else np.abs(b)
    return torch_conv(np.abs(x), np.abs(w), absb, np.abs(dout), stride, padding, dilation, groups)


def check_close(got, expected, allowed, *, what, dtype):
    """``got`` is an ndarray of ``expected``'s shape and ``dtype``, within ``allowed`` (scalar or per entry)."""
    if not isinstance(got, np.ndarray):
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


def run_submission(x, w, b, dout, stride, padding, dilation, groups):
    out, cache = conv2d_forward(x, w, b, stride, padding, dilation, groups)
    dx, dw, db = conv2d_backward(dout, cache)
    return out, dx, dw, db


def compare_all(x, w, b, dout, stride, padding, dilation, groups, check):
    """Run the submission's forward, ``check`` its output (so a wrong output size is reported as such),
    then its backward and ``check`` each gradient. ``check(index, value)`` with index 0..3 for out..db."""
    out, cache = conv2d_forward(x, w, b, stride, padding, dilation, groups)
    check(0, out)
    grads = tuple(conv2d_backward(dout, cache))
    assert len(grads) == 3, f"conv2d_backward must return (dx, dw, db), got {len(grads)} values"
    for index, grad in enumerate(grads, start=1):
        check(index, grad)


def output_shape(x_shape, w_shape, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    OH = (x_shape[2] + 2 * ph - dh * (w_shape[2] - 1) - 1) // sh + 1
    OW = (x_shape[3] + 2 * pw - dw * (w_shape[3] - 1) - 1) // sw + 1
    return (x_shape[0], w_shape[0], OH, OW)


def make_arrays(rng, x_shape, w_shape, stride, padding, dilation, bias=True, scales=(1.0, 1.0, 1.0)):
    x = rng.normal(size=x_shape) * scales[0]
    w = rng.normal(size=w_shape) * scales[1]
    b = rng.normal(size=w_shape[0]) * scales[0] * scales[1] if bias else None
    dout = rng.normal(size=output_shape(x_shape, w_shape, stride, padding, dilation)) * scales[2]
    return x, w, b, dout


def check_float64(x, w, b, dout, stride, padding, dilation, groups, label=None):
    """The submission against torch in float64, all four results."""
    label = label or describe(x.shape, w.shape, stride, padding, dilation, groups, b is not None)
    expected = torch_conv(x, w, b, dout, stride, padding, dilation, groups)
    bounds = magnitudes(x, w, b, dout, stride, padding, dilation, groups)

    def check(index, got):
        name, e = NAMES[index], expected[index]
        if e is None:
            assert got is None, f"{name} for {label}: expected None (the forward had no bias), got {type(got).__name__}"
            return
        allowed = F64_RTOL * np.abs(e) + F64_SLACK * bounds[index]
        check_close(got, e, allowed, what=f"{name} for {label}", dtype=np.float64)

    compare_all(x, w, b, dout, stride, padding, dilation, groups, check)


def check_float32(x, w, b, dout, stride, padding, dilation, groups, label=None):
    """The submission on float32 copies of the inputs against torch's float64 result, held to torch's own
    float32 error (times F32_FACTOR), with a floor of F32_FLOOR float32 ulps of the entry's magnitude."""
    label = label or describe(x.shape, w.shape, stride, padding, dilation, groups, b is not None)
    f32 = [None if a is None else a.astype(np.float32) for a in (x, w, b, dout)]
    exact = [None if a is None else a.astype(np.float64) for a in f32]  # the float32 inputs, exactly
    expected = torch_conv(*exact, stride, padding, dilation, groups)
    torch32 = torch_conv(*f32, stride, padding, dilation, groups, dtype="float32")
    bounds = magnitudes(*exact, stride, padding, dilation, groups)
    eps = float(np.finfo(np.float32).eps)

    def check(index, got):
        name, e = NAMES[index], expected[index]
        if e is None:
            assert got is None, f"{name} for {label} (float32): expected None (the forward had no bias)"
            return
        torch_error = float(np.max(np.abs(torch32[index] - e), initial=0.0))
        allowed = np.maximum(F32_FACTOR * torch_error, F32_FLOOR * eps * bounds[index])
        check_close(got, e, allowed, what=f"{name} for {label} (float32)", dtype=np.float32)

    compare_all(*f32, stride, padding, dilation, groups, check)


# --- randomised cases ----------------------------------------------------------------------------------


def random_case(rng):
    """A random valid convolution: groups, non-square kernels, strides, pads and dilations of every kind."""
    kind = rng.choice(["plain", "grouped", "depthwise"], p=[0.45, 0.35, 0.2])
    if kind == "plain":
        groups, cg, fg = 1, int(rng.integers(1, 5)), int(rng.integers(1, 6))
    elif kind == "grouped":
        groups, cg, fg = int(rng.integers(2, 4)), int(rng.integers(2, 4)), int(rng.integers(1, 4))
    else:
        groups, cg, fg = int(rng.integers(2, 6)), 1, int(rng.integers(1, 3))
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
    dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 3)))
    h = int(rng.integers(max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]), 14))
    w = int(rng.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 14))
    # the int spelling of equal pairs is part of the contract too
    as_arg = lambda p: p[0] if p[0] == p[1] and rng.random() < 0.5 else p  # noqa: E731
    n = int(rng.integers(1, 4))
    return (n, groups * cg, h, w), (groups * fg, cg, kh, kw), as_arg(stride), as_arg(padding), as_arg(dilation), groups


RANDOM_CASES = 40


@pytest.mark.parametrize("seed", range(RANDOM_CASES))
def test_random_float64(seed):
    rng = np.random.default_rng([5, seed])
    x_shape, w_shape, stride, padding, dilation, groups = random_case(rng)
    bias = seed % 5 != 4
    x, w, b, dout = make_arrays(rng, x_shape, w_shape, stride, padding, dilation, bias)
    check_float64(x, w, b, dout, stride, padding, dilation, groups)


@pytest.mark.parametrize("seed", range(12))
def test_random_float32(seed):
    rng = np.random.default_rng([50, seed])
    x_shape, w_shape, stride, padding, dilation, groups = random_case(rng)
    x, w, b, dout = make_arrays(rng, x_shape, w_shape, stride, padding, dilation, bias=seed % 4 != 3)
    check_float32(x, w, b, dout, stride, padding, dilation, groups)


# Larger reductions, where float32 error grows: a held-to-1e-5 check would fail correct code here.
FLOAT32_LARGE = [
    ((2, 64, 14, 14), (32, 64, 3, 3), 1, 1, 1, 1),
    ((4, 128, 10, 10), (16, 128, 3, 3), 2, 1, 1, 1),
    ((8, 16, 24, 24), (16, 16, 5, 5), 1, 2, 1, 1),
    ((2, 32, 20, 20), (64, 1, 3, 3), 1, 1, 1, 32),
    ((2, 3, 48, 48), (16, 3, 7, 7), 2, 3, 1, 1),
]


@pytest.mark.parametrize("case", FLOAT32_LARGE, ids=lambda c: describe(*c))
def test_float32_large_reductions(case):
    rng = np.random.default_rng(51)
    x_shape, w_shape, stride, padding, dilation, groups = case
    x, w, b, dout = make_arrays(rng, x_shape, w_shape, stride, padding, dilation, scales=(3.0, 0.1, 1.0))
    check_float32(x, w, b, dout, stride, padding, dilation, groups)


# --- the mistakes this kata is about ---------------------------------------------------------------------


def targeted(x_shape, w_shape, stride=1, padding=0, dilation=1, groups=1, seed=0, bias=True):
    rng = np.random.default_rng([500, seed])
    x, w, b, dout = make_arrays(rng, x_shape, w_shape, stride, padding, dilation, bias)
    check_float64(x, w, b, dout, stride, padding, dilation, groups)


def test_cross_correlation_not_convolution():
    # an asymmetric kernel: flipping it (true convolution) gives a different result
    targeted((1, 1, 5, 6), (1, 1, 2, 3), seed=1)
    targeted((2, 3, 6, 6), (2, 3, 3, 3), padding=1, seed=2)


def test_padding_on_both_sides():
    targeted((1, 2, 5, 5), (2, 2, 3, 3), padding=1, seed=3)
    targeted((2, 1, 4, 7), (3, 1, 2, 2), padding=(2, 1), seed=4)
    targeted((1, 2, 3, 3), (1, 2, 1, 1), padding=2, seed=5)  # a 1x1 kernel sees the padding alone at the edge


def test_dilation_in_the_output_size():
    targeted((1, 2, 9, 9), (2, 2, 3, 3), dilation=2, seed=6)
    targeted((2, 2, 11, 8), (3, 2, 3, 2), padding=1, dilation=(3, 2), seed=7)
    targeted((1, 1, 7, 7), (1, 1, 2, 2), stride=2, dilation=3, seed=8)


def test_groups_use_consecutive_channel_blocks():
    # filters f in group g = f // (F/G) see channels [g*C/G, (g+1)*C/G)
    targeted((2, 6, 6, 5), (4, 3, 3, 3), padding=1, groups=2, seed=9)
    targeted((1, 6, 5, 5), (9, 2, 2, 3), groups=3, seed=10)
    targeted((2, 8, 7, 7), (4, 2, 3, 3), stride=2, groups=4, seed=11)


def test_depthwise():
    targeted((2, 5, 7, 6), (5, 1, 3, 3), padding=1, groups=5, seed=12)
    targeted((1, 3, 8, 8), (6, 1, 3, 2), stride=2, dilation=2, groups=3, seed=13)  # two filters per channel


def test_gradients_sum_over_the_batch():
    targeted((4, 2, 5, 5), (3, 2, 3, 3), seed=14)
    targeted((5, 4, 6, 4), (4, 2, 2, 2), stride=(1, 2), groups=2, seed=15)


@pytest.mark.parametrize(
    "x_shape, w_shape, stride, padding, dilation",
    [
        ((2, 2, 9, 9), (3, 2, 3, 3), 3, 1, 1),  # (9 + 2 - 2 - 1) % 3 = 2 > padding: last row, column unread
        ((1, 2, 10, 9), (2, 2, 3, 2), 3, 0, 1),  # rows 9 and the last 1-2 columns never read
        ((1, 1, 9, 11), (2, 1, 2, 3), (4, 3), (1, 2), (2, 1)),
        ((2, 3, 7, 7), (2, 3, 1, 1), 2, 0, 1),  # a strided 1x1 kernel skips every other pixel
    ],
)
def test_dx_when_the_stride_does_not_divide(x_shape, w_shape, stride, padding, dilation):
    rng = np.random.default_rng([501, x_shape[2]])
    x, w, b, dout = make_arrays(rng, x_shape, w_shape, stride, padding, dilation)
    label = describe(x_shape, w_shape, stride, padding, dilation, 1)
    out, cache = conv2d_forward(x, w, b, stride, padding, dilation)
    dx, _, _ = conv2d_backward(dout, cache)
    expected = torch_conv(x, w, b, dout, stride, padding, dilation, 1)[1]
    untouched = expected == 0
    check_array(dx, expected, what=f"dx for {label}", rtol=1e-9, atol=1e-11, dtype=np.float64)
    assert untouched.any() and np.all(dx[untouched] == 0), f"dx for {label}: pixels no window reads must get 0"


@pytest.mark.parametrize(
    "x_shape, w_shape, stride, padding",
    [
        ((1, 3, 224, 224), (4, 3, 7, 7), 2, 3),  # the ResNet stem: r = 1 <= p = 3, row and column 223 are read
        ((2, 2, 9, 9), (3, 2, 3, 3), 3, 1),  # r = 2, p = 1: row 7 read, row 8 never
        (
            (1, 2, 11, 8),
            (3, 2, 4, 3),
            (4, 3),
            (2, 1),
        ),  # rows: r = 3, p = 2 (rows 8-9 read, 10 never); columns: r = p = 1
    ],
)
def test_dx_rows_restored_by_output_padding(x_shape, w_shape, stride, padding):
    # conv_transpose2d needs output_padding = r = (H + 2p - d(k-1) - 1) % s to give back dx's last r rows; only the
    # last max(0, r - p) of them are never read (the others are rows the crop of p would cut), so only those are 0
    rng = np.random.default_rng([502, x_shape[2]])
    x, w, b, dout = make_arrays(rng, x_shape, w_shape, stride, padding, 1)
    label = describe(x_shape, w_shape, stride, padding, 1, 1)
    _, cache = conv2d_forward(x, w, b, stride, padding)
    dx, _, _ = conv2d_backward(dout, cache)
    expected = torch_conv(x, w, b, dout, stride, padding, 1, 1)[1]
    check_array(dx, expected, what=f"dx for {label}", rtol=1e-9, atol=1e-11, dtype=np.float64)
    for axis, size, k, s, p in zip((2, 3), x_shape[2:], w_shape[2:], pair(stride), pair(padding)):
        r = (size + 2 * p - (k - 1) - 1) % s
        name = ("row", "column")[axis - 2]
        for i in range(size - r, size):
            line = np.take(dx, i, axis=axis)
            if i < size + p - r:
                assert np.any(line != 0), (
                    f"dx for {label}: {name} {i} (restored by output_padding = {r}) is read by a window: its gradient is not 0"
                )
            else:
                assert np.all(line == 0), f"dx for {label}: {name} {i} is read by no window: its gradient must be 0"


def test_kernel_as_large_as_the_padded_input():
    targeted((2, 3, 4, 5), (2, 3, 4, 5), seed=16)  # a single output pixel
    targeted((1, 2, 3, 3), (3, 2, 5, 4), padding=(1, 1), dilation=(1, 1), seed=17)


def test_no_bias_gives_db_none():
    targeted((2, 2, 5, 5), (3, 2, 3, 3), padding=1, seed=18, bias=False)


# --- values, dtypes and arrays ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scales",
    [(1e150, 1e140, 1e-100), (1e-150, 1e-140, 1e100), (1e-8, 1e8, 1.0)],
    ids=["huge", "tiny", "mixed"],
)
def test_extreme_magnitudes_float64(scales):
    rng = np.random.default_rng(60)
    shape = ((2, 4, 7, 6), (6, 2, 3, 2), 2, 1, (1, 2), 2)
    x, w, b, dout = make_arrays(rng, *shape[:2], *shape[2:5], scales=scales)
    check_float64(x, w, b, dout, *shape[2:])


def test_wide_dynamic_range_float64():
    rng = np.random.default_rng(61)
    x = rng.normal(size=(2, 3, 8, 8)) * 10.0 ** rng.uniform(-12, 12, size=(2, 3, 8, 8))
    w = rng.normal(size=(4, 3, 3, 3)) * 10.0 ** rng.uniform(-12, 12, size=(4, 3, 3, 3))
    b = rng.normal(size=4)
    dout = rng.normal(size=(2, 4, 8, 8)) * 10.0 ** rng.uniform(-12, 12, size=(2, 4, 8, 8))
    check_float64(x, w, b, dout, 1, 1, 1, 1)


@pytest.mark.parametrize(
    "scales", [(1e15, 1e15, 1.0), (1e-15, 1e-15, 1.0), (1e-6, 1e6, 1e10)], ids=["huge", "tiny", "mixed"]
)
def test_extreme_magnitudes_float32(scales):
    rng = np.random.default_rng(62)
    shape = ((2, 8, 9, 9), (4, 8, 3, 3), 1, 1, 1, 1)
    x, w, b, dout = make_arrays(rng, *shape[:2], *shape[2:5], scales=scales)
    check_float32(x, w, b, dout, *shape[2:])


def test_empty_batch():
    x = np.zeros((0, 4, 6, 5))
    w = np.random.default_rng(63).normal(size=(6, 2, 3, 3))
    b = np.ones(6)
    out, cache = conv2d_forward(x, w, b, 1, 1, 1, 2)
    check_array(out, np.zeros((0, 6, 6, 5)), what="out for a batch of 0 images", dtype=np.float64)
    dx, dw, db = conv2d_backward(np.zeros((0, 6, 6, 5)), cache)
    check_array(dx, np.zeros((0, 4, 6, 5)), what="dx for a batch of 0 images", dtype=np.float64)
    check_array(dw, np.zeros(w.shape), what="dw for a batch of 0 images", dtype=np.float64)
    check_array(db, np.zeros(6), what="db for a batch of 0 images", dtype=np.float64)


def test_mixed_dtypes_give_float64():
    rng = np.random.default_rng(64)
    x = rng.normal(size=(1, 2, 5, 5)).astype(np.float32)
    w = rng.normal(size=(3, 2, 3, 3))
    out, _ = conv2d_forward(x, w, None, padding=1)
    expected = torch_conv(x.astype(np.float64), w, None, np.zeros((1, 3, 5, 5)), 1, 1, 1, 1)[0]
    check_array(out, expected, what="out for float32 x and float64 w", rtol=1e-9, atol=1e-12, dtype=np.float64)


def test_int_and_pair_arguments_agree():
    rng = np.random.default_rng(65)
    x, w, b, dout = make_arrays(rng, (2, 2, 9, 9), (2, 2, 3, 3), 2, 1, 2)
    as_ints = run_submission(x, w, b, dout, 2, 1, 2, 1)
    as_pairs = run_submission(x, w, b, dout, (2, 2), (1, 1), (2, 2), 1)
    for name, a, p in zip(NAMES, as_ints, as_pairs):
        check_array(p, a, what=f"{name} with (2, 2) pairs against plain ints", rtol=0, atol=1e-12)


def test_non_contiguous_inputs_untouched():
    rng = np.random.default_rng(66)
    x = rng.normal(size=(2, 6, 9, 16))[:, ::2, :, ::2]  # a strided view
    w = np.asfortranarray(rng.normal(size=(4, 3, 3, 2)))
    b = rng.normal(size=4)
    dout = rng.normal(size=(2, 4, 9, 9)).transpose(0, 1, 3, 2)  # transposed view
    copies = [a.copy() for a in (x, w, b, dout)]
    check_float64(x, w, b, dout, 1, (1, 1), 1, 1, label="strided, Fortran-ordered and transposed inputs")
    for name, a, c in zip(("x", "w", "b", "dout"), (x, w, b, dout), copies):
        check_array(a, c, what=f"{name} after forward and backward (inputs must not be modified)", rtol=0)


def test_caches_are_independent():
    # backward uses its own cache, whatever other convolutions ran in between (no module-level state)
    rng = np.random.default_rng(67)
    first = make_arrays(rng, (2, 3, 7, 7), (4, 3, 3, 3), 2, 1, 1)
    second = make_arrays(rng, (1, 4, 5, 6), (2, 2, 2, 2), 1, 0, 2)
    _, cache1 = conv2d_forward(*first[:3], 2, 1, 1, 1)
    _, cache2 = conv2d_forward(*second[:3], 1, 0, 2, 2)
    got1 = conv2d_backward(first[3], cache1)
    got2 = conv2d_backward(second[3], cache2)
    again1 = conv2d_backward(first[3], cache1)
    for label, got, arrays, args in (
        ("first", got1, first, (2, 1, 1, 1)),
        ("second", got2, second, (1, 0, 2, 2)),
        ("first, twice", again1, first, (2, 1, 1, 1)),
    ):
        expected = torch_conv(*arrays, *args)[1:]
        for name, g, e in zip(NAMES[1:], got, expected):
            check_array(g, e, what=f"{name} of the {label} backward after two forwards", rtol=1e-9, atol=1e-11)


def test_medium_case_against_the_compiled_baseline():
    rng = np.random.default_rng(68)
    args = ((2, 1), (1, 2), (2, 3), 2)
    x, w, b, dout = make_arrays(rng, (3, 8, 23, 19), (6, 4, 3, 2), *args[:3])
    got = run_submission(x, w, b, dout, *args)
    out, cache = baseline.conv2d_forward(x, w, b, *args)
    expected = (out, *baseline.conv2d_backward(dout, cache))
    for name, g, e in zip(NAMES, got, expected):
        check_array(g, e, what=f"{name} on a (3, 8, 23, 19) input", rtol=1e-9, atol=1e-10, dtype=np.float64)
