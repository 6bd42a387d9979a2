"""Baseline for kata 10: max pooling with indices, average pooling and adaptive average pooling, forward and
backward, in numba (single-threaded), and the speed workload.

The kernels are torch's CPU loops for contiguous NCHW tensors (``MaxPoolKernel.cpp``, ``AvgPoolKernel.cpp``,
``AdaptiveAvgPoolKernel.cpp``), one (n, c) plane at a time, with the same update rule for the maximum
(``value > max or isnan(value)``), the same divisors and the same float accumulation. The max pool's window
bounds are computed once per output row and column instead of once per output value. The average pools go row
by row: each input row of a window row is read (or, backwards, written) in order, with one strided pass per kernel
column over the windows that lie inside the row and the general loop only for the windows cut by an edge.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# --- argument handling (as the kata's contract words it) -------------------------------------------------


def _pair(value, name) -> tuple[int, int]:
    try:
        pair = (value, value) if np.ndim(value) == 0 else tuple(value)
        if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in pair):
            raise TypeError
    except TypeError:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}") from None
    return int(pair[0]), int(pair[1])


def _window(kernel_size, stride, padding, dilation):
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else _pair(stride, "stride")
    padding, dilation = _pair(padding, "padding"), _pair(dilation, "dilation")
    for name, value in (("kernel_size", kernel), ("stride", stride), ("dilation", dilation)):
        if min(value) < 1:
            raise ValueError(f"{name} must be positive, got {value}")
    if min(padding) < 0 or padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"padding {padding} must be >= 0 and at most half of kernel_size {kernel}")
    return kernel, stride, padding, dilation


def _out_size(size, k, s, p, d, ceil_mode, axis) -> int:
    span = size + 2 * p - d * (k - 1) - 1
    count = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (count - 1) * s >= size + p:
        count -= 1
    if count < 1:
        raise ValueError(f"kernel_size {k} leaves no window along the {axis} of {size}")
    return count


def _float4d(a, name):
    a = np.asarray(a)
    if a.ndim != 4:
        raise ValueError(f"{name} must be a 4-D (N, C, H, W) array, got shape {a.shape}")
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    return np.ascontiguousarray(a)


def _shape4(input_shape):
    shape = tuple(int(v) for v in input_shape)
    if len(shape) != 4 or min(shape) < 0:
        raise ValueError(f"input_shape must be (N, C, H, W), got {input_shape!r}")
    return shape


def _divisor_override(divisor_override):
    if divisor_override is None:
        return 0
    if int(divisor_override) == 0:
        raise ValueError("divisor_override must not be zero")
    return int(divisor_override)


# --- kernels ----------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _first_taps(n, s, p, d, k, size):
    """Per output position along one axis: the first tap inside the input and the end of the window's reach
    (torch's ``while (i0 < 0) i0 += d`` and ``i1 = min(i0 + (k - 1) d + 1, size)``)."""
    first = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    for o in range(n):
        start = o * s - p
        end[o] = min(start + (k - 1) * d + 1, size)
        while start < 0:
            start += d
        first[o] = start
    return first, end


@njit(cache=True, nogil=True)
def _max_forward(x, out, idx, kh, kw, sh, sw, ph, pw, dh, dw):
    P, H, W = x.shape
    OH, OW = out.shape[1], out.shape[2]
    h_first, h_end = _first_taps(OH, sh, ph, dh, kh, H)
    w_first, w_end = _first_taps(OW, sw, pw, dw, kw, W)
    for p in range(P):
        plane = x[p]
        for oh in range(OH):
            h0, h1 = h_first[oh], h_end[oh]
            for ow in range(OW):
                w0, w1 = w_first[ow], w_end[ow]
                best = -np.inf  # compared in float64: exact for float32 values
                at = h0 * W + w0
                for h in range(h0, h1, dh):
                    row = plane[h]
                    for w in range(w0, w1, dw):
                        v = row[w]
                        if v > best or math.isnan(v):
                            best = v
                            at = h * W + w
                out[p, oh, ow] = best
                idx[p, oh, ow] = at


@njit(cache=True, nogil=True)
def _max_backward(dout, idx, dx):
    """dx (P, H*W) += dout at idx; False when an index is outside the plane."""
    P, HW = dx.shape
    for p in range(P):
        g, at, d = dout[p], idx[p], dx[p]
        for o in range(g.shape[0]):
            k = at[o]
            if k < 0 or k >= HW:
                return False
            d[k] += g[o]
    return True


@njit(cache=True, nogil=True)
def _avg_bounds(n, s, p, k, size, count_include_pad):
    """Per output position along one axis: the clipped window [start, end) and its share of the divisor."""
    start = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    count = np.empty(n, np.int64)
    for o in range(n):
        a = o * s - p
        b = min(a + k, size + p)
        padded = b - a
        a, b = max(a, 0), min(b, size)
        start[o], end[o] = a, b
        count[o] = padded if count_include_pad else b - a
    return start, end, count


@njit(cache=True, nogil=True)
def _window_sums(plane, out_row, zero, h0, h1, starts, ends):
    """out_row[o] = the sum of plane[h0:h1, starts[o]:ends[o]], row by row (each input row read once, in order)."""
    for o in range(out_row.shape[0]):
        out_row[o] = zero
    for h in range(h0, h1):
        row = plane[h]
        for o in range(out_row.shape[0]):
            total = zero
            for w in range(starts[o], ends[o]):
                total += row[w]
            out_row[o] += total


@njit(cache=True, nogil=True)
def _spread(plane, shares, h0, h1, starts, ends):
    """plane[h0:h1, starts[o]:ends[o]] += shares[o] for every o, row by row: the adjoint of ``_window_sums``."""
    for h in range(h0, h1):
        row = plane[h]
        for o in range(shares.shape[0]):
            g = shares[o]
            for w in range(starts[o], ends[o]):
                row[w] += g


@njit(cache=True, nogil=True)
def _avg_forward(x, out, zero, kh, kw, sh, sw, ph, pw, count_include_pad, override):
    P, H, W = x.shape
    OH, OW = out.shape[1], out.shape[2]
    hs, he, hc = _avg_bounds(OH, sh, ph, kh, H, count_include_pad)
    ws, we, wc = _avg_bounds(OW, sw, pw, kw, W, count_include_pad)
    columns = np.empty(W, x.dtype)
    for p in range(P):
        for oh in range(OH):
            # the window rows summed column by column (contiguous: SIMD), then each window's columns
            for w in range(W):
                columns[w] = zero
            for h in range(hs[oh], he[oh]):
                row = x[p, h]
                for w in range(W):
                    columns[w] += row[w]
            target = out[p, oh]
            for ow in range(OW):
                total = zero
                for w in range(ws[ow], we[ow]):
                    total += columns[w]
                target[ow] = total / (override if override != 0 else hc[oh] * wc[ow])


@njit(cache=True, nogil=True)
def _avg_backward(dout, dx, kh, kw, sh, sw, ph, pw, count_include_pad, override):
    P, H, W = dx.shape
    OH, OW = dout.shape[1], dout.shape[2]
    hs, he, hc = _avg_bounds(OH, sh, ph, kh, H, count_include_pad)
    ws, we, wc = _avg_bounds(OW, sw, pw, kw, W, count_include_pad)
    spread = np.empty(W, dx.dtype)
    zero = dx.dtype.type(0)
    for p in range(P):
        done = 0  # rows [0, done) of dx[p] hold a value: the first window to reach a row writes it, no memset
        for oh in range(OH):
            # one output row's gradient spread over the input columns (overlapping windows add), then added
            # to each of the window's rows (contiguous: SIMD)
            grad = dout[p, oh]
            for w in range(W):
                spread[w] = zero
            for ow in range(OW):
                share = grad[ow] / (override if override != 0 else hc[oh] * wc[ow])
                for w in range(ws[ow], we[ow]):
                    spread[w] += share
            for h in range(done, hs[oh]):  # rows no window covers (a stride longer than the kernel)
                dx[p, h, :] = zero
            for h in range(hs[oh], he[oh]):
                row = dx[p, h]
                if h >= done:
                    for w in range(W):
                        row[w] = spread[w]
                else:
                    for w in range(W):
                        row[w] += spread[w]
            done = max(done, he[oh])
        for h in range(done, H):
            dx[p, h, :] = zero


@njit(cache=True, nogil=True)
def _adaptive_bins(size, n):
    start = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    for i in range(n):
        start[i] = (i * size) // n
        end[i] = -((-(i + 1) * size) // n)
    return start, end


@njit(cache=True, nogil=True)
def _adaptive_forward(x, out, zero):
    P, H, W = x.shape
    OH, OW = out.shape[1], out.shape[2]
    hs, he = _adaptive_bins(H, OH)
    ws, we = _adaptive_bins(W, OW)
    for p in range(P):
        for oh in range(OH):
            row = out[p, oh]
            _window_sums(x[p], row, zero, hs[oh], he[oh], ws, we)
            for ow in range(OW):
                row[ow] = row[ow] / (he[oh] - hs[oh]) / (we[ow] - ws[ow])


@njit(cache=True, nogil=True)
def _adaptive_backward(dout, dx):
    P, H, W = dx.shape
    OH, OW = dout.shape[1], dout.shape[2]
    hs, he = _adaptive_bins(H, OH)
    ws, we = _adaptive_bins(W, OW)
    shares = np.empty(OW, dout.dtype)
    for p in range(P):
        for oh in range(OH):
            for ow in range(OW):
                shares[ow] = dout[p, oh, ow] / (he[oh] - hs[oh]) / (we[ow] - ws[ow])
            _spread(dx[p], shares, hs[oh], he[oh], ws, we)


# --- the kata's functions ---------------------------------------------------------------------------------


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = _float4d(x, "x")
    N, C, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = _window(kernel_size, stride, padding, dilation)
    OH = _out_size(H, kh, sh, ph, dh, ceil_mode, "height")
    OW = _out_size(W, kw, sw, pw, dw, ceil_mode, "width")
    out = np.empty((N, C, OH, OW), x.dtype)
    idx = np.empty((N, C, OH, OW), np.int64)
    _max_forward(
        x.reshape(N * C, H, W), out.reshape(N * C, OH, OW), idx.reshape(N * C, OH, OW), kh, kw, sh, sw, ph, pw, dh, dw
    )
    return out, idx


def max_pool2d_backward(dout, indices, input_shape):
    dout = _float4d(dout, "dout")
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    N, C, H, W = _shape4(input_shape)
    if indices.shape != dout.shape or dout.shape[:2] != (N, C):
        raise ValueError(f"dout {dout.shape} and indices {indices.shape} do not match input_shape {(N, C, H, W)}")
    dx = np.zeros((N, C, H, W), dout.dtype)
    P, Q = N * C, dout.shape[2] * dout.shape[3]
    if not _max_backward(dout.reshape(P, Q), indices.reshape(P, Q), dx.reshape(P, H * W)):
        raise ValueError(f"indices must lie in [0, {H * W}), the positions of an {H}x{W} plane")
    return dx


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    x = _float4d(x, "x")
    N, C, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), _ = _window(kernel_size, stride, padding, 1)
    OH = _out_size(H, kh, sh, ph, 1, ceil_mode, "height")
    OW = _out_size(W, kw, sw, pw, 1, ceil_mode, "width")
    override = _divisor_override(divisor_override)
    out = np.empty((N, C, OH, OW), x.dtype)
    _avg_forward(
        x.reshape(N * C, H, W),
        out.reshape(N * C, OH, OW),
        x.dtype.type(0),
        kh,
        kw,
        sh,
        sw,
        ph,
        pw,
        bool(count_include_pad),
        override,
    )
    return out


def avg_pool2d_backward(
    dout,
    input_shape,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    dout = _float4d(dout, "dout")
    N, C, H, W = _shape4(input_shape)
    (kh, kw), (sh, sw), (ph, pw), _ = _window(kernel_size, stride, padding, 1)
    OH = _out_size(H, kh, sh, ph, 1, ceil_mode, "height")
    OW = _out_size(W, kw, sw, pw, 1, ceil_mode, "width")
    if dout.shape != (N, C, OH, OW):
        raise ValueError(f"dout has shape {dout.shape}, expected {(N, C, OH, OW)}")
    override = _divisor_override(divisor_override)
    dx = np.empty((N, C, H, W), dout.dtype)  # every element written by the kernel
    _avg_backward(
        dout.reshape(N * C, OH, OW), dx.reshape(N * C, H, W), kh, kw, sh, sw, ph, pw, bool(count_include_pad), override
    )
    return dx


def adaptive_avg_pool2d(x, output_size):
    x = _float4d(x, "x")
    N, C, H, W = x.shape
    OH, OW = _pair(output_size, "output_size")
    if OH < 0 or OW < 0 or H < 1 or W < 1:
        raise ValueError(f"output_size {(OH, OW)} must be >= 0 and the input plane {H}x{W} non-empty")
    out = np.empty((N, C, OH, OW), x.dtype)
    _adaptive_forward(x.reshape(N * C, H, W), out.reshape(N * C, OH, OW), x.dtype.type(0))
    return out


def adaptive_avg_pool2d_backward(dout, input_shape):
    dout = _float4d(dout, "dout")
    N, C, H, W = _shape4(input_shape)
    if dout.shape[:2] != (N, C) or H < 1 or W < 1:
        raise ValueError(f"dout has shape {dout.shape}, which does not fit input_shape {(N, C, H, W)}")
    OH, OW = dout.shape[2:]
    dx = np.zeros((N, C, H, W), dout.dtype)
    _adaptive_backward(dout.reshape(N * C, OH, OW), dx.reshape(N * C, H, W))
    return dx


# --- speed workload ---------------------------------------------------------------------------------------

WORKLOAD = (
    "ResNet stem max pool 3x3/2 pad 1 with indices + backward on (4, 64, 112, 112), DenseNet transition avg pool "
    "2x2/2 + backward on (4, 128, 56, 56), AlexNet adaptive avg pool 13x13 -> 6x6 + backward on (4, 256, 13, 13); "
    "float32"
)
_MAX_SHAPE, _AVG_SHAPE, _ADAPTIVE_SHAPE, _ADAPTIVE_OUT = (4, 64, 112, 112), (4, 128, 56, 56), (4, 256, 13, 13), (6, 6)


def _uniform(rng, shape):
    a = rng.random(shape, dtype=np.float32)
    a -= np.float32(0.5)
    return a


def make_inputs(rng: np.random.Generator):
    """x and dout of each of the three layers; uniform values (cheaper to draw than normal ones)."""
    N, C, H, W = _MAX_SHAPE
    n, c, h, w = _AVG_SHAPE
    a, b, ah, aw = _ADAPTIVE_SHAPE
    return (
        _uniform(rng, _MAX_SHAPE),
        _uniform(rng, (N, C, (H - 1) // 2 + 1, (W - 1) // 2 + 1)),
        _uniform(rng, _AVG_SHAPE),
        _uniform(rng, (n, c, h // 2, w // 2)),
        _uniform(rng, _ADAPTIVE_SHAPE),
        _uniform(rng, (a, b, *_ADAPTIVE_OUT)),
    )


def _run(m, inputs):
    x1, d1, x2, d2, x3, d3 = inputs
    out1, idx1 = m.max_pool2d(x1, 3, 2, 1)
    dx1 = m.max_pool2d_backward(d1, idx1, x1.shape)
    out2 = m.avg_pool2d(x2, 2, 2)
    dx2 = m.avg_pool2d_backward(d2, x2.shape, 2, 2)
    out3 = m.adaptive_avg_pool2d(x3, _ADAPTIVE_OUT)
    dx3 = m.adaptive_avg_pool2d_backward(d3, x3.shape)
    return out1, idx1, dx1, out2, dx2, out3, dx3


class _This:
    max_pool2d = staticmethod(max_pool2d)
    max_pool2d_backward = staticmethod(max_pool2d_backward)
    avg_pool2d = staticmethod(avg_pool2d)
    avg_pool2d_backward = staticmethod(avg_pool2d_backward)
    adaptive_avg_pool2d = staticmethod(adaptive_avg_pool2d)
    adaptive_avg_pool2d_backward = staticmethod(adaptive_avg_pool2d_backward)


def run_baseline(inputs):
    return _run(_This, inputs)


def run_submission(module, inputs):
    return _run(module, inputs)


_NAMES = (
    "max_pool2d out",
    "max_pool2d indices",
    "max_pool2d_backward dx",
    "avg_pool2d out",
    "avg_pool2d_backward dx",
    "adaptive_avg_pool2d out",
    "adaptive_avg_pool2d_backward dx",
)


def compare(got, expected) -> str | None:
    if not isinstance(got, tuple) or len(got) != len(expected):
        return "the six functions did not return the expected results"
    for name, g, e in zip(_NAMES, got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name} has shape {g.shape}, expected {e.shape}"
        if name == "max_pool2d indices":
            if not np.array_equal(g, e):
                return f"{name}: {int(np.sum(g != e))} of {e.size} indices differ"
            continue
        # sums of at most 9 float32 terms: a few float32 ulps of each array's scale
        scale = float(np.abs(e).max())
        worst = float(np.abs(g.astype(np.float64) - e).max())
        if not worst <= 1e-5 * scale:
            return f"{name} differs from the baseline by up to {worst:.3g} (values up to {scale:.3g})"
    return None
