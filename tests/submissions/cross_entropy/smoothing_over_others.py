"""Label smoothing as 1 - e on the target and e / (C - 1) on each other class (the "uniform over the wrong
classes" variant), where torch puts e / C on every class, the target included (1 - e + e / C on it)."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def _smoothed_target(t, valid, C, e, dtype):
    """(N, C, L) target distribution: 1 - e at the target, e / (C - 1) elsewhere, 0 where ignored."""
    N, L = t.shape
    other = e / (C - 1) if C > 1 else 0.0
    q = np.full((N, C, L), other, dtype)
    np.put_along_axis(q, t[:, None, :], 1 - e, axis=1)
    return q * valid[:, None, :]


def cross_entropy(logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    x, t, w, e, out_shape = ref._prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    valid, safe_t, wy = ref._target_weights(t, w, ignore_index, x.dtype)
    z, lse = ref._shifted_lse(x)
    q = _smoothed_target(safe_t, valid, x.shape[1], e, x.dtype)
    wc = np.ones(x.shape[1], x.dtype) if w is None else w
    loss = ((lse - z) * q * wc[None, :, None]).sum(axis=1)
    return ref._reduce(loss.reshape(out_shape), wy, reduction)


def cross_entropy_grad(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, grad_output=1.0
):
    x, t, w, e, out_shape = ref._prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    valid, safe_t, wy = ref._target_weights(t, w, ignore_index, x.dtype)
    g = ref._position_scale(grad_output, wy, valid, reduction, out_shape, x.dtype)
    z, lse = ref._shifted_lse(x)
    s = np.exp(z - lse)
    wc = (np.ones(x.shape[1], x.dtype) if w is None else w)[None, :, None]
    q = _smoothed_target(safe_t, valid, x.shape[1], e, x.dtype) * wc
    grad = (s * q.sum(axis=1, keepdims=True) - q) * g[:, None, :]
    return grad.reshape(np.shape(logits))
