"""Baseline for kata 04: RoI Align in numba, written as torchvision's C++ CPU kernel, and the speed workload.

Arithmetic runs in the features' dtype ``T`` (the kernel is a template on it): the scaled RoI corners, the
bin sizes, the sample coordinates and the interpolation weights are all computed in ``T``, in the C++
order of operations, and each bin sums its samples one after another before dividing by the count. It
reproduces torchvision's results bit for bit (checked in float64 on the golden cases of the hidden tests,
and in float32 and float64 on random inputs of every argument combination).

Unlike the C++ kernel, which runs the channel loop outermost and gathers one float per tap, this kernel
reads a channels-last copy of the map and keeps the channel loop innermost, where it vectorises: each
channel still sees the same products summed in the same order, so the results do not change, but single-
threaded it runs about 3x (16 channels) to 4-6x (256 channels) faster than torchvision's CPU kernel.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _taps(height, width, y, x, T):
    """The four neighbour offsets (into one H*W plane) and weights of one sample, as the C++ pre-calc."""
    # written as "not inside" so that NaN coordinates count as outside, as the C++ code does
    if not (y >= -1.0 and y <= height and x >= -1.0 and x <= width):
        return 0, 0, 0, 0, T(0), T(0), T(0), T(0)
    if y <= 0:
        y = T(0)
    if x <= 0:
        x = T(0)
    y_low = int(y)
    x_low = int(x)
    if y_low >= height - 1:
        y_low = height - 1
        y_high = y_low
        y = T(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_low = width - 1
        x_high = x_low
        x = T(x_low)
    else:
        x_high = x_low + 1
    ly = y - T(y_low)
    lx = x - T(x_low)
    hy = T(1) - ly
    hx = T(1) - lx
    return (
        y_low * width + x_low,
        y_low * width + x_high,
        y_high * width + x_low,
        y_high * width + x_high,
        hy * hx,
        hy * lx,
        ly * hx,
        ly * lx,
    )


@njit(cache=True, nogil=True)
def _bilinear_kernel(feature, ys, xs, T):
    channels, height, width = feature.shape
    n = ys.shape[0]
    out = np.zeros((channels, n), dtype=feature.dtype)
    plane = feature.reshape(channels, height * width)
    for p in range(n):
        p1, p2, p3, p4, w1, w2, w3, w4 = _taps(height, width, T(ys[p]), T(xs[p]), T)
        for c in range(channels):
            out[c, p] = w1 * plane[c, p1] + w2 * plane[c, p2] + w3 * plane[c, p3] + w4 * plane[c, p4]
    return out


@njit(cache=True, nogil=True)
def _axis_taps(start, bin_size, pooled, grid, size, T, low, high, w_low, w_high):
    """The C++ pre-calc along one axis: for sample ``i`` of bin ``p`` (slot ``p * grid + i``) the two
    neighbours and their weights. The 2-D weights are products of one row and one column weight (the C++
    code multiplies the same two factors), so the taps are computed once per axis instead of once per
    sample. An out-of-range coordinate gets zero weights (and index 0), which zeroes the four products as
    the C++ code's empty pre-calc does (on a finite map; the pixel multiplied by 0 may differ)."""
    for p in range(pooled):
        for i in range(grid):
            c = start + T(p) * bin_size + T(T(i) + T(0.5)) * bin_size / T(grid)
            k = p * grid + i
            # written as "not inside" so that NaN coordinates count as outside, as the C++ code does
            if not (c >= -1.0 and c <= size):
                low[k] = 0
                high[k] = 0
                w_low[k] = T(0)
                w_high[k] = T(0)
                continue
            if c <= 0:
                c = T(0)
            lo = int(c)
            if lo >= size - 1:
                lo = size - 1
                hi = lo
                c = T(lo)
            else:
                hi = lo + 1
            frac = c - T(lo)
            low[k] = lo
            high[k] = hi
            w_low[k] = T(1) - frac
            w_high[k] = frac


@njit(cache=True, nogil=True)
def _roi_align_kernel(pixels, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned, T, out):
    """RoI Align over channels-last ``pixels`` (N, H, W, C) into ``out`` (K, C, PH, PW).

    The loops are the C++ kernel's with the channel loop moved innermost: every sample reads four
    contiguous C-vectors, so the arithmetic of each channel is unchanged (the same products, summed in the
    same order) while the channel loop runs on SIMD lanes.
    """
    n_batch, height, width, channels = pixels.shape
    n_rois = rois.shape[0]
    flat = pixels.reshape(-1)
    scale = T(spatial_scale)
    offset = T(0.5) if aligned else T(0)
    acc = np.empty(channels, dtype=pixels.dtype)
    # unsigned offsets spare numba's negative-index wraparound test, which keeps the channel loops scalar
    nc = np.uintp(channels)
    plane = np.uintp(pooled_height * pooled_width)
    out_flat = out.reshape(-1)
    for n in range(n_rois):
        base = int(rois[n, 0]) * height * width
        start_w = rois[n, 1] * scale - offset
        start_h = rois[n, 2] * scale - offset
        end_w = rois[n, 3] * scale - offset
        end_h = rois[n, 4] * scale - offset
        roi_width = end_w - start_w
        roi_height = end_h - start_h
        if not aligned:
            # malformed (and sub-pixel) RoIs are forced to at least 1x1
            roi_width = max(roi_width, T(1))
            roi_height = max(roi_height, T(1))
        bin_h = roi_height / T(pooled_height)
        bin_w = roi_width / T(pooled_width)
        if sampling_ratio > 0:
            grid_h = sampling_ratio
            grid_w = sampling_ratio
        else:
            grid_h = int(np.ceil(roi_height / T(pooled_height)))
            grid_w = int(np.ceil(roi_width / T(pooled_width)))
        grid_h = max(grid_h, 0)
        grid_w = max(grid_w, 0)
        count = T(max(grid_h * grid_w, 1))  # an empty grid gives zeros, not 0/0

        y_low = np.empty(pooled_height * grid_h, dtype=np.intp)
        y_high = np.empty_like(y_low)
        wy_low = np.empty(pooled_height * grid_h, dtype=pixels.dtype)
        wy_high = np.empty_like(wy_low)
        x_low = np.empty(pooled_width * grid_w, dtype=np.intp)
        x_high = np.empty_like(x_low)
        wx_low = np.empty(pooled_width * grid_w, dtype=pixels.dtype)
        wx_high = np.empty_like(wx_low)
        _axis_taps(start_h, bin_h, pooled_height, grid_h, height, T, y_low, y_high, wy_low, wy_high)
        _axis_taps(start_w, bin_w, pooled_width, grid_w, width, T, x_low, x_high, wx_low, wx_high)

        for ph in range(pooled_height):
            for pw in range(pooled_width):
                for c in range(nc):
                    acc[c] = T(0)
                for iy in range(grid_h):
                    ky = ph * grid_h + iy
                    row_low = (base + y_low[ky] * width) * channels
                    row_high = (base + y_high[ky] * width) * channels
                    hy = wy_low[ky]
                    ly = wy_high[ky]
                    for ix in range(grid_w):
                        kx = pw * grid_w + ix
                        hx = wx_low[kx]
                        lx = wx_high[kx]
                        w1 = hy * hx
                        w2 = hy * lx
                        w3 = ly * hx
                        w4 = ly * lx
                        p1 = np.uintp(row_low + x_low[kx] * channels)
                        p2 = np.uintp(row_low + x_high[kx] * channels)
                        p3 = np.uintp(row_high + x_low[kx] * channels)
                        p4 = np.uintp(row_high + x_high[kx] * channels)
                        for c in range(nc):
                            acc[c] += w1 * flat[p1 + c] + w2 * flat[p2 + c] + w3 * flat[p3 + c] + w4 * flat[p4 + c]
                o = np.uintp((n * channels * pooled_height + ph) * pooled_width + pw)
                for c in range(nc):
                    out_flat[o + c * plane] = acc[c] / count


@njit(cache=True, nogil=True)
def _channels_last(features, out):
    """Copy ``features`` (N, C, H, W) into ``out`` (N, H, W, C) in tiles of 64 pixels x 16 channels.

    NumPy's strided copy reads one float per channel plane (a 16 KiB stride on a 64x64 map), and what that
    costs depends on where the planes fall in the caches: from 2 to 15 ms for a (2, 256, 64, 64) float32 map,
    from one process to the next. A tile's 16 rows of 256 bytes stay in L1, and this copy takes 1.6 to 4 ms
    in the same processes.
    """
    n, c, h, w = features.shape
    hw = h * w
    src = features.reshape(n, c, hw)
    dst = out.reshape(n, hw, c)
    for b in range(n):
        for p0 in range(0, hw, 64):
            p1 = min(p0 + 64, hw)
            for c0 in range(0, c, 16):
                c1 = min(c0 + 16, c)
                for p in range(p0, p1):
                    for k in range(c0, c1):
                        dst[b, p, k] = src[b, k, p]


def _dtype(*arrays):
    return np.result_type(*(np.asarray(a) for a in arrays), np.float32)


def bilinear_interpolate(feature: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """(C, P) values of ``feature`` (C, H, W) at the points ``(ys[p], xs[p])``, by the RoI Align sampling rule."""
    dtype = _dtype(feature, ys, xs)
    feature = np.ascontiguousarray(feature, dtype=dtype)
    ys = np.ascontiguousarray(ys, dtype=dtype).reshape(-1)
    xs = np.ascontiguousarray(xs, dtype=dtype).reshape(-1)
    return _bilinear_kernel(feature, ys, xs, dtype.type)


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False) -> np.ndarray:
    """(K, C, PH, PW) RoI Align of ``features`` (N, C, H, W) over ``rois`` (K, 5), as torchvision's CPU kernel."""
    dtype = _dtype(features, rois)
    features = np.ascontiguousarray(features, dtype=dtype)
    rois = np.ascontiguousarray(rois, dtype=dtype).reshape(-1, 5)
    ph, pw = (output_size, output_size) if np.isscalar(output_size) else output_size
    ph, pw = int(ph), int(pw)
    # one channels-last copy of the map (a few ms even for an FPN level), so that the kernel's innermost
    # loop reads contiguous channels
    n, c, h, w = features.shape
    pixels = np.empty((n, h, w, c), dtype=dtype)
    _channels_last(features, pixels)
    out = np.empty((rois.shape[0], c, ph, pw), dtype=dtype)
    _roi_align_kernel(pixels, rois, float(spatial_scale), ph, pw, int(sampling_ratio), bool(aligned), dtype.type, out)
    return out


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = (
    "roi_align on a (2, 16, 64, 64) float32 map, 512 RoIs, scale 1/16: 14x14 with sampling ratio 2, aligned "
    "(a mask head), then 7x7 with adaptive sampling, not aligned (a legacy box head)"
)
# A thin map on purpose: a Python loop over RoIs x bins x samples pays its overhead per sample, whatever the
# number of channels, while vectorised and compiled code pay per sample and channel. With 256 channels
# (an FPN level) such a loop is only ~10x the compiled kernel, no slower than a plainly vectorised solution;
# with 16 the two are told apart by a wide margin. The 14x14 call gives each RoI enough samples that a loop
# over RoIs, vectorised inside, is not mistaken for one over samples.
_SHAPE = (2, 16, 64, 64)
_N_ROIS = 512
_STRIDE = 16


def proposals(rng: np.random.Generator, n: int, image_size: float, n_images: int, dtype=np.float32) -> np.ndarray:
    """(n, 5) RoIs ``(batch, x1, y1, x2, y2)`` in image pixels, like a detector's proposals: log-uniform
    sizes from 1/32 to 1/2 of the image, aspect ratios from 1/3 to 3, some spilling over the border."""
    size = image_size * np.exp(rng.uniform(np.log(1 / 32), np.log(1 / 2), size=n))
    ratio = np.exp(rng.uniform(np.log(1 / 3), np.log(3), size=n))
    w, h = size / np.sqrt(ratio), size * np.sqrt(ratio)
    cx, cy = rng.uniform(0, image_size, size=(2, n))
    batch = rng.integers(0, n_images, size=n)
    rois = np.stack([batch, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return rois.astype(dtype)


def make_inputs(rng: np.random.Generator):
    features = rng.standard_normal(size=_SHAPE, dtype=np.float32)
    rois = proposals(rng, _N_ROIS, _SHAPE[-1] * _STRIDE, _SHAPE[0])
    return features, rois


def _run(fn, inputs):
    features, rois = inputs
    return fn(features, rois, 14, 1.0 / _STRIDE, 2, True), fn(features, rois, 7, 1.0 / _STRIDE, -1, False)


def run_baseline(inputs):
    return _run(roi_align, inputs)


def run_submission(module, inputs):
    return _run(module.roi_align, inputs)


def compare(got, expected) -> str | None:
    for name, g, e in zip(("14x14, sampling ratio 2, aligned", "7x7, adaptive, not aligned"), got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name}: shape {g.shape}, expected {e.shape}"
        if g.dtype != e.dtype:
            return f"{name}: dtype {g.dtype}, expected {e.dtype}"
        err = np.abs(g.astype(np.float64) - e)
        # float32 sums of at most a few hundred products of values of size ~4: far above rounding, far below a bug
        if not np.all(err <= 1e-4):
            return f"{name}: largest difference from the baseline {np.nanmax(err):.3g} (tolerance 1e-4)"
    return None
