"""Reaches for the compiled baseline through spellings no source scan knows: `getattr(sys, "mod" + "ules")`
and `pkgutil.resolve_name`. The grader is not in the sandbox, so there is nothing to reach."""

import pkgutil
import sys

KATA, EXPECT = "iou", {"visible": 0, "hidden": 0, "speed": 0}

loaded = getattr(sys, "mod" + "ules")
fast = loaded.get("grader.baselines.iou") or pkgutil.resolve_name("grader.baselines" + ".iou")
box_area, box_iou, generalized_box_iou = fast.box_area, fast.box_iou, fast.generalized_box_iou
