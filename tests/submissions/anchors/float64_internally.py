"""Correct: computes everything in float64 and casts the result back to the inputs' dtype, and builds the
grid with np.tile / np.repeat. Slower than working in float32, but must still pass the speed check."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def grid_anchors(cell_anchors, feature_shape, stride, offset=0.0):
    cells = np.asarray(cell_anchors)
    height, width = feature_shape
    sx = np.tile((np.arange(width) + offset) * stride, height)
    sy = np.repeat((np.arange(height) + offset) * stride, width)
    shifts = np.stack([sx, sy, sx, sy], axis=1)
    return (shifts[:, None, :] + cells[None].astype(np.float64)).reshape(-1, 4).astype(cells.dtype)


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    dtype = np.result_type(np.asarray(anchors), np.asarray(boxes))
    return ref.encode_boxes(np.asarray(anchors, np.float64), np.asarray(boxes, np.float64), weights).astype(dtype)


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    dtype = np.result_type(np.asarray(anchors), np.asarray(deltas))
    return ref.decode_boxes(
        np.asarray(anchors, np.float64), np.asarray(deltas, np.float64), weights, scale_clamp
    ).astype(dtype)
