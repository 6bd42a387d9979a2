"""Correct: a line-by-line NumPy transliteration of detectron2 / torchvision (meshgrid of shifts plus
broadcasting, column slices, np.stack), without the rounding. Must get full marks, speed included."""

import math

import numpy as np

CAUGHT_BY = None


def cell_anchors(sizes, aspect_ratios):
    anchors = []
    for size in sizes:
        area = float(size) ** 2.0
        for aspect_ratio in aspect_ratios:
            w = math.sqrt(area / float(aspect_ratio))
            h = float(aspect_ratio) * w
            anchors.append([-w / 2.0, -h / 2.0, w / 2.0, h / 2.0])
    return np.array(anchors, dtype=np.float64).reshape(-1, 4)


def grid_anchors(cell_anchors, feature_shape, stride, offset=0.0):
    base = np.asarray(cell_anchors)
    grid_height, grid_width = feature_shape
    shifts_x = (np.arange(grid_width) + offset) * stride
    shifts_y = (np.arange(grid_height) + offset) * stride
    shift_y, shift_x = np.meshgrid(shifts_y, shifts_x, indexing="ij")
    shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
    shifts = np.stack((shift_x, shift_y, shift_x, shift_y), axis=1).astype(base.dtype)
    return (shifts.reshape(-1, 1, 4) + base.reshape(1, -1, 4)).reshape(-1, 4)


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    anchors, boxes = np.asarray(anchors), np.asarray(boxes)
    dtype = np.result_type(anchors, boxes)
    anchors, boxes = anchors.astype(dtype), boxes.astype(dtype)
    wx, wy, ww, wh = weights
    src_widths = anchors[:, 2] - anchors[:, 0]
    src_heights = anchors[:, 3] - anchors[:, 1]
    src_ctr_x = anchors[:, 0] + 0.5 * src_widths
    src_ctr_y = anchors[:, 1] + 0.5 * src_heights
    target_widths = boxes[:, 2] - boxes[:, 0]
    target_heights = boxes[:, 3] - boxes[:, 1]
    target_ctr_x = boxes[:, 0] + 0.5 * target_widths
    target_ctr_y = boxes[:, 1] + 0.5 * target_heights
    dx = wx * (target_ctr_x - src_ctr_x) / src_widths
    dy = wy * (target_ctr_y - src_ctr_y) / src_heights
    dw = ww * np.log(target_widths / src_widths)
    dh = wh * np.log(target_heights / src_heights)
    return np.stack((dx, dy, dw, dh), axis=1)


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=math.log(1000.0 / 16)):
    anchors, deltas = np.asarray(anchors), np.asarray(deltas)
    dtype = np.result_type(anchors, deltas)
    boxes, deltas = anchors.astype(dtype), deltas.astype(dtype)
    widths = boxes[:, 2] - boxes[:, 0]
    heights = boxes[:, 3] - boxes[:, 1]
    ctr_x = boxes[:, 0] + 0.5 * widths
    ctr_y = boxes[:, 1] + 0.5 * heights
    wx, wy, ww, wh = weights
    dx = deltas[:, 0::4] / wx
    dy = deltas[:, 1::4] / wy
    dw = np.minimum(deltas[:, 2::4] / ww, scale_clamp)
    dh = np.minimum(deltas[:, 3::4] / wh, scale_clamp)
    pred_ctr_x = dx * widths[:, None] + ctr_x[:, None]
    pred_ctr_y = dy * heights[:, None] + ctr_y[:, None]
    pred_w = np.exp(dw) * widths[:, None]
    pred_h = np.exp(dh) * heights[:, None]
    x1 = pred_ctr_x - 0.5 * pred_w
    y1 = pred_ctr_y - 0.5 * pred_h
    x2 = pred_ctr_x + 0.5 * pred_w
    y2 = pred_ctr_y + 0.5 * pred_h
    return np.stack((x1, y1, x2, y2), axis=2).reshape(deltas.shape)
