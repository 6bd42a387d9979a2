"""Max pooling pads with zeros (np.pad's default) instead of -inf: a border window of negative values reports
0, the padding's value, and an index outside the input."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_padded = ref._padded


def _zero_padded(x, ph, pw, rows, cols, fill):
    return _padded(x, ph, pw, rows, cols, 0)


ref._padded = _zero_padded
