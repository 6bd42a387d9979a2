"""The running statistics updated in place (``running_mean *= 1 - momentum; running_mean += ...``), as
``nn.BatchNorm2d`` updates its buffers. The values returned are right, but the caller's arrays have changed:
the functional contract returns new arrays and leaves its inputs alone."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    out, new_mean, new_var, cache = ref.batch_norm_forward(
        x, running_mean, running_var, gamma, beta, training, momentum, eps
    )
    if training and running_mean is not None:
        running_mean[...] = new_mean
        running_var[...] = new_var
        return out, running_mean, running_var, cache
    return out, new_mean, new_var, cache
