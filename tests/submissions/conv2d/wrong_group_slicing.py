"""Groups built by striding over the channels: group g takes channels g, g + G, g + 2G, ... (a reshape to
(N, Cg, G, ...) instead of (N, G, Cg, ...)), where torch gives group g the consecutive block
[g*C/G, (g+1)*C/G). Identical for groups=1 and for depthwise, wrong for anything in between."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _interleave(x, groups):
    """Channel order that puts channels g, g+G, g+2G, ... into block g."""
    C = x.shape[1]
    return np.arange(C).reshape(C // groups, groups).T.ravel()


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x = np.asarray(x)
    order = _interleave(x, groups)
    out, cache = ref.conv2d_forward(x[:, order], w, b, stride, padding, dilation, groups)
    cache["order"] = order
    return out, cache


def conv2d_backward(dout, cache):
    dx, dw, db = ref.conv2d_backward(dout, cache)
    unpermuted = np.empty_like(dx)
    unpermuted[:, cache["order"]] = dx
    return unpermuted, dw, db
