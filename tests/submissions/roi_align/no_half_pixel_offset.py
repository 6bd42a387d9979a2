"""aligned=True drops the minimum size but forgets the -0.5 pixel shift of the scaled RoI."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    rois = np.asarray(rois)
    if aligned:
        # undo the reference's -0.5 shift
        rois = rois + (np.array([0, 0.5, 0.5, 0.5, 0.5]) / spatial_scale).astype(rois.dtype)
    return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)
