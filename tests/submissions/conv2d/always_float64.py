"""Computes and returns float64 whatever the input dtype (a cast to float at the top): float32 inputs
must give float32 results."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    b = None if b is None else np.asarray(b, dtype=np.float64)
    return ref.conv2d_forward(
        np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64), b, stride, padding, dilation, groups
    )
