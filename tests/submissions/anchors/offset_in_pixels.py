"""Adds the offset in pixels (arange * stride + offset) instead of in strides ((arange + offset) * stride)."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def grid_anchors(cell_anchors, feature_shape, stride, offset=0.0):
    cells = np.asarray(cell_anchors)
    height, width = feature_shape
    shift_x = np.arange(width) * stride + offset
    shift_y = np.arange(height) * stride + offset
    sy, sx = np.meshgrid(shift_y, shift_x, indexing="ij")
    shifts = np.stack([sx.ravel(), sy.ravel(), sx.ravel(), sy.ravel()], axis=1).astype(cells.dtype)
    return (shifts[:, None, :] + cells[None, :, :]).reshape(-1, 4)
