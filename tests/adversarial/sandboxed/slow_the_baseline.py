"""Correct but slow, and tries three ways to make the baseline look slower while it is timed: a profile hook
that sleeps in the baseline's functions, shrinking nothing it can reach of the baseline's workload, and a
spinning child process left running between calls on the CPU the baseline uses. The baseline runs in the
judge, and the judge refuses to time beside leftover work."""

import os
import sys
import time

import _reference
import numpy as np
from _reference import box_area, generalized_box_iou  # noqa: F401

KATA, EXPECT, MESSAGE = "iou", {"visible": 3, "hidden": 5, "speed": 0}, {"speed": "tampering"}


def _sleepy(frame, event, arg):
    if event == "call" and "baseline" in frame.f_code.co_filename:
        time.sleep(0.05)


getattr(sys, "set" + "profile")(_sleepy)
try:
    baselines = getattr(sys, "mod" + "ules").get("grader.baselines.iou")
    baselines._N = 10
except AttributeError:
    pass
SPINNING = []


def box_iou(boxes1, boxes2):
    if len(boxes1) >= 1000 and not SPINNING:
        pid = os.__dict__["fo" + "rk"]()
        if pid == 0:
            while True:
                pass
        SPINNING.append(pid)
    return _reference.box_iou(boxes1, boxes2)
