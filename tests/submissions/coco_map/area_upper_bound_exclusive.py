"""Half-open area ranges (lo <= area < hi): an object of area exactly 32**2 is medium only, where pycocotools
counts it as small and medium (both bounds inclusive)."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_ranges = _reference.AREA_RANGES.copy()
_ranges[:, 1] = np.nextafter(_ranges[:, 1], 0.0)  # area > hi' exactly when area >= hi
_reference.AREA_RANGES = _ranges
