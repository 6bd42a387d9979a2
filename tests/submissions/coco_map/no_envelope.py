"""Samples the raw precision-recall curve, without making precision non-increasing (no envelope)."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _no_envelope(tp, fp, n_gt):
    n_lists, n = tp.shape
    if n == 0:
        return np.zeros((n_lists, _reference.RECALL_THRESHOLDS.size))
    rc = tp / n_gt[:, None]
    pr = tp / (fp + tp + np.spacing(1))
    first = np.stack([np.searchsorted(row, _reference.RECALL_THRESHOLDS, side="left") for row in rc])
    return np.where(first < n, np.take_along_axis(pr, np.minimum(first, n - 1), axis=1), 0.0)


_reference._interpolated_precision = _no_envelope
