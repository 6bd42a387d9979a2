"""The legacy "+1" convention (py-faster-rcnn, Detectron1): width = x2 - x1 + 1."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def box_area(boxes):
    boxes = np.asarray(boxes)
    return (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)


def box_iou(boxes1, boxes2):
    w = np.clip(
        np.minimum(boxes1[:, None, 2], boxes2[:, 2]) - np.maximum(boxes1[:, None, 0], boxes2[:, 0]) + 1, 0, None
    )
    h = np.clip(
        np.minimum(boxes1[:, None, 3], boxes2[:, 3]) - np.maximum(boxes1[:, None, 1], boxes2[:, 1]) + 1, 0, None
    )
    inter = w * h
    union = box_area(boxes1)[:, None] + box_area(boxes2) - inter
    return inter / union
