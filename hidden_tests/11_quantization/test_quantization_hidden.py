"""Hidden tests for kata 11: per-channel symmetric qparams, fake quantisation and its gradient, against torch
(``PerChannelMinMaxObserver`` + ``calculate_qparams``, ``torch.fake_quantize_per_channel_affine`` and its
autograd; its answers recorded in oracle.npz, asked live for any call not recorded: ``grader.grading.oracle``).

Tolerances. The scale is one float32 division: held to 2 float32 ulps (the observer rounds once; a correct
float64-then-float32 route rounds twice). Zero points, gradients and the integer codes are exact. A
fake-quantised value is a code times the float32 scale, held to 2 ulps of its size: one code off is a whole
step, 1/128 of the channel's range or more. The pinned cases (ties at k + 1/2, the float32 inverse of the
scale, the clamping boundary) are inputs where a plausible mistake changes a code, checked against torch.
"""

from pathlib import Path

import numpy as np
import pytest
from quantization import fake_quantize_per_channel, fake_quantize_per_channel_grad, per_channel_symmetric_qparams

from grader.grading.checks import check_array
from grader.grading.oracle import ORACLE_FILE, Recorded, oracle_torch

TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

EPS32 = float(np.finfo(np.float32).eps)
RANGES = [(-128, 127), (-127, 127), (-8, 7)]


# --- the oracle ----------------------------------------------------------------------------------------


@TORCH
def torch_qparams(w, axis, qmin=-128, qmax=127):
    torch = oracle_torch()
    from torch.ao.quantization import PerChannelMinMaxObserver

    obs = PerChannelMinMaxObserver(
        ch_axis=axis, dtype=torch.qint8, qscheme=torch.per_channel_symmetric, quant_min=qmin, quant_max=qmax
    )
    obs(torch.from_numpy(np.ascontiguousarray(w)))
    scale, zero_point = obs.calculate_qparams()
    return scale.numpy(), zero_point.numpy()


@TORCH
def torch_fake_quant(x, scale, zero_point, axis, qmin=-128, qmax=127, dout=None):
    """(y, dx) of torch.fake_quantize_per_channel_affine and its autograd (dx None without dout)."""
    torch = oracle_torch()
    tx = torch.tensor(x, requires_grad=dout is not None)
    s = torch.tensor(np.asarray(scale, dtype=np.float32))
    z = torch.tensor(np.asarray(zero_point).astype(np.int32))
    y = torch.fake_quantize_per_channel_affine(tx, s, z, axis, qmin, qmax)
    if dout is None:
        return y.detach().numpy(), None
    y.backward(torch.tensor(dout))
    return y.detach().numpy(), tx.grad.numpy()


# --- checks --------------------------------------------------------------------------------------------


def check_qparams(w, axis, qmin=-128, qmax=127, label=""):
    what = f"per_channel_symmetric_qparams({label or f'w {w.shape} {w.dtype}'}, axis={axis}, qmin={qmin}, qmax={qmax})"
    got = per_channel_symmetric_qparams(w, axis, qmin, qmax)
    assert isinstance(got, tuple) and len(got) == 2, f"{what}: expected a tuple (scale, zero_point)"
    scale, zero_point = torch_qparams(w, axis, qmin, qmax)
    check_array(got[0], scale, what=f"{what}: scale", rtol=2 * EPS32, dtype=np.float32)
    check_array(got[1], zero_point, what=f"{what}: zero_point", rtol=0, dtype=np.int64)
    return scale, zero_point


def check_fake_quant(x, scale, zero_point, axis, qmin=-128, qmax=127, dout=None, label=""):
    """y and dx of the submission against torch: y to 2 ulps (float32 and float64 alike), dx exactly."""
    what = label or f"x {x.shape} {x.dtype}, axis={axis}, qmin={qmin}, qmax={qmax}"
    if dout is None:
        dout = np.random.default_rng(x.size).standard_normal(x.shape).astype(x.dtype)
    y_t, dx_t = torch_fake_quant(x, scale, zero_point, axis, qmin, qmax, dout)
    rtol = 2 * float(np.finfo(x.dtype).eps)
    y = fake_quantize_per_channel(x, scale, zero_point, axis, qmin, qmax)
    check_array(y, y_t, what=f"fake_quantize_per_channel({what})", rtol=rtol, dtype=x.dtype)
    dx = fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin, qmax)
    check_array(dx, dx_t, what=f"fake_quantize_per_channel_grad({what})", rtol=0, dtype=x.dtype)


def channel_weights(rng, shape, axis, dtype):
    """Weights whose channels have very different ranges, as trained conv filters do."""
    w = rng.standard_normal(shape)
    spread = [1] * len(shape)
    spread[axis] = shape[axis]
    w *= 10.0 ** rng.uniform(-3, 1, size=shape[axis]).reshape(spread)
    return w.astype(dtype)


# --- qparams -------------------------------------------------------------------------------------------

QPARAM_CASES = [
    ((16, 8, 3, 3), 0),
    ((64, 3, 7, 7), 0),
    ((4, 6, 5, 5), 1),
    ((3, 10, 7, 5), 3),
    ((5, 9, 4), -1),
    ((7, 5, 6), -2),
    ((12, 30), 0),
    ((30, 12), 1),
    ((1, 1), 0),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", QPARAM_CASES)
def test_qparams_against_torch(shape, axis, dtype):
    rng = np.random.default_rng([11, len(shape), shape[0], axis + 5])
    w = channel_weights(rng, shape, axis, dtype)
    for qmin, qmax in RANGES:
        check_qparams(w, axis, qmin, qmax)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_qparams_one_sided_zero_and_tiny_channels(dtype):
    """Channels all positive, all negative, all zero, tiny (amax / 127.5 below float32 eps), just above eps."""
    rng = np.random.default_rng(111)
    w = rng.uniform(-1, 1, size=(8, 20))
    w[0] = rng.uniform(0.5, 2.0, size=20)  # all positive: the range still starts at 0
    w[1] = -rng.uniform(0.25, 3.0, size=20)  # all negative
    w[2] = 0.0  # dead filter: scale = eps, not 0 (no division by zero later)
    w[3] = rng.uniform(-1e-6, 1e-6, size=20)  # amax / 127.5 < eps: clamped to eps too
    w[4] = 0.0
    w[4, 7] = 127.5 * EPS32 * 1.5  # just above the floor
    w[5] = 0.0
    w[5, 3] = -3.0  # one nonzero weight
    w[6] = 2.0  # constant channel
    w = w.astype(dtype)
    scale, _ = check_qparams(w, 0, label="one-sided, zero and tiny channels")
    assert scale[2] == np.float32(EPS32) and scale[3] == np.float32(EPS32)
    check_qparams(np.ascontiguousarray(w.T), 1, label="the same channels along axis 1")
    # the fake quantisation of a dead channel is 0 (and its gradient passes), not NaN
    s, z = per_channel_symmetric_qparams(w, 0)
    check_fake_quant(w, s, z, 0, label="weights with a dead channel, quantised with their own qparams")


def test_qparams_exact_scales():
    """amax = 127.5 * 2**-k gives scale 2**-k exactly; 127 * 2**-k does not (the divisor is 127.5, not 127)."""
    w = np.zeros((6, 4), dtype=np.float32)
    w[:, 0] = [127.5, -127.5 / 4, 127.5 / 64, 127.0, -0.5, 255.0]
    scale, _ = check_qparams(w, 0, label="channels of amax 127.5 * 2**-k")
    assert list(scale[:3]) == [1.0, 0.25, 1 / 64]
    check_qparams(w, 0, -127, 127, label="narrow range: divisor 127")
    check_qparams(w, 0, -8, 7, label="4-bit range: divisor 7.5")


def test_qparams_of_strided_input():
    rng = np.random.default_rng(112)
    w = channel_weights(rng, (10, 16, 3, 3), 0, np.float32)
    check_qparams(w[::2, :, ::-1], 0, label="a strided view")
    check_qparams(np.asfortranarray(w), 1, label="a Fortran-ordered array")


# --- fake quantisation, random -------------------------------------------------------------------------

FQ_CASES = [
    ((16, 8, 3, 3), 0),  # conv weights, per output channel
    ((2, 6, 5, 7), 1),  # an activation (N, C, H, W), per channel
    ((4, 5, 9), 2),  # channels last
    ((20, 11), 1),  # a linear layer per input feature
    ((11, 20), 0),
    ((3, 1, 4), 1),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", FQ_CASES)
def test_fake_quant_against_torch(shape, axis, dtype):
    rng = np.random.default_rng([12, len(shape), shape[0], axis])
    w = channel_weights(rng, shape, axis, dtype)
    for qmin, qmax in RANGES:
        scale, zero_point = torch_qparams(w, axis, qmin, qmax)
        # inputs beyond the observed range too (clamped codes, zero gradient), as activations in later steps
        spread = [1] * len(shape)
        spread[axis] = shape[axis]
        x = (rng.standard_normal(shape) * (scale * (qmax - qmin) / 3).reshape(spread)).astype(dtype)
        check_fake_quant(x, scale, zero_point, axis, qmin, qmax)
        check_fake_quant(w, scale, zero_point, axis, qmin, qmax)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fake_quant_affine_zero_points(dtype):
    rng = np.random.default_rng(13)
    x = rng.uniform(-1, 3, size=(5, 40)).astype(dtype)
    scale = rng.uniform(0.005, 0.03, size=5).astype(np.float32)
    zero_point = np.array([0, -128, 127, 37, -5], dtype=np.int64)
    check_fake_quant(x, scale, zero_point, 0, label="zero points -128 ... 127")
    check_fake_quant(x, scale, np.array([0, 3, 255, 128, 60]), 0, 0, 255, label="an unsigned range 0..255")


# --- pinned cases --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ties_round_half_to_even(dtype):
    """Codes exactly k + 1/2 (power-of-two scales): 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, -0.5 -> -0."""
    halves = np.arange(-130, 130) + 0.5
    scale = np.array([0.25, 1.0, 2.0**-7], dtype=np.float32)
    x = (halves[None, :] * scale[:, None].astype(np.float64)).astype(dtype)
    check_fake_quant(x, scale, np.zeros(3, np.int64), 0, label="codes at k + 1/2 exactly")
    check_fake_quant(np.ascontiguousarray(x.T), scale, np.array([0, 1, -3]), 1, label="ties with zero points")


def near_ties(rng, scale, count, dtype):
    """x within a few ulps of (k + 1/2) * scale: where x * float32(1 / scale), x / scale and x * (1 / scale)
    in float64 can round to different codes."""
    k = rng.integers(-127, 127, size=(scale.size, count)) + 0.5
    base = (k * scale[:, None].astype(np.float64)).astype(dtype)
    steps = rng.integers(-8, 9, size=base.shape)
    return (base + steps * np.spacing(np.abs(base))).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inverse_scale_in_float32(dtype):
    rng = np.random.default_rng(14)
    scale = rng.uniform(1e-3, 0.1, size=64).astype(np.float32)
    x = near_ties(rng, scale, 64, dtype)
    inv = (np.float32(1) / scale)[:, None]
    codes = np.rint(x * inv)
    # the inputs do tell the orders of operations apart (checked here, so the test cannot go stale)
    assert (codes != np.rint(x / scale[:, None].astype(dtype))).sum() >= 10
    if dtype == np.float64:
        assert (codes != np.rint(x * (1 / scale[:, None].astype(np.float64)))).sum() >= 10
    check_fake_quant(x, scale, np.zeros(64, np.int64), 0, label=f"x near code boundaries ({np.dtype(dtype)})")
    check_fake_quant(np.ascontiguousarray(x.T), scale, np.zeros(64, np.int64), 1, label="the same along axis 1")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_at_the_clamping_boundary(dtype):
    """Codes qmin - 1, qmin, qmax, qmax + 1 exactly; and unclamped values qmax + 0.4 (rounds to qmax: passes),
    qmax + 0.5 (rounds to 128: blocked), qmin - 0.5 (-128.5 rounds to -128, even: passes), qmin - 0.6."""
    v = np.array([-129, -128, -127, 126, 127, 128, 127.4, 127.5, 127.6, -128.4, -128.5, -128.6, -130, 300, 0])
    scale = np.array([0.5, 2.0**-8, 1.0], dtype=np.float32)
    x = (v[None, :] * scale[:, None].astype(np.float64)).astype(dtype)
    dout = np.arange(1, x.size + 1, dtype=dtype).reshape(x.shape)
    check_fake_quant(x, scale, np.zeros(3, np.int64), 0, dout=dout, label="codes at and near qmin and qmax")
    check_fake_quant(x, scale, np.zeros(3, np.int64), 0, -127, 127, dout=dout, label="the narrow range -127..127")
    check_fake_quant(x, scale, np.array([5, -3, 0]), 0, dout=dout, label="the boundary with zero points")


def test_output_values_are_codes_times_scale():
    """One channel by hand: scale 0.1 (float32), codes 3 and -128 (clamped), gradient 1 and 0."""
    x = np.array([[0.31, -20.0]], dtype=np.float32)
    scale = np.array([0.1], dtype=np.float32)
    check_fake_quant(x, scale, np.zeros(1, np.int64), 0, label="x [0.31, -20] with scale 0.1")


# --- dtypes, shapes, arguments -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_result_dtypes(dtype):
    rng = np.random.default_rng(15)
    w = rng.standard_normal((4, 6)).astype(dtype)
    scale, zero_point = per_channel_symmetric_qparams(w)
    check_array(
        scale, torch_qparams(w, 0)[0], what=f"scale of {np.dtype(dtype)} weights", rtol=2 * EPS32, dtype=np.float32
    )
    check_array(zero_point, np.zeros(4), what="zero_point", rtol=0, dtype=np.int64)
    y_t, dx_t = torch_fake_quant(w, scale, zero_point, 0, dout=np.ones_like(w))
    y = fake_quantize_per_channel(w, scale, zero_point, 0)
    check_array(y, y_t, what=f"fake_quantize_per_channel of {np.dtype(dtype)} x", rtol=1e-6, dtype=dtype)
    dx = fake_quantize_per_channel_grad(np.ones_like(w), w, scale, zero_point, 0)
    check_array(dx, dx_t, what=f"fake_quantize_per_channel_grad of {np.dtype(dtype)} x", rtol=0, dtype=dtype)


def test_empty_inputs():
    scale, zero_point = per_channel_symmetric_qparams(np.zeros((0, 3, 3, 3), np.float32), 0)
    check_array(scale, np.zeros(0), what="scale of 0 channels", dtype=np.float32)
    check_array(zero_point, np.zeros(0), what="zero_point of 0 channels", dtype=np.int64)
    x = np.zeros((0, 4), np.float32)
    s, z = np.ones(4, np.float32), np.zeros(4, np.int64)
    check_array(fake_quantize_per_channel(x, s, z, 1), x, what="fake quantisation of a (0, 4) array", dtype=np.float32)
    check_array(fake_quantize_per_channel_grad(x, x, s, z, 1), x, what="gradient of a (0, 4) array", dtype=np.float32)


def test_inputs_not_modified():
    rng = np.random.default_rng(16)
    w = rng.standard_normal((6, 5, 3)).astype(np.float32)
    dout = rng.standard_normal(w.shape).astype(np.float32)
    keep_w, keep_dout = w.copy(), dout.copy()
    scale, zero_point = per_channel_symmetric_qparams(w, 1)
    keep_s, keep_z = scale.copy(), zero_point.copy()
    fake_quantize_per_channel(w, scale, zero_point, 1)
    fake_quantize_per_channel_grad(dout, w, scale, zero_point, 1)
    for name, now, before in (("w", w, keep_w), ("dout", dout, keep_dout), ("scale", scale, keep_s)):
        assert np.array_equal(now, before), f"the call modified its input {name}"
    assert np.array_equal(zero_point, keep_z), "the call modified its input zero_point"


@pytest.mark.parametrize(
    "call",
    [
        lambda: per_channel_symmetric_qparams(np.ones((3, 4)), axis=2),
        lambda: per_channel_symmetric_qparams(np.ones((3, 4)), axis=-3),
        lambda: per_channel_symmetric_qparams(np.ones((3, 4)), 0, 1, 255),  # a range without 0
        lambda: fake_quantize_per_channel(np.ones((3, 4)), np.ones(4, np.float32), np.zeros(4, np.int64), 0),
        lambda: fake_quantize_per_channel(np.ones((3, 4)), np.ones(3, np.float32), np.zeros(3, np.int64), 2),
        lambda: fake_quantize_per_channel(np.ones((3, 4)), np.ones(3, np.float32), np.array([0, 0, 200]), 0),
        lambda: fake_quantize_per_channel(np.ones((3, 4)), np.ones(3, np.float32), np.zeros(3, np.int64), 0, 5, 3),
        lambda: fake_quantize_per_channel_grad(
            np.ones((3, 4)), np.ones((3, 4)), np.ones(3, np.float32), np.array([0, -129, 0]), 0
        ),
        lambda: fake_quantize_per_channel_grad(
            np.ones((3, 4)), np.ones((3, 4)), np.ones(4, np.float32), np.zeros(4, np.int64), 0
        ),
    ],
    ids=[
        "qparams axis 2 of 2-D",
        "qparams axis -3 of 2-D",
        "qparams range 1..255",
        "fq scale of the wrong length",
        "fq axis 2 of 2-D",
        "fq zero_point above qmax",
        "fq qmin > qmax",
        "grad zero_point below qmin",
        "grad scale of the wrong length",
    ],
)
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
