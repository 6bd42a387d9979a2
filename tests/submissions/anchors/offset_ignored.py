"""Forgets the offset: every anchor sits on the top-left corner of its stride x stride patch."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def grid_anchors(cell_anchors, feature_shape, stride, offset=0.0):
    return ref.grid_anchors(cell_anchors, feature_shape, stride, 0.0)
