"""Class weights applied to the whole smoothed loss of a position: w[y] * ((1 - e) (-p[y]) + (e / C) sum_c
(-p[c])), where torch weights each class's smoothing term by its own weight: (e / C) sum_c w[c] (-p[c]).
Right without weights or without smoothing."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"


def cross_entropy(logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    x, t, w, e, out_shape = ref._prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    C = x.shape[1]
    valid, safe_t, wy = ref._target_weights(t, w, ignore_index, x.dtype)
    z, lse = ref._shifted_lse(x)
    nlp = lse - z
    picked = np.take_along_axis(nlp, safe_t[:, None, :], axis=1)[:, 0, :]
    loss = wy * ((1 - e) * picked + (e / C) * nlp.sum(axis=1))
    return ref._reduce(loss.reshape(out_shape), wy, reduction)


def cross_entropy_grad(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, grad_output=1.0
):
    x, t, w, e, out_shape = ref._prepare(logits, target, weight, ignore_index, reduction, label_smoothing)
    C = x.shape[1]
    valid, safe_t, wy = ref._target_weights(t, w, ignore_index, x.dtype)
    g = ref._position_scale(grad_output, wy, valid, reduction, out_shape, x.dtype)
    z, lse = ref._shifted_lse(x)
    q = np.full(x.shape, e / C, x.dtype)
    np.put_along_axis(q, safe_t[:, None, :], 1 - e + e / C, axis=1)
    grad = (np.exp(z - lse) - q) * (wy * g)[:, None, :]
    return grad.reshape(np.shape(logits))
