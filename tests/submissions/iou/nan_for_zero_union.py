"""torchvision's behaviour: 0/0 gives NaN for a pair of degenerate boxes instead of the contract's 0."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def box_iou(boxes1, boxes2):
    boxes1, boxes2 = ref._as_float_pair(boxes1, boxes2)
    inter = ref._intersection(boxes1, boxes2)
    union = box_area(boxes1)[:, None] + box_area(boxes2) - inter
    with np.errstate(invalid="ignore"):
        return inter / union
