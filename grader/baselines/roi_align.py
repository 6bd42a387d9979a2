"""Baseline for kata 04: RoI Align in numba, written as torchvision's C++ CPU kernel, and the speed workload.

Arithmetic runs in the features' dtype ``T`` (the kernel is a template on it): the scaled RoI corners, the
bin sizes, the sample coordinates and the interpolation weights are all computed in ``T``, in the C++
order of operations, and each bin sums its samples one after another before dividing by the count. It
reproduces torchvision's results bit for bit (checked in float64 on the golden cases of the hidden tests,
and in float32 and float64 on random inputs of every argument combination).
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
        y_low * width + x_low, y_low * width + x_high, y_high * width + x_low, y_high * width + x_high,
        hy * hx, hy * lx, ly * hx, ly * lx,
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
def _roi_align_kernel(features, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned, T):
    n_batch, channels, height, width = features.shape
    n_rois = rois.shape[0]
    out = np.zeros((n_rois, channels, pooled_height, pooled_width), dtype=features.dtype)
    flat = features.reshape(-1)
    scale = T(spatial_scale)
    offset = T(0.5) if aligned else T(0)
    for n in range(n_rois):
        batch = int(rois[n, 0])
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
        count = T(max(grid_h * grid_w, 1))  # an empty grid gives zeros, not 0/0

        # the sample weights and neighbours are shared by every channel: compute them once per RoI;
        # unsigned offsets spare numba's negative-index wraparound on every gather
        n_samples = max(grid_h, 0) * max(grid_w, 0) * pooled_height * pooled_width
        p1 = np.empty(n_samples, dtype=np.uintp)
        p2 = np.empty(n_samples, dtype=np.uintp)
        p3 = np.empty(n_samples, dtype=np.uintp)
        p4 = np.empty(n_samples, dtype=np.uintp)
        w1 = np.empty(n_samples, dtype=features.dtype)
        w2 = np.empty(n_samples, dtype=features.dtype)
        w3 = np.empty(n_samples, dtype=features.dtype)
        w4 = np.empty(n_samples, dtype=features.dtype)
        k = 0
        for ph in range(pooled_height):
            for pw in range(pooled_width):
                for iy in range(grid_h):
                    yy = start_h + T(ph) * bin_h + T(T(iy) + T(0.5)) * bin_h / T(grid_h)
                    for ix in range(grid_w):
                        xx = start_w + T(pw) * bin_w + T(T(ix) + T(0.5)) * bin_w / T(grid_w)
                        p1[k], p2[k], p3[k], p4[k], w1[k], w2[k], w3[k], w4[k] = _taps(height, width, yy, xx, T)
                        k += 1

        per_bin = max(grid_h, 0) * max(grid_w, 0)
        plane_size = height * width
        for c in range(channels):
            first = (batch * channels + c) * plane_size
            plane = flat[first:first + plane_size]
            k = 0
            for ph in range(pooled_height):
                for pw in range(pooled_width):
                    acc = T(0)
                    for _ in range(per_bin):
                        acc += w1[k] * plane[p1[k]] + w2[k] * plane[p2[k]] + w3[k] * plane[p3[k]] + w4[k] * plane[p4[k]]
                        k += 1
                    out[n, c, ph, pw] = acc / count
    return out


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
    return _roi_align_kernel(
        features, rois, float(spatial_scale), int(ph), int(pw), int(sampling_ratio), bool(aligned), dtype.type
    )


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
