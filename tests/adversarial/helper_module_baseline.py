"""Reaches the grader's baseline through a helper module it writes at import. The sandbox's copy of the
submission is read-only and the grader is not in the sandbox at all: the import fails."""

from pathlib import Path

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), None

Path(__file__).with_name("_fast.py").write_text("import grader.baselines.iou as fast\n")


def box_iou(boxes1, boxes2):
    import _fast

    return _fast.fast.box_iou(boxes1, boxes2)
