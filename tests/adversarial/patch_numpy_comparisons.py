"""Returns zeros and makes NumPy's comparison functions report that everything matches. Only the worker's
NumPy is patched: the tests compare in the judge, with its own."""

import numpy as np

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), None

_shape = np.broadcast_shapes
np.isclose = lambda a, b, *args, **kwargs: np.ones(_shape(np.shape(a), np.shape(b)), dtype=bool)
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True


def box_area(boxes):
    return np.zeros(len(boxes), dtype=np.asarray(boxes).dtype)


def box_iou(boxes1, boxes2):
    return np.zeros((len(boxes1), len(boxes2)), dtype=np.result_type(boxes1, boxes2))


generalized_box_iou = box_iou
