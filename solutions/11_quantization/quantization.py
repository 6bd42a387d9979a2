"""Kata 11: per-channel symmetric INT8 quantisation parameters, fake quantisation and its straight-through
gradient, as PyTorch's quantisation-aware training computes them.

A tensor is quantised per channel along ``axis``: channel ``c`` is the slice ``take(x, c, axis)``, and it has
its own ``scale[c]`` (float32) and ``zero_point[c]`` (int64). With ``inv = float32(1 / scale[c])``::

    q = clip(zero_point[c] + round_half_to_even(x * inv), qmin, qmax)      # the integer code
    y = (q - zero_point[c]) * scale[c]                                      # back to real numbers

The defaults ``qmin, qmax = -128, 127`` are torch.qint8's range. Data arrays are float32 or float64 and the
results have their float dtype (``np.result_type``); integer arrays count as float64. Scales are always float32
and zero points int64, as torch's observers return them. Empty arrays give empty results of the right shape.
Bad arguments (an axis out of range, a range without 0, parameters of the wrong length, zero points outside
[qmin, qmax]) raise ValueError naming the argument.
"""

import operator

import numpy as np

EPS32 = np.finfo(np.float32).eps  # 2**-23: the smallest scale torch's observers return


def per_channel_symmetric_qparams(
    w: np.ndarray, axis: int = 0, qmin: int = -128, qmax: int = 127
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel symmetric quantisation parameters, as ``torch.ao.quantization.PerChannelMinMaxObserver(
    ch_axis=axis, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)`` after observing ``w`` once, then
    ``calculate_qparams()``.

    Per channel, ``amax = max(-min(w, 0), max(w, 0))`` (the observed range always contains 0), rounded to
    float32 as the observer stores it, then ``scale = max(amax / ((qmax - qmin) / 2), float32 eps)`` in
    float32, and the zero point is 0.

    Args:
        w: float array of 2 or more dimensions, e.g. conv weights (F, C, KH, KW).
        axis: the channel axis (negative values count from the end).
        qmin, qmax: the integer range, with qmin <= 0 <= qmax and qmin < qmax.

    Returns:
        (scale, zero_point): (C,) float32 and (C,) int64, where C = w.shape[axis].
    """
    ### BEGIN SOLUTION
    w = _as_float(w, "w")
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 dimensions (channels and their elements); got shape {w.shape}")
    axis = _channel_axis(axis, w.ndim)
    qmin, qmax = _quant_range(qmin, qmax)
    if not qmin <= 0 <= qmax or qmin == qmax:
        raise ValueError(f"qmin and qmax must satisfy qmin <= 0 <= qmax and qmin < qmax; got {qmin}, {qmax}")
    others = tuple(d for d in range(w.ndim) if d != axis)
    lo = np.min(w, axis=others, initial=0)  # min(w, 0): initial=0 puts 0 in the range (and handles empty channels)
    hi = np.max(w, axis=others, initial=0)
    # Rounding to float32 is monotone, so rounding the extremes equals the observer's min/max of the rounded w.
    amax = np.maximum(-lo, hi).astype(np.float32)
    scale = amax / np.float32((qmax - qmin) / 2)  # a float32 division, correctly rounded, as torch's
    np.maximum(scale, EPS32, out=scale)
    return scale, np.zeros(scale.shape, dtype=np.int64)
    ### END SOLUTION


def fake_quantize_per_channel(
    x: np.ndarray, scale: np.ndarray, zero_point: np.ndarray, axis: int, qmin: int = -128, qmax: int = 127
) -> np.ndarray:
    """Quantise and dequantise ``x`` per channel, as ``torch.fake_quantize_per_channel_affine``.

    ``y = (clip(zero_point + round_half_to_even(x * inv), qmin, qmax) - zero_point) * scale`` per channel,
    with ``inv = 1 / scale`` computed in float32 and the products in x's dtype, as torch's CPU kernel.

    Args:
        x: float array of any number of dimensions >= 1.
        scale: (C,) positive scales, C = x.shape[axis]; used as float32.
        zero_point: (C,) integers in [qmin, qmax].
        axis: the channel axis of x (negative values count from the end).
        qmin, qmax: the integer range, qmin <= qmax.

    Returns:
        y: x's shape and float dtype.
    """
    ### BEGIN SOLUTION
    x, inv, scale, zero_point, qmin, qmax = _prepare(x, scale, zero_point, axis, qmin, qmax)
    v = _codes(x, inv, zero_point)
    np.clip(v, qmin, qmax, out=v)
    if zero_point is not None:
        v -= zero_point
    v *= scale
    return v
    ### END SOLUTION


def fake_quantize_per_channel_grad(
    dout: np.ndarray,
    x: np.ndarray,
    scale: np.ndarray,
    zero_point: np.ndarray,
    axis: int,
    qmin: int = -128,
    qmax: int = 127,
) -> np.ndarray:
    """Gradient of :func:`fake_quantize_per_channel` with respect to x, as torch autograd gives it: the
    straight-through estimator, ``dout`` where the unclamped code ``zero_point + round(x * inv)`` lies in
    [qmin, qmax] (both ends included), 0 where it was clamped.

    Args:
        dout: float array of x's shape, the gradient of the loss with respect to the output y.
        x, scale, zero_point, axis, qmin, qmax: as in :func:`fake_quantize_per_channel`.

    Returns:
        dx: x's shape, dtype ``np.result_type(dout, x)``.
    """
    ### BEGIN SOLUTION
    dout = _as_float(dout, "dout")
    if dout.shape != np.shape(x):
        raise ValueError(f"dout must have x's shape {np.shape(x)}; got {dout.shape}")
    x, inv, _, zero_point, qmin, qmax = _prepare(x, scale, zero_point, axis, qmin, qmax)
    v = _codes(x, inv, zero_point)
    inside = v >= qmin
    inside &= v <= qmax
    return (dout * inside).astype(np.result_type(dout, x), copy=False)  # dout * mask, as torch's backward
    ### END SOLUTION


def _as_float(a, name: str) -> np.ndarray:
    """Optional helper: ``a`` as a float32 or float64 array (integers become float64); ValueError naming
    ``name`` for anything that is not a real number array."""
    ### BEGIN SOLUTION
    a = np.asarray(a)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a real-valued array; got dtype {a.dtype}")
    return a.astype(np.result_type(a.dtype, np.float32) if a.dtype.kind == "f" else np.float64, copy=False)
    ### END SOLUTION


def _channel_axis(axis, ndim: int) -> int:
    """Optional helper: ``axis`` as an index in [0, ndim); ValueError when it is not an int in [-ndim, ndim)."""
    ### BEGIN SOLUTION
    try:
        axis = operator.index(axis)
    except TypeError:
        raise ValueError(f"axis must be an int; got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim
    ### END SOLUTION


def _quant_range(qmin, qmax) -> tuple[int, int]:
    """Optional helper: qmin and qmax as Python ints; ValueError unless they are ints with qmin <= qmax."""
    ### BEGIN SOLUTION
    try:
        qmin, qmax = operator.index(qmin), operator.index(qmax)
    except TypeError:
        raise ValueError(f"qmin and qmax must be ints; got {qmin!r}, {qmax!r}") from None
    if qmin > qmax:
        raise ValueError(f"qmin must be <= qmax; got qmin={qmin}, qmax={qmax}")
    return qmin, qmax
    ### END SOLUTION


def _prepare(x, scale, zero_point, axis, qmin, qmax):
    """Optional helper: check the arguments of the fake quantisation and return ``(x, inv, scale,
    zero_point, qmin, qmax)``: x as a float array, ``inv = float32(1 / scale)`` and ``scale`` (float32)
    shaped to broadcast along ``axis``, zero_point likewise in x's dtype (None when it is all 0)."""
    ### BEGIN SOLUTION
    x = _as_float(x, "x")
    if x.ndim < 1:
        raise ValueError("x must have at least 1 dimension (the channel axis)")
    axis = _channel_axis(axis, x.ndim)
    qmin, qmax = _quant_range(qmin, qmax)
    channels = x.shape[axis]
    scale = np.asarray(scale)
    if scale.shape != (channels,) or scale.dtype.kind not in "iuf":
        raise ValueError(f"scale must be a ({channels},) real array, one per channel; got shape {scale.shape}")
    zero_point = np.asarray(zero_point)
    if zero_point.shape != (channels,) or zero_point.dtype.kind not in "biuf":
        raise ValueError(f"zero_point must be a ({channels},) integer array; got shape {zero_point.shape}")
    if zero_point.size and (np.any(zero_point != np.round(zero_point)) or not np.isfinite(zero_point).all()):
        raise ValueError("zero_point must hold integers")
    if zero_point.size and (zero_point.min() < qmin or zero_point.max() > qmax):
        raise ValueError(f"zero_point must lie in [qmin, qmax] = [{qmin}, {qmax}]")
    shape = [1] * x.ndim
    shape[axis] = channels
    scale = scale.astype(np.float32).reshape(shape)
    inv = np.float32(1) / scale  # float32, as torch's kernel: float inv_scale = 1.0f / scale
    zero_point = zero_point.astype(x.dtype).reshape(shape) if np.any(zero_point) else None
    return x, inv, scale, zero_point, qmin, qmax
    ### END SOLUTION


def _codes(x: np.ndarray, inv: np.ndarray, zero_point) -> np.ndarray:
    """Optional helper: the unclamped integer codes ``zero_point + round_half_to_even(x * inv)``, in x's
    dtype (a new array)."""
    ### BEGIN SOLUTION
    v = x * inv  # float32 x: a float32 product; float64 x: a float64 product with the float32 inverse
    np.rint(v, out=v)  # half to even, as std::nearbyint in the default rounding mode
    if zero_point is not None:
        v += zero_point
    return v
    ### END SOLUTION
