"""VOC2010 all-point AP: the exact area under the precision envelope instead of the 101-point sampling."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _all_point(tp, fp, n_gt):
    n_lists, n = tp.shape
    if n == 0:
        return np.zeros((n_lists, _reference.RECALL_THRESHOLDS.size))
    rc = tp / n_gt[:, None]
    pr = tp / np.maximum(fp + tp, np.finfo(float).eps)
    envelope = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1]
    steps = np.diff(np.concatenate([np.zeros((n_lists, 1)), rc], axis=1), axis=1)
    ap = (steps * envelope).sum(axis=1)
    return np.repeat(ap[:, None], _reference.RECALL_THRESHOLDS.size, axis=1)


_reference._interpolated_precision = _all_point
