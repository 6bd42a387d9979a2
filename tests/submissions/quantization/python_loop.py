"""Correct, but a plain Python loop over the elements (math-module rounding, one channel lookup per
element): the speed check must fail it."""

import math

import numpy as np

CAUGHT_BY = "speed"


def _check_range(qmin, qmax):
    if qmin > qmax:
        raise ValueError(f"qmin must be <= qmax; got qmin={qmin}, qmax={qmax}")


def _channels(shape, axis):
    """The channel of each element, in C order."""
    axis %= len(shape)
    inner = int(np.prod(shape[axis + 1 :], dtype=np.int64))
    return [(i // inner) % shape[axis] for i in range(int(np.prod(shape, dtype=np.int64)))]


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    if w.ndim < 2 or not -w.ndim <= axis < w.ndim:
        raise ValueError(f"axis {axis} out of range for w of shape {w.shape}")
    _check_range(qmin, qmax)
    if not qmin <= 0 <= qmax or qmin == qmax:
        raise ValueError("the range [qmin, qmax] must contain 0")
    amax = [0.0] * w.shape[axis]
    for c, v in zip(_channels(w.shape, axis), w.astype(np.float64).ravel().tolist()):
        amax[c] = max(amax[c], abs(v))
    eps = float(np.finfo(np.float32).eps)
    scale = np.array(amax, dtype=np.float32) / np.float32((qmax - qmin) / 2)
    return np.maximum(scale, np.float32(eps)), np.zeros(len(amax), dtype=np.int64)


def _codes(x, scale, zero_point, axis, qmin, qmax):
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} out of range")
    _check_range(qmin, qmax)
    channels = x.shape[axis]
    scale, zero_point = np.asarray(scale, dtype=np.float32), np.asarray(zero_point)
    if scale.shape != (channels,) or zero_point.shape != (channels,):
        raise ValueError("scale and zero_point need one entry per channel")
    if channels and (zero_point.min() < qmin or zero_point.max() > qmax):
        raise ValueError("zero_point must lie in [qmin, qmax]")
    inv = (np.float32(1) / scale).astype(dtype).tolist()  # the float32 inverse, as torch
    codes = []
    for c, v in zip(_channels(x.shape, axis), x.ravel()):
        codes.append(int(zero_point[c]) + int(round(float(v * dtype.type(inv[c])))))  # round(): half to even
    return codes, dtype, scale.astype(dtype).tolist(), zero_point.tolist()


def fake_quantize_per_channel(x, scale, zero_point, axis, qmin=-128, qmax=127):
    codes, dtype, scale, zero_point = _codes(x, scale, zero_point, axis, qmin, qmax)
    x = np.asarray(x)
    out = [(min(max(q, qmin), qmax) - zero_point[c]) * scale[c] for c, q in zip(_channels(x.shape, axis), codes)]
    return np.array(out, dtype=dtype).reshape(x.shape)


def fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    codes, dtype, _, _ = _codes(x, scale, zero_point, axis, qmin, qmax)
    dout = np.asarray(dout)
    if dout.shape != np.shape(x):
        raise ValueError("dout must have x's shape")
    flat = dout.ravel().tolist()
    out = [g if qmin <= q <= qmax else 0.0 for g, q in zip(flat, codes)]
    return np.array(out, dtype=np.result_type(dout, dtype)).reshape(dout.shape)
