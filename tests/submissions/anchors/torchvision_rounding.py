"""Rounds the cell anchors to whole pixels (half to even), as torchvision's AnchorGenerator does."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def cell_anchors(sizes, aspect_ratios):
    return np.round(ref.cell_anchors(sizes, aspect_ratios))
