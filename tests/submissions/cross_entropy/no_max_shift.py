"""log-sum-exp as log(sum(exp(x))) without shifting by the maximum first: exp overflows to inf for logits above
about 88 (float32) or 709 (float64), and the loss becomes inf or NaN."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _shifted_lse(x):
    with np.errstate(over="ignore", invalid="ignore"):
        lse = np.log(np.exp(x).sum(axis=1, keepdims=True))
    return x.copy(), lse


ref._shifted_lse = _shifted_lse
