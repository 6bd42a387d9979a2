"""Reads each RoI as (batch, y1, x1, y2, x2): x and y swapped."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    rois = np.asarray(rois)[:, [0, 2, 1, 4, 3]]
    return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)
