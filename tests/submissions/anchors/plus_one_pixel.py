"""Legacy py-faster-rcnn box coding: widths are x2 - x1 + 1 in encode and decode (bbox_transform)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _whc(boxes):
    w = boxes[:, 2] - boxes[:, 0] + 1.0
    h = boxes[:, 3] - boxes[:, 1] + 1.0
    return w, h, boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    anchors, boxes = ref._as_float_pair(anchors, boxes)
    wx, wy, ww, wh = weights
    aw, ah, ax, ay = _whc(anchors)
    gw, gh, gx, gy = _whc(boxes)
    out = np.stack([wx * (gx - ax) / aw, wy * (gy - ay) / ah, ww * np.log(gw / aw), wh * np.log(gh / ah)], axis=1)
    return out.astype(anchors.dtype)


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    anchors, deltas = ref._as_float_pair(anchors, deltas)
    wx, wy, ww, wh = weights
    aw, ah, ax, ay = _whc(anchors)
    cx, cy = deltas[:, 0] / wx * aw + ax, deltas[:, 1] / wy * ah + ay
    w = np.exp(np.minimum(deltas[:, 2] / ww, scale_clamp)) * aw
    h = np.exp(np.minimum(deltas[:, 3] / wh, scale_clamp)) * ah
    return np.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w - 1, cy + 0.5 * h - 1], axis=1).astype(anchors.dtype)
