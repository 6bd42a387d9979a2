"""aligned=False does not raise the RoI's width and height to at least 1 (torchvision's "force malformed
RoIs to be 1x1"), so tiny RoIs get tiny bins and empty ones no samples."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    if aligned:
        return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)
    # the aligned path has no minimum size; shifting the RoI by +0.5 pixel cancels its -0.5 offset
    rois = np.asarray(rois)
    rois = rois + (np.array([0, 0.5, 0.5, 0.5, 0.5]) / spatial_scale).astype(rois.dtype)
    return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, True)
