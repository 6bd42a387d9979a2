"""The ``training`` flag ignored: eval mode normalizes with the batch's statistics and updates the running ones,
as in training. In eval the output must use the running statistics, and return them unchanged."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    x = np.asarray(x)
    if not training and x.ndim >= 2 and x.size > x.shape[1]:
        training = True
    return ref.batch_norm_forward(x, running_mean, running_var, gamma, beta, training, momentum, eps)
