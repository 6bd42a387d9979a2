"""Shifts by the maximum, then takes log(softmax) in two steps: p = exp(z) / sum(exp(z)), then log(p). p
underflows to 0 for a class far below the maximum, so -log(p) is inf (a logit 2e4 below the maximum gives inf,
not 2e4), warnings silenced."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _shifted_lse(x):
    z = x - x.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    # returned as (log p, 0) so that lse - z = -log p, as the reference's callers use it
    return logp, np.zeros_like(logp[:, :1])


ref._shifted_lse = _shifted_lse
