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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _sample_coords(start: np.ndarray, bin_size: np.ndarray, n_bins: int, grid: int) -> np.ndarray:
    """Optional helper: (R, n_bins, grid) sample coordinates along one axis for R RoIs: bin ``b``, sample ``i`` at
    ``start + b * bin_size + (i + 0.5) * bin_size / grid``, evaluated left to right in the input dtype."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _axis_taps(coords: np.ndarray, size: int):
    """Optional helper: the two neighbours of each coordinate along one axis of length ``size`` and their weights.

    Returns ``(low, high, w_low, w_high)``, each shaped like ``coords``: integer indices in ``[0, size)``
    and weights that sum to 1, or both 0 where the coordinate is outside ``[-1, size]`` (so that the
    product of a row weight and a column weight is 0 whenever either coordinate is out of range).
    """
    # YOUR CODE HERE
    raise NotImplementedError()
