"""Matches only when IoU > threshold; pycocotools accepts IoU equal to the threshold (>=)."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_greedy = _reference._greedy_match


def _strict(ious, gt_ignore, gt_crowd):
    # the next float below a positive IoU is >= t exactly when the IoU is > t; the order of IoUs is unchanged
    return _greedy(np.where(ious > 0, np.nextafter(ious, 0.0), ious), gt_ignore, gt_crowd)


_reference._greedy_match = _strict
