"""Returns an object that computes its answer only when it is turned into an array: after the clock stops, in
the old design. Only plain arrays leave the worker, so the tests get an object they reject."""

import _reference
import numpy as np

KATA, EXPECT = "iou", {"visible": 0, "hidden": 0, "speed": 0}


class Later:
    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __array__(self, dtype=None, copy=None):
        out = self.fn(*self.args)
        return out if dtype is None else out.astype(dtype)

    def __len__(self):
        return len(self.args[0])


def box_area(boxes):
    return Later(_reference.box_area, boxes)


def box_iou(boxes1, boxes2):
    return Later(_reference.box_iou, boxes1, boxes2)


def generalized_box_iou(boxes1, boxes2):
    return Later(_reference.generalized_box_iou, boxes1, boxes2)
