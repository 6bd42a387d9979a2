"""Correct, but plain Python loops over locations and boxes (the scalar formulas, one anchor at a time):
the speed check must fail it by a wide margin."""

import math

import numpy as np

CAUGHT_BY = "speed"


def cell_anchors(sizes, aspect_ratios):
    rows = []
    for size in np.asarray(sizes, dtype=np.float64).reshape(-1).tolist():
        for a in np.asarray(aspect_ratios, dtype=np.float64).reshape(-1).tolist():
            w = math.sqrt(size * size / a)
            h = a * w
            rows.append([-w / 2, -h / 2, w / 2, h / 2])
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def grid_anchors(cell_anchors, feature_shape, stride, offset=0.0):
    cells = np.asarray(cell_anchors)
    height, width = feature_shape
    rows = []
    for i in range(height):
        sy = (i + offset) * stride
        for j in range(width):
            sx = (j + offset) * stride
            for x1, y1, x2, y2 in cells.tolist():
                rows.append([sx + x1, sy + y1, sx + x2, sy + y2])
    return np.array(rows, dtype=cells.dtype).reshape(-1, 4)


def _dtype(a, b):
    return np.result_type(np.asarray(a), np.asarray(b), np.float32)


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    dtype = _dtype(anchors, boxes)
    wx, wy, ww, wh = weights
    out = []
    for (ax1, ay1, ax2, ay2), (gx1, gy1, gx2, gy2) in zip(np.asarray(anchors).tolist(), np.asarray(boxes).tolist()):
        aw, ah, gw, gh = ax2 - ax1, ay2 - ay1, gx2 - gx1, gy2 - gy1
        out.append(
            [
                wx * ((gx1 + 0.5 * gw) - (ax1 + 0.5 * aw)) / aw,
                wy * ((gy1 + 0.5 * gh) - (ay1 + 0.5 * ah)) / ah,
                ww * math.log(gw / aw),
                wh * math.log(gh / ah),
            ]
        )
    return np.array(out, dtype=dtype).reshape(-1, 4)


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=math.log(1000.0 / 16)):
    dtype = _dtype(anchors, deltas)
    wx, wy, ww, wh = weights
    out = []
    for (ax1, ay1, ax2, ay2), (dx, dy, dw, dh) in zip(np.asarray(anchors).tolist(), np.asarray(deltas).tolist()):
        aw, ah = ax2 - ax1, ay2 - ay1
        cx = dx / wx * aw + ax1 + 0.5 * aw
        cy = dy / wy * ah + ay1 + 0.5 * ah
        w = math.exp(min(dw / ww, scale_clamp)) * aw
        h = math.exp(min(dh / wh, scale_clamp)) * ah
        out.append([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h])
    return np.array(out, dtype=dtype).reshape(-1, 4)
