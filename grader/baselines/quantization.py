"""Baseline for kata 11: per-channel symmetric INT8 quantisation parameters, fake quantisation and its
straight-through gradient in numba (one thread), and the speed workload.

The kernels view the tensor as (outer, C, inner), with C the channel axis, so that any axis is one
contiguous walk:
- the parameters come from one pass that keeps max(|w|) per channel (max(-min(w, 0), max(w, 0)) is the same
  number), then the observer's float32 division and eps floor;
- the fake quantisation and its gradient share one pass: per element one product with the float32 inverse
  scale, one round-half-to-even (``rint``), a compare for the gradient mask and a clamp for the output, as
  torch's CPU kernel computes them (``fake_quant_per_channel_cachemask_cpu``), which makes two passes.
Arithmetic is in the input's dtype, as torch's kernels do.
"""

from __future__ import annotations

import operator

import numpy as np
from numba import njit

EPS32 = np.finfo(np.float32).eps
LANES = 64  # running maxima per channel in _absmax: enough independent chains to keep the SIMD units busy


# --- kernels -------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True, fastmath=True)
def _absmax(w3, out):
    """out[c] = max(0, max |w3[:, c, :]|) for a C-contiguous (outer, C, inner) w3. LANES running maxima per
    channel (SIMD lanes times independent chains) let the loop vectorise, where a single running maximum is a
    serial chain; fastmath lets LLVM use the packed max (NaN weights are not meaningful here)."""
    outer, channels, inner = w3.shape
    lanes = np.zeros(LANES, w3.dtype)
    body = inner - inner % LANES
    out[:] = 0
    for o in range(outer):
        for c in range(channels):
            lanes[:] = out[c]
            for k in range(0, body, LANES):
                for j in range(LANES):
                    a = abs(w3[o, c, k + j])
                    lanes[j] = a if a > lanes[j] else lanes[j]
            m = lanes.max()
            for k in range(body, inner):
                a = abs(w3[o, c, k])
                m = a if a > m else m
            out[c] = m


@njit(cache=True, nogil=True, fastmath=True)
def _absmax_last(w2, out):
    """_absmax for (outer, C) arrays whose channels are the last axis: vectorised across the channels."""
    outer, channels = w2.shape
    out[:] = 0
    for o in range(outer):
        for c in range(channels):
            a = abs(w2[o, c])
            out[c] = a if a > out[c] else out[c]


@njit(cache=True, nogil=True)
def _fake_quant(x3, inv, scale, zp, qmin, qmax, dout3, y3, dx3, want_y, want_dx):
    """y3 = the fake-quantised x3 (when want_y), dx3 = dout3 masked by the unclamped code being in
    [qmin, qmax] (when want_dx). inv, scale and zp are per channel, in x3's dtype; inv holds float32(1/scale)."""
    outer, channels, inner = x3.shape
    lo = x3.dtype.type(qmin)
    hi = x3.dtype.type(qmax)
    one = x3.dtype.type(1)
    zero = x3.dtype.type(0)
    for o in range(outer):
        for c in range(channels):
            i, s, z = inv[c], scale[c], zp[c]
            for k in range(inner):
                q = np.rint(x3[o, c, k] * i) + z
                if want_dx:
                    dx3[o, c, k] = dout3[o, c, k] * (one if (q >= lo and q <= hi) else zero)
                if want_y:
                    q = min(max(q, lo), hi)
                    y3[o, c, k] = (q - z) * s


@njit(cache=True, nogil=True)
def _fake_quant_last(x2, inv, scale, zp, qmin, qmax, dout2, y2, dx2, want_y, want_dx):
    """_fake_quant for (outer, C) arrays whose channels are the last axis."""
    outer, channels = x2.shape
    lo = x2.dtype.type(qmin)
    hi = x2.dtype.type(qmax)
    one = x2.dtype.type(1)
    zero = x2.dtype.type(0)
    for o in range(outer):
        for c in range(channels):
            q = np.rint(x2[o, c] * inv[c]) + zp[c]
            if want_dx:
                dx2[o, c] = dout2[o, c] * (one if (q >= lo and q <= hi) else zero)
            if want_y:
                q = min(max(q, lo), hi)
                y2[o, c] = (q - zp[c]) * scale[c]


def _run_fake_quant(x3, inv, scale, zp, qmin, qmax, dout3, y3, dx3, want_y, want_dx):
    """_fake_quant, or _fake_quant_last on (outer, C) views when the channel axis is the last one (then the
    loop over the channels is the contiguous one, and it vectorises)."""
    if x3.shape[2] == 1:
        two = [a.reshape(a.shape[:2]) for a in (x3, dout3, y3, dx3)]
        _fake_quant_last(two[0], inv, scale, zp, qmin, qmax, two[1], two[2], two[3], want_y, want_dx)
    else:
        _fake_quant(x3, inv, scale, zp, qmin, qmax, dout3, y3, dx3, want_y, want_dx)


# --- the kata's functions ------------------------------------------------------------------------------


def _float(a, name):
    a = np.asarray(a)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a real-valued array; got dtype {a.dtype}")
    return a.astype(np.result_type(a.dtype, np.float32) if a.dtype.kind == "f" else np.float64, copy=False)


def _axis(axis, ndim):
    try:
        axis = operator.index(axis)
    except TypeError:
        raise ValueError(f"axis must be an int; got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def _range(qmin, qmax):
    try:
        qmin, qmax = operator.index(qmin), operator.index(qmax)
    except TypeError:
        raise ValueError(f"qmin and qmax must be ints; got {qmin!r}, {qmax!r}") from None
    if qmin > qmax:
        raise ValueError(f"qmin must be <= qmax; got qmin={qmin}, qmax={qmax}")
    return qmin, qmax


def _view3(a, axis):
    """``a`` as a C-contiguous (outer, C, inner) array around ``axis``."""
    a = np.ascontiguousarray(a)
    outer = int(np.prod(a.shape[:axis], dtype=np.int64))
    inner = int(np.prod(a.shape[axis + 1 :], dtype=np.int64))
    return a.reshape(outer, a.shape[axis], inner)


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    """(scale (C,) float32, zero_point (C,) int64), as PerChannelMinMaxObserver(ch_axis=axis, qint8,
    per_channel_symmetric) then calculate_qparams()."""
    w = _float(w, "w")
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 dimensions; got shape {w.shape}")
    axis = _axis(axis, w.ndim)
    qmin, qmax = _range(qmin, qmax)
    if not qmin <= 0 <= qmax or qmin == qmax:
        raise ValueError(f"qmin and qmax must satisfy qmin <= 0 <= qmax and qmin < qmax; got {qmin}, {qmax}")
    amax = np.empty(w.shape[axis], dtype=w.dtype)
    w3 = _view3(w, axis)
    if w3.shape[2] == 1:
        _absmax_last(w3.reshape(w3.shape[:2]), amax)
    else:
        _absmax(w3, amax)
    scale = amax.astype(np.float32)
    scale /= np.float32((qmax - qmin) / 2)
    np.maximum(scale, EPS32, out=scale)
    return scale, np.zeros(scale.shape, dtype=np.int64)


def _prepare(x, scale, zero_point, axis, qmin, qmax):
    x = _float(x, "x")
    if x.ndim < 1:
        raise ValueError("x must have at least 1 dimension")
    axis = _axis(axis, x.ndim)
    qmin, qmax = _range(qmin, qmax)
    channels = x.shape[axis]
    scale, zero_point = np.asarray(scale), np.asarray(zero_point)
    if scale.shape != (channels,) or scale.dtype.kind not in "iuf":
        raise ValueError(f"scale must be a ({channels},) real array; got shape {scale.shape}")
    if zero_point.shape != (channels,) or zero_point.dtype.kind not in "biuf":
        raise ValueError(f"zero_point must be a ({channels},) integer array; got shape {zero_point.shape}")
    if zero_point.size and (np.any(zero_point != np.round(zero_point)) or not np.isfinite(zero_point).all()):
        raise ValueError("zero_point must hold integers")
    if zero_point.size and (zero_point.min() < qmin or zero_point.max() > qmax):
        raise ValueError(f"zero_point must lie in [qmin, qmax] = [{qmin}, {qmax}]")
    scale32 = scale.astype(np.float32)
    inv = (np.float32(1) / scale32).astype(x.dtype)
    return x, axis, inv, scale32.astype(x.dtype), zero_point.astype(x.dtype), qmin, qmax


def fake_quantize_and_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    """(y, dx) from one pass: the fake-quantised x and the straight-through gradient of dout."""
    x, axis, inv, s, z, qmin, qmax = _prepare(x, scale, zero_point, axis, qmin, qmax)
    dout = _float(dout, "dout")
    if dout.shape != x.shape:
        raise ValueError(f"dout must have x's shape {x.shape}; got {dout.shape}")
    dtype = np.result_type(dout, x)
    x3 = _view3(x, axis)
    dout3 = _view3(dout.astype(x.dtype, copy=False), axis)
    y3, dx3 = np.empty_like(x3), np.empty_like(x3)
    _run_fake_quant(x3, inv, s, z, qmin, qmax, dout3, y3, dx3, True, True)
    return y3.reshape(x.shape), dx3.reshape(x.shape).astype(dtype, copy=False)


def fake_quantize_per_channel(x, scale, zero_point, axis, qmin=-128, qmax=127):
    """As torch.fake_quantize_per_channel_affine: x's shape and dtype."""
    x, axis, inv, s, z, qmin, qmax = _prepare(x, scale, zero_point, axis, qmin, qmax)
    x3 = _view3(x, axis)
    y3 = np.empty_like(x3)
    _run_fake_quant(x3, inv, s, z, qmin, qmax, x3, y3, y3, True, False)
    return y3.reshape(x.shape)


def fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    """The straight-through gradient torch autograd gives: dout where the unclamped code is in [qmin, qmax]."""
    x, axis, inv, s, z, qmin, qmax = _prepare(x, scale, zero_point, axis, qmin, qmax)
    dout = _float(dout, "dout")
    if dout.shape != x.shape:
        raise ValueError(f"dout must have x's shape {x.shape}; got {dout.shape}")
    dtype = np.result_type(dout, x)
    x3 = _view3(x, axis)
    dx3 = np.empty(x3.shape, dtype=dtype)
    dout3 = _view3(dout.astype(dtype, copy=False), axis)
    _run_fake_quant(x3, inv, s, z, qmin, qmax, dout3, dx3, dx3, False, True)
    return dx3.reshape(x.shape)


# --- speed workload ------------------------------------------------------------------------------------

SHAPE = (512, 512, 3, 3)  # ResNet-50 layer4's 3x3 conv weights
WORKLOAD = (
    f"quantisation-aware training step of one weight tensor, {SHAPE} float32, axis 0: qparams, fake "
    "quantisation and its straight-through gradient"
)


def make_inputs(rng: np.random.Generator):
    """Conv weights as a trained ResNet has them (He-scaled normals, each filter with its own scale, a few
    outliers that set the range, one dead filter), and the gradient arriving from the layer."""
    fan_in = SHAPE[1] * SHAPE[2] * SHAPE[3]
    w = rng.standard_normal(SHAPE, dtype=np.float32)
    w *= (np.sqrt(2.0 / fan_in) * rng.uniform(0.3, 1.5, size=SHAPE[0])).astype(np.float32)[:, None, None, None]
    flat = w.reshape(-1)
    flat[rng.integers(0, flat.size, size=200)] *= np.float32(6.0)
    w[rng.integers(0, SHAPE[0])] = 0.0
    dout = rng.standard_normal(SHAPE, dtype=np.float32)
    dout *= np.float32(1e-3)
    return w, dout


def run_baseline(inputs):
    w, dout = inputs
    scale, zero_point = per_channel_symmetric_qparams(w, 0)
    y, dx = fake_quantize_and_grad(dout, w, scale, zero_point, 0)
    return scale, zero_point, y, dx


def run_submission(module, inputs):
    w, dout = inputs
    scale, zero_point = module.per_channel_symmetric_qparams(w, 0)
    y = module.fake_quantize_per_channel(w, scale, zero_point, 0)
    dx = module.fake_quantize_per_channel_grad(dout, w, scale, zero_point, 0)
    return scale, zero_point, y, dx


def compare(got, expected) -> str | None:
    names = ("scale", "zero_point", "the fake-quantised weights", "the gradient")
    if not isinstance(got, tuple) or len(got) != 4:
        return "expected (scale, zero_point) and two arrays"
    for name, g, e in zip(names, got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name} has shape {g.shape}, expected {e.shape}"
        if name == "zero_point":
            if not np.array_equal(g, e):
                return "zero_point differs from the baseline's (all 0)"
            continue
        # float32: a scale 1 ulp off is allowed, and so the rare value that such a scale rounds to the
        # neighbouring code; anything more is a wrong answer (the hidden tests say which)
        bad = ~np.isclose(g, e, rtol=3e-7, atol=0.0)
        if bad.sum() > (0 if name == "the gradient" else 1e-5 * bad.size):
            return f"{name} differs from the baseline's in {int(bad.sum())} of {bad.size} values"
    return None
