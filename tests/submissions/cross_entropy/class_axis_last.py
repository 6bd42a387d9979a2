"""Treats the last axis as the classes for every layout: logits.reshape(-1, C) with C = logits.shape[1]
flattens an (N, C, H, W) map without moving the class axis, so each "row" mixes classes and pixels. Right
for (N, C) logits only."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_original_prepare = ref._prepare


def _prepare(logits, target, weight, ignore_index, reduction, label_smoothing):
    logits, target = np.asarray(logits), np.asarray(target)
    if logits.ndim > 2:
        C = logits.shape[1]
        flat_logits = logits.reshape(-1, C)
        flat_target = target.reshape(-1)
        x, t, w, e, _ = _original_prepare(flat_logits, flat_target, weight, ignore_index, reduction, label_smoothing)
        return x, t, w, e, target.shape
    return _original_prepare(logits, target, weight, ignore_index, reduction, label_smoothing)


ref._prepare = _prepare
