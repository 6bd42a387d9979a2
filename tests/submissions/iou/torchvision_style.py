"""Correct: torchvision's own formulation, broadcasting with (N, M, 2) temporaries. Must pass on speed."""

import numpy as np

CAUGHT_BY = None


def box_area(boxes):
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _inter_union(boxes1, boxes2):
    area1, area2 = box_area(boxes1), box_area(boxes2)
    lt = np.maximum(boxes1[:, None, :2], boxes2[:, :2])
    rb = np.minimum(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[:, :, 0] * wh[:, :, 1]
    return inter, area1[:, None] + area2 - inter


def box_iou(boxes1, boxes2):
    boxes1, boxes2 = np.asarray(boxes1), np.asarray(boxes2)
    dtype = np.result_type(boxes1, boxes2)
    boxes1, boxes2 = boxes1.astype(dtype), boxes2.astype(dtype)
    inter, union = _inter_union(boxes1, boxes2)
    iou = np.zeros_like(inter)
    np.divide(inter, union, out=iou, where=union > 0)
    return iou


def generalized_box_iou(boxes1, boxes2):
    boxes1, boxes2 = np.asarray(boxes1), np.asarray(boxes2)
    dtype = np.result_type(boxes1, boxes2)
    boxes1, boxes2 = boxes1.astype(dtype), boxes2.astype(dtype)
    inter, union = _inter_union(boxes1, boxes2)
    iou = np.zeros_like(inter)
    np.divide(inter, union, out=iou, where=union > 0)
    lt = np.minimum(boxes1[:, None, :2], boxes2[:, :2])
    rb = np.maximum(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = np.clip(rb - lt, 0, None)
    area = wh[:, :, 0] * wh[:, :, 1]
    penalty = np.zeros_like(area)
    np.divide(area - union, area, out=penalty, where=area > 0)
    return np.where(area > 0, iou - penalty, 0)
