"""Upcasts everything to float64: right values, wrong dtype for float32 input."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def box_iou(boxes1, boxes2):
    return ref.box_iou(np.asarray(boxes1, np.float64), np.asarray(boxes2, np.float64))


def generalized_box_iou(boxes1, boxes2):
    return ref.generalized_box_iou(np.asarray(boxes1, np.float64), np.asarray(boxes2, np.float64))
