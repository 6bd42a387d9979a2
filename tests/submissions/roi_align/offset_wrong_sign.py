"""aligned=True shifts the scaled RoI by +0.5 pixel instead of -0.5."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    rois = np.asarray(rois)
    if aligned:
        # one whole pixel to the right and down of the reference's -0.5 shift: a +0.5 shift
        rois = rois + (np.array([0, 1.0, 1.0, 1.0, 1.0]) / spatial_scale).astype(rois.dtype)
    return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)
