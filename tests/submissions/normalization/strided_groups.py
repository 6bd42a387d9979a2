"""Group norm with strided groups: channel c in group ``c % num_groups`` (from ``x.reshape(N, C // G, G, ...)``
with the group axis second), where torch puts channel c in group ``c // (C // G)``: groups are blocks of
consecutive channels, ``x.reshape(N, G, C // G, ...)``."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _order(C, G):
    """The channels group by group: 0, G, 2G, ..., then 1, G + 1, ..."""
    order = np.arange(C).reshape(C // G, G).T.reshape(-1) if G >= 1 and C % G == 0 else np.arange(C)
    return order, np.argsort(order)


def group_norm_forward(x, num_groups, gamma=None, beta=None, eps=1e-5):
    x = np.asarray(x)
    order, back = _order(x.shape[1], num_groups)
    g = None if gamma is None else np.asarray(gamma)[order]
    b = None if beta is None else np.asarray(beta)[order]
    out, cache = ref.group_norm_forward(x[:, order], num_groups, g, b, eps)
    return out[:, back], (cache, order, back)


def group_norm_backward(dout, cache):
    cache, order, back = cache
    dx, dgamma, dbeta = ref.group_norm_backward(np.asarray(dout)[:, order], cache)
    return dx[:, back], None if dgamma is None else dgamma[back], None if dbeta is None else dbeta[back]
