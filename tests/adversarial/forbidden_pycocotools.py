"""Hands the evaluation to pycocotools instead of writing it."""

from _reference import *  # noqa: F401,F403
from pycocotools.cocoeval import COCOeval  # noqa: F401

KATA, AFFECTED, EXPECT = (
    "coco_map",
    ("visible", "hidden", "speed"),
    "imports pycocotools.cocoeval (it does this kata's work",
)
