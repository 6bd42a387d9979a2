"""Right anchors in torchvision's order: ratios outer, sizes inner (row j * S + i instead of i * R + j)."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def cell_anchors(sizes, aspect_ratios):
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    w = np.sqrt(sizes[None, :] ** 2 / ratios[:, None])
    h = ratios[:, None] * w
    w, h = w.reshape(-1), h.reshape(-1)
    return np.stack([-w / 2, -h / 2, w / 2, h / 2], axis=1)
