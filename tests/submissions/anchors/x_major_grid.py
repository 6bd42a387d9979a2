"""Orders the grid columns (x) outer and rows (y) inner, as meshgrid's default "xy" indexing invites."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def grid_anchors(cell_anchors, feature_shape, stride, offset=0.0):
    cells = np.asarray(cell_anchors)
    height, width = feature_shape
    shift_x = (np.arange(width) + offset) * stride
    shift_y = (np.arange(height) + offset) * stride
    sx, sy = np.meshgrid(shift_x, shift_y, indexing="ij")  # (W, H): x outer
    shifts = np.stack([sx.ravel(), sy.ravel(), sx.ravel(), sy.ravel()], axis=1).astype(cells.dtype)
    return (shifts[:, None, :] + cells[None, :, :]).reshape(-1, 4)
