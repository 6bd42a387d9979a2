"""Ignores the area ranges: small, medium and large all evaluate every object (APs = APm = APl = AP)."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_reference.AREA_RANGES = np.repeat(_reference.AREA_RANGES[:1], 4, axis=0)
