"""Suppresses on IoU >= threshold (py-faster-rcnn's cpu_nms.pyx) instead of strictly greater."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def nms(boxes, scores, iou_threshold):
    return _reference_nms(boxes, scores, np.nextafter(iou_threshold, -np.inf))


import _reference  # noqa: E402

_reference_nms = _reference.nms
