"""Freezes the clock at import, so every call would seem to take no time (a slow Python loop underneath)."""
import time

import _reference
from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), "tampering: the submission replaced time.perf_counter"

time.perf_counter = lambda: 0.0


def box_iou(boxes1, boxes2):
    return _reference.np.array([[_reference.box_iou(a[None], b[None])[0, 0] for b in boxes2] for a in boxes1],
                               dtype=_reference.np.result_type(boxes1, boxes2)).reshape(len(boxes1), len(boxes2))
