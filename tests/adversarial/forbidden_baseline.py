"""Imports the grader's own compiled baseline, which is as fast as the target and always right."""

from grader.baselines.nms import batched_nms, nms  # noqa: F401

KATA, AFFECTED, EXPECT = (
    "nms",
    ("visible", "hidden", "speed"),
    "imports grader.baselines.nms (it holds the project's own answers)",
)
