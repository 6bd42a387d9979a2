"""Takes the aspect ratio as width / height (w = size * sqrt(a)): every non-square anchor turns 90 degrees."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def cell_anchors(sizes, aspect_ratios):
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    w = (sizes[:, None] * np.sqrt(ratios)[None, :]).reshape(-1)
    h = (sizes[:, None] / np.sqrt(ratios)[None, :]).reshape(-1)
    return np.stack([-w / 2, -h / 2, w / 2, h / 2], axis=1)
