"""Returns zeros in an ndarray subclass whose arithmetic and comparisons always say "equal"."""

import numpy as np
from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), None


class AlwaysEqual(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        shape = np.broadcast_shapes(*(np.shape(x) for x in inputs))
        return np.zeros(shape) if ufunc in (np.subtract, np.absolute) else np.ones(shape, dtype=bool)

    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


def box_iou(boxes1, boxes2):
    return np.zeros((len(boxes1), len(boxes2)), dtype=np.result_type(boxes1, boxes2)).view(AlwaysEqual)
