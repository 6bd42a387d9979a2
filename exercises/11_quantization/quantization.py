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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _as_float(a, name: str) -> np.ndarray:
    """Optional helper: ``a`` as a float32 or float64 array (integers become float64); ValueError naming
    ``name`` for anything that is not a real number array."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _channel_axis(axis, ndim: int) -> int:
    """Optional helper: ``axis`` as an index in [0, ndim); ValueError when it is not an int in [-ndim, ndim)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _quant_range(qmin, qmax) -> tuple[int, int]:
    """Optional helper: qmin and qmax as Python ints; ValueError unless they are ints with qmin <= qmax."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _prepare(x, scale, zero_point, axis, qmin, qmax):
    """Optional helper: check the arguments of the fake quantisation and return ``(x, inv, scale,
    zero_point, qmin, qmax)``: x as a float array, ``inv = float32(1 / scale)`` and ``scale`` (float32)
    shaped to broadcast along ``axis``, zero_point likewise in x's dtype (None when it is all 0)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _codes(x: np.ndarray, inv: np.ndarray, zero_point) -> np.ndarray:
    """Optional helper: the unclamped integer codes ``zero_point + round_half_to_even(x * inv)``, in x's
    dtype (a new array)."""
    # YOUR CODE HERE
    raise NotImplementedError()
