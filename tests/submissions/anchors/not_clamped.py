"""Decodes without clamping dw and dh: a large predicted dw gives a box far beyond 62.5 anchor widths."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp=ref.DEFAULT_SCALE_CLAMP):
    return ref.decode_boxes(anchors, deltas, weights, float("inf"))
