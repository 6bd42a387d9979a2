"""Ignores the batch index column: every RoI is read from the first image."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    rois = np.array(rois)
    rois[:, 0] = 0
    return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)
