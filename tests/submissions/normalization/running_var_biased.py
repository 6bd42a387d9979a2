"""The running variance is updated with the biased batch variance (``x.var()``, divided by n), the one the output
uses. PyTorch updates it with the unbiased variance, ``var * n / (n - 1)``: with 2 values per channel the
biased one is half of it."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    out, new_mean, new_var, cache = ref.batch_norm_forward(
        x, running_mean, running_var, gamma, beta, training, momentum, eps
    )
    if training and running_var is not None and np.size(x):
        x = np.asarray(x)
        var = x.var(axis=(0, *range(2, x.ndim)), dtype=np.float64)
        new_var = ((1 - momentum) * running_var + momentum * var).astype(running_var.dtype)
    return out, new_mean, new_var, cache
