"""A training-mode backward that treats the batch mean and variance as constants: ``dx = dout * gamma / std``,
the eval-mode gradient. In training both statistics depend on every x, and dx has three terms:
``gamma / std * (dout - mean(dout) - xhat * mean(dout * xhat))``."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def batch_norm_backward(dout, cache):
    return ref.batch_norm_backward(dout, {**cache, "training": False})
