"""Momentum in the Keras/TensorFlow convention, ``new = momentum * old + (1 - momentum) * batch`` (there the
default momentum is 0.99). PyTorch's momentum weighs the batch: ``new = (1 - momentum) * old + momentum * batch``."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    out, new_mean, new_var, cache = ref.batch_norm_forward(
        x, running_mean, running_var, gamma, beta, training, momentum, eps
    )
    if training and running_mean is not None and np.size(x):
        x = np.asarray(x)
        axes = (0, *range(2, x.ndim))
        n = x.size // x.shape[1]
        mean = x.mean(axis=axes, dtype=np.float64)
        var = x.var(axis=axes, dtype=np.float64) * n / (n - 1)
        new_mean = (momentum * running_mean + (1 - momentum) * mean).astype(running_mean.dtype)
        new_var = (momentum * running_var + (1 - momentum) * var).astype(running_var.dtype)
    return out, new_mean, new_var, cache
