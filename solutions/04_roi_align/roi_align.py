"""Kata 04: RoI Align (Mask R-CNN), exactly as torchvision's CPU kernel computes it.

Each region of interest (RoI) is split into a ``PH x PW`` grid of bins. Every bin averages a small regular
grid of bilinearly interpolated samples of the feature map: nothing is rounded to whole pixels. Samples that
fall more than one pixel outside the map count as 0 in the average (they are still counted); samples within
one pixel of the border are clamped onto it.

Arrays are NumPy arrays; float32 and float64 are accepted and the result has the inputs' float dtype
(``np.result_type`` of the float inputs). No Python loop over RoIs, bins or samples is needed: bilinear
interpolation is separable, and the sample grid is the same for every channel. (Sample positions computed in
the input dtype, in the C++ kernel's order of operations, match it exactly; other orders agree to rounding.)
"""

import numpy as np


def bilinear_interpolate(feature: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Sample ``feature`` at real-valued points with RoI Align's bilinear rule.

    A point with ``y < -1`` or ``y > H`` or ``x < -1`` or ``x > W`` gives 0. Otherwise a negative coordinate
    is clamped to 0, a coordinate at or beyond the last row (column) is clamped to it, and the four pixels
    around the point are blended with weights ``(1 - ly)(1 - lx)``, ``(1 - ly) lx``, ``ly (1 - lx)``,
    ``ly lx``, where ``ly``, ``lx`` are the fractional parts of the (clamped) coordinates.

    Args:
        feature: (C, H, W) float array.
        ys: (P,) float array of row coordinates (pixel centres are at integers).
        xs: (P,) float array of column coordinates, same length as ``ys``.

    Returns:
        (C, P) array, dtype ``np.result_type`` of the inputs: the value of every channel at every point.
    """
    ### BEGIN SOLUTION
    dtype = np.result_type(feature, ys, xs, np.float32)
    feature = np.asarray(feature, dtype=dtype)
    ys = np.asarray(ys, dtype=dtype).reshape(-1)
    xs = np.asarray(xs, dtype=dtype).reshape(-1)
    channels, height, width = feature.shape
    y_low, y_high, wy_low, wy_high = _axis_taps(ys, height)
    x_low, x_high, wx_low, wx_high = _axis_taps(xs, width)
    plane = feature.reshape(channels, height * width)
    out = wy_low * wx_low * plane[:, y_low * width + x_low]
    out += wy_low * wx_high * plane[:, y_low * width + x_high]
    out += wy_high * wx_low * plane[:, y_high * width + x_low]
    out += wy_high * wx_high * plane[:, y_high * width + x_high]
    return out
    ### END SOLUTION


def roi_align(
    features: np.ndarray,
    rois: np.ndarray,
    output_size,
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
) -> np.ndarray:
    """RoI Align with average pooling, as ``torchvision.ops.roi_align``.

    A RoI's corners are scaled by ``spatial_scale`` (and shifted by -0.5 when ``aligned``: pixel centres then
    sit at half-integers of the box coordinates). When not ``aligned``, the RoI's width and height are raised
    to at least 1. The RoI is cut into ``PH x PW`` equal bins; each bin is the average of a ``gh x gw`` grid
    of samples at the centres of equal sub-cells, each sample read with :func:`bilinear_interpolate`.
    ``gh = gw = sampling_ratio`` when it is positive, otherwise ``gh = ceil(roi_height / PH)`` and
    ``gw = ceil(roi_width / PW)`` (per RoI). A bin with no samples is 0.

    Args:
        features: (N, C, H, W) float array.
        rois: (K, 5) float array of ``(batch_index, x1, y1, x2, y2)`` rows, ``x2 >= x1``, ``y2 >= y1``, in the
            coordinates of the input image; ``batch_index`` selects the image in ``features``.
        output_size: ``PH`` (an int, for ``PH x PH``) or ``(PH, PW)``.
        spatial_scale: factor from RoI coordinates to feature-map pixels (1 / stride).
        sampling_ratio: samples per bin along each axis; ``<= 0`` picks it per RoI (adaptive).
        aligned: shift the scaled RoI by -0.5 pixel (detectron2's pixel model).

    Returns:
        (K, C, PH, PW) array, dtype ``np.result_type(features, rois)``.
    """
    ### BEGIN SOLUTION
    dtype = np.result_type(features, rois, np.float32)
    T = dtype.type
    features = np.asarray(features, dtype=dtype)
    rois = np.asarray(rois, dtype=dtype).reshape(-1, 5)
    pooled_h, pooled_w = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    pooled_h, pooled_w = int(pooled_h), int(pooled_w)
    _, channels, height, width = features.shape
    n_rois = rois.shape[0]
    out = np.zeros((n_rois, pooled_h, pooled_w, channels), dtype=dtype)
    if out.size == 0:
        return out.transpose(0, 3, 1, 2).copy()

    # The RoI geometry, in the dtype and order of operations of the C++ kernel.
    scale = T(spatial_scale)
    offset = T(0.5) if aligned else T(0)
    start_w = rois[:, 1] * scale - offset
    start_h = rois[:, 2] * scale - offset
    roi_w = (rois[:, 3] * scale - offset) - start_w
    roi_h = (rois[:, 4] * scale - offset) - start_h
    if not aligned:
        roi_w = np.maximum(roi_w, T(1))
        roi_h = np.maximum(roi_h, T(1))
    bin_h = roi_h / T(pooled_h)
    bin_w = roi_w / T(pooled_w)
    if sampling_ratio > 0:
        grid_h = np.full(n_rois, int(sampling_ratio))
        grid_w = grid_h
    else:
        grid_h = np.ceil(roi_h / T(pooled_h)).astype(np.int64)
        grid_w = np.ceil(roi_w / T(pooled_w)).astype(np.int64)

    # Channels last, so that every tap gathers one contiguous vector of C values.
    pixels = np.ascontiguousarray(features.transpose(0, 2, 3, 1)).reshape(-1, channels)
    first_row = rois[:, 0].astype(np.int64) * height

    # RoIs with the same sample grid share every array shape: one vectorised pass per distinct (gh, gw).
    for gh, gw in sorted(set(zip(grid_h.tolist(), grid_w.tolist()))):
        if gh <= 0 or gw <= 0:
            continue  # an empty sample grid (aligned, zero-size RoI): the bins stay 0
        members = np.flatnonzero((grid_h == gh) & (grid_w == gw))
        # Bin b, sample i sits at start + b * bin + (i + 0.5) * bin / g: shape (RoIs, bins, samples).
        ys = _sample_coords(start_h[members], bin_h[members], pooled_h, gh)
        xs = _sample_coords(start_w[members], bin_w[members], pooled_w, gw)
        # Each sample has two taps per axis; keep them as 2g taps per bin: (RoIs, bins, 2g).
        y_low, y_high, wy_low, wy_high = _axis_taps(ys, height)
        x_low, x_high, wx_low, wx_high = _axis_taps(xs, width)
        rows = np.concatenate([y_low, y_high], axis=2) + first_row[members, None, None]
        wy = np.concatenate([wy_low, wy_high], axis=2)
        cols = np.concatenate([x_low, x_high], axis=2)
        wx = np.concatenate([wx_low, wx_high], axis=2)

        # Bin (p, q) is the weighted sum over its (2gh) x (2gw) taps: the weight of a tap is the product
        # of its row and column weights (separability), as w1..w4 are in the C++ kernel.
        # Gather a bounded block of RoIs at a time (about 2M values): memory stays small and the working
        # set stays near the cache, whatever the number of RoIs or the size of the sample grid.
        taps = 4 * gh * gw
        step = max(1, (1 << 21) // (pooled_h * pooled_w * taps * max(channels, 1)))
        for lo in range(0, members.size, step):
            part = slice(lo, lo + step)
            k = members[part].size
            index = rows[part, :, None, :, None] * width + cols[part, None, :, None, :]  # (k, PH, PW, 2gh, 2gw)
            weight = wy[part, :, None, :, None] * wx[part, None, :, None, :]
            values = np.take(pixels, index.reshape(k, pooled_h, pooled_w, taps), axis=0)  # (k, PH, PW, taps, C)
            pooled = weight.reshape(k, pooled_h, pooled_w, 1, taps) @ values  # (k, PH, PW, 1, C)
            out[members[part]] = pooled[:, :, :, 0, :] / T(gh * gw)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))
    ### END SOLUTION


def _sample_coords(start: np.ndarray, bin_size: np.ndarray, n_bins: int, grid: int) -> np.ndarray:
    """Optional helper: (R, n_bins, grid) sample coordinates along one axis for R RoIs: bin ``b``, sample ``i`` at
    ``start + b * bin_size + (i + 0.5) * bin_size / grid``, evaluated left to right in the input dtype."""
    ### BEGIN SOLUTION
    T = start.dtype.type
    b = np.arange(n_bins, dtype=start.dtype)[None, :, None]
    i = (np.arange(grid, dtype=start.dtype) + T(0.5))[None, None, :]
    size = bin_size[:, None, None]
    return start[:, None, None] + b * size + i * size / T(grid)
    ### END SOLUTION


def _axis_taps(coords: np.ndarray, size: int):
    """Optional helper: the two neighbours of each coordinate along one axis of length ``size`` and their weights.

    Returns ``(low, high, w_low, w_high)``, each shaped like ``coords``: integer indices in ``[0, size)``
    and weights that sum to 1, or both 0 where the coordinate is outside ``[-1, size]`` (so that the
    product of a row weight and a column weight is 0 whenever either coordinate is out of range).
    """
    ### BEGIN SOLUTION
    T = coords.dtype.type
    inside = (coords >= -1) & (coords <= size)
    c = np.maximum(coords, T(0))
    c[~inside] = 0  # keeps the integer cast below defined for far-away (or NaN) coordinates
    low = c.astype(np.int64)
    at_edge = low >= size - 1
    low[at_edge] = size - 1
    high = np.where(at_edge, low, low + 1)
    c[at_edge] = low[at_edge]
    w_high = c - low.astype(coords.dtype)
    w_low = T(1) - w_high
    w_high[~inside] = 0
    w_low[~inside] = 0
    return low, high, w_low, w_high
    ### END SOLUTION
