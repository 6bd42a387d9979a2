"""Counts an unmatched detection whose own area is outside the range as a false positive (pycocotools
ignores it)."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_match = _reference._match_detections


def _match_all(gt_pair, gt_boxes, gt_crowd, gt_ignore, dt_pair, dt_rank, dt_boxes, dt_outside):
    return _match(gt_pair, gt_boxes, gt_crowd, gt_ignore, dt_pair, dt_rank, dt_boxes, np.zeros_like(dt_outside))


_reference._match_detections = _match_all
