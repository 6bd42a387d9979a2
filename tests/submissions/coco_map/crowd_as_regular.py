"""Treats crowd regions as ordinary ground truth: they count as objects to find and use the usual IoU."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_flatten = _reference._flatten


def _no_crowd(entries, kind):
    out = _flatten(entries, kind)
    if kind == "gt":
        out["iscrowd"] = np.zeros_like(out["iscrowd"])
    return out


_reference._flatten = _no_crowd
