"""No check for one value per channel in training: the variance of a single value is 0, the output is beta, and
``n / max(n - 1, 1)`` keeps the running-variance update finite. torch raises ("Expected more than 1 value per
channel when training"), and so must the kata: that batch carries no statistics at all."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    if training and x.ndim >= 2 and x.size and x.size == x.shape[1]:
        # one value per channel: the batch statistics are the value itself and a variance of 0
        C = x.shape[1]
        mean = x.reshape(C).astype(np.float64)
        out, _, _, cache = ref.batch_norm_forward(x, mean, np.zeros(C), gamma, beta, False, momentum, eps)
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var
        return out, new_mean.astype(running_mean.dtype), new_var.astype(running_var.dtype), cache
    return ref.batch_norm_forward(x, running_mean, running_var, gamma, beta, training, momentum, eps)
