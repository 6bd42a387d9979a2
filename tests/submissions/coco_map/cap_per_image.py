"""Keeps the 100 best detections per image over all classes, where pycocotools keeps 100 per image and class."""

import _reference
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def evaluate(ground_truths, detections):
    capped = []
    for d in detections:
        keep = np.argsort(-np.asarray(d["scores"]), kind="stable")[:100]
        capped.append({k: np.asarray(v)[keep] for k, v in d.items()})
    return _reference.evaluate(ground_truths, capped)
