"""No special case for an empty batch: the mean of zero values is NaN (with a RuntimeWarning), and the running
statistics become NaN, which then poisons every later step. An empty batch must leave them unchanged."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    out, new_mean, new_var, cache = ref.batch_norm_forward(
        x, running_mean, running_var, gamma, beta, training, momentum, eps
    )
    if training and x.size == 0 and running_mean is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.full(x.shape[1], np.nan)  # x.mean() of no values
            new_mean = ((1 - momentum) * running_mean + momentum * mean).astype(running_mean.dtype)
            new_var = ((1 - momentum) * running_var + momentum * mean).astype(running_var.dtype)
    return out, new_mean, new_var, cache
