"""aligned=True also raises the RoI's size to at least 1, so an empty RoI gives a sample instead of 0."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    if not aligned:
        return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)
    # the legacy path applies the minimum size; shifting the RoI by -0.5 pixel supplies the offset
    rois = np.asarray(rois)
    rois = rois - (np.array([0, 0.5, 0.5, 0.5, 0.5]) / spatial_scale).astype(rois.dtype)
    return _reference.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, False)
