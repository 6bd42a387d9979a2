"""Ignores spatial_scale: RoIs given in image pixels are used as feature-map pixels."""

import _reference
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    return _reference.roi_align(features, rois, output_size, 1.0, sampling_ratio, aligned)
