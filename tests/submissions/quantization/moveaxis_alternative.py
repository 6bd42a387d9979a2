"""Correct: the channel axis moved to the front and the rest flattened (a copy), np.abs(...).max for the
range, np.round (half to even) and np.where for the mask. Must get full marks."""

import numpy as np

CAUGHT_BY = None


def _check_axis(axis, ndim):
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} out of range for {ndim} dimensions")
    return axis % ndim


def per_channel_symmetric_qparams(w, axis=0, qmin=-128, qmax=127):
    w = np.asarray(w)
    if w.ndim < 2:
        raise ValueError("w needs at least 2 dimensions")
    axis = _check_axis(axis, w.ndim)
    if not (qmin <= 0 <= qmax and qmin < qmax):
        raise ValueError(f"qmin={qmin}, qmax={qmax}: the range must contain 0")
    rows = np.moveaxis(w, axis, 0).reshape(w.shape[axis], w.size // max(w.shape[axis], 1))
    amax = np.abs(rows).max(axis=1, initial=0.0).astype(np.float32)
    scale = np.maximum(amax / np.float32((qmax - qmin) / 2), np.finfo(np.float32).eps)
    return scale.astype(np.float32), np.zeros(w.shape[axis], dtype=np.int64)


def _codes(x, scale, zero_point, axis, qmin, qmax):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    axis = _check_axis(axis, x.ndim)
    if qmin > qmax:
        raise ValueError("qmin > qmax")
    scale, zero_point = np.asarray(scale, dtype=np.float32), np.asarray(zero_point)
    if scale.shape != (x.shape[axis],) or zero_point.shape != (x.shape[axis],):
        raise ValueError("scale and zero_point need one value per channel")
    if zero_point.size and not (qmin <= zero_point.min() and zero_point.max() <= qmax):
        raise ValueError("zero_point outside [qmin, qmax]")
    shape = [-1 if d == axis else 1 for d in range(x.ndim)]
    inv = (1 / scale).astype(np.float32).astype(x.dtype).reshape(shape)
    z = zero_point.astype(x.dtype).reshape(shape)
    return x, np.round(x * inv) + z, scale.astype(x.dtype).reshape(shape), z


def fake_quantize_per_channel(x, scale, zero_point, axis, qmin=-128, qmax=127):
    x, q, s, z = _codes(x, scale, zero_point, axis, qmin, qmax)
    return (np.clip(q, qmin, qmax) - z) * s


def fake_quantize_per_channel_grad(dout, x, scale, zero_point, axis, qmin=-128, qmax=127):
    x, q, _, _ = _codes(x, scale, zero_point, axis, qmin, qmax)
    dout = np.asarray(dout)
    if dout.shape != x.shape:
        raise ValueError("dout must have x's shape")
    return np.where((q >= qmin) & (q <= qmax), dout, 0).astype(np.result_type(dout, x))
