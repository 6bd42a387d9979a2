"""Precision as tp / (tp + fp) without pycocotools' eps: a perfect detector scores exactly 1.0. The numbers
move by about 1e-16, far inside the graded tolerance: a correct alternative that gets full marks."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None
_R = _reference.RECALL_THRESHOLDS


def _precision(tp, fp, n_gt):
    n_lists, n = tp.shape
    out = np.zeros((n_lists, _R.size))
    for row in range(n_lists):
        if n == 0:
            continue
        rc = tp[row] / n_gt[row]
        pr = np.divide(tp[row], tp[row] + fp[row], out=np.zeros(n), where=tp[row] + fp[row] > 0)
        envelope = np.maximum.accumulate(pr[::-1])[::-1]
        first = np.searchsorted(rc, _R, side="left")
        out[row] = np.where(first < n, envelope[np.minimum(first, n - 1)], 0.0)
    return out


_reference._interpolated_precision = _precision
