"""Remembers the speed check's answer by input shape, hoping every timed round repeats the first inputs."""

import _reference
from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("speed",), "wrong answer on the speed workload (round 1)"

_memo = {}


def box_iou(boxes1, boxes2):
    if len(boxes1) < 1000:
        return _reference.box_iou(boxes1, boxes2)
    key = (boxes1.shape, boxes2.shape)
    if key not in _memo:
        _memo[key] = _reference.box_iou(boxes1, boxes2)
    return _memo[key]
