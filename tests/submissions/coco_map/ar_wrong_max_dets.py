"""Computes AR1, AR10 and AR100 all with 100 detections per image and class."""

import _reference
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"
_summarize = _reference._summarize


def _wrong(labels, precision, recall):
    recall = recall.copy()
    recall[..., 0] = recall[..., 1] = recall[..., 2]
    return _summarize(labels, precision, recall)


_reference._summarize = _wrong
