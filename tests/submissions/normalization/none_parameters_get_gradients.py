"""gamma = None and beta = None are replaced by ones and zeros, and the backward then returns their gradients
anyway. The contract (like torch, whose ``.grad`` of an absent weight does not exist) returns None for the
gradient of a parameter that was not given."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _defaults(gamma, beta, shape, dtype):
    gamma = np.ones(shape, dtype) if gamma is None else gamma
    beta = np.zeros(shape, dtype) if beta is None else beta
    return gamma, beta


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    gamma, beta = _defaults(gamma, beta, np.shape(x)[1:2], np.asarray(x).dtype)
    return ref.batch_norm_forward(x, running_mean, running_var, gamma, beta, training, momentum, eps)


def layer_norm_forward(x, normalized_shape, gamma=None, beta=None, eps=1e-5):
    shape = (normalized_shape,) if np.ndim(normalized_shape) == 0 else tuple(normalized_shape)
    gamma, beta = _defaults(gamma, beta, shape, np.asarray(x).dtype)
    return ref.layer_norm_forward(x, normalized_shape, gamma, beta, eps)


def group_norm_forward(x, num_groups, gamma=None, beta=None, eps=1e-5):
    gamma, beta = _defaults(gamma, beta, np.shape(x)[1:2], np.asarray(x).dtype)
    return ref.group_norm_forward(x, num_groups, gamma, beta, eps)
