"""Sorts detections with np.argsort(scores)[::-1]: equal scores come out last-first instead of in order."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def evaluate(ground_truths, detections):
    flipped = [{k: np.asarray(v)[::-1] for k, v in d.items()} for d in detections]
    return _reference.evaluate(ground_truths, flipped)
