"""VOC2007 11-point interpolation: the envelope sampled at recall 0, 0.1, ..., 1 instead of COCO's 101 points."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_reference.RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 11)
