"""Takes the already loaded baseline out of sys.modules rather than importing it."""

import sys

KATA, AFFECTED, EXPECT = (
    "iou",
    ("visible", "hidden", "speed"),
    "uses sys.modules (it reaches into the interpreter instead of computing)",
)

_baseline = sys.modules["grader.baselines.iou"]
box_area, box_iou, generalized_box_iou = _baseline.box_area, _baseline.box_iou, _baseline.generalized_box_iou
