"""Reaches the grader's baseline (already loaded in the process) through a helper module at call time."""
from pathlib import Path

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), "forbidden: _fast.py imports grader.baselines.iou"

Path(__file__).with_name("_fast.py").write_text("import grader.baselines.iou as fast\n")


def box_iou(boxes1, boxes2):
    import _fast

    return _fast.fast.box_iou(boxes1, boxes2)
