"""Kata 08: batch, layer and group normalization, forward and backward, as ``torch.nn.functional.batch_norm``,
``layer_norm`` and ``group_norm`` and their autograd.

All three normalize ``x`` by the mean and the *biased* variance of a set of its entries, then apply an
optional per-feature affine map:

    xhat = (x - mean) / sqrt(var + eps),        out = gamma * xhat + beta

and differ only in the set each statistic is taken over:

- batch norm: one (mean, var) per channel ``c``, over every axis but the channel axis 1 (the batch and all
  spatial axes); gamma and beta have one value per channel;
- layer norm: one (mean, var) per leading index, over the last ``len(normalized_shape)`` axes; gamma and beta
  have the shape ``normalized_shape``;
- group norm: one (mean, var) per (sample, group), over the ``C // num_groups`` consecutive channels of the
  group and every spatial axis; gamma and beta have one value per channel.

Conventions, for every function:
- float32 or float64 in, ``np.result_type`` of ``x``, ``gamma`` and ``beta`` out (returned running statistics
  keep the dtype of the running statistics given); the inputs are never modified;
- ``eps`` is added to the variance *inside* the square root;
- ``gamma`` and ``beta`` are optional: None means 1 and 0, and the backward then returns None for their
  gradient;
- a forward returns a ``cache`` as its last value; treat it as opaque and pass it to the matching backward;
- empty inputs give empty outputs of the right shape (and zero gradients for gamma and beta);
- bad arguments raise ValueError naming the argument.
"""

import math

import numpy as np


def batch_norm_forward(x, running_mean, running_var, gamma=None, beta=None, training=True, momentum=0.1, eps=1e-5):
    """Batch normalization, as ``torch.nn.functional.batch_norm``.

    Args:
        x: (N, C) or (N, C, *spatial) float array.
        running_mean: (C,) float array, the running mean (None is allowed in training only: nothing to update).
        running_var: (C,) float array, the running variance (likewise).
        gamma: (C,) float array, the scale, or None for 1.
        beta: (C,) float array, the shift, or None for 0.
        training: True: normalize with the batch's statistics, over every axis but axis 1 (the mean, and
            the biased variance), and update the running statistics; False (eval): normalize with the running
            statistics, which are returned unchanged.
        momentum: float, the weight of the batch in the update, PyTorch's convention:
            ``new = (1 - momentum) * old + momentum * batch``. The running variance is updated with the
            *unbiased* batch variance, ``var * n / (n - 1)``, ``n`` the number of entries per channel.
        eps: float, added to the variance inside the square root.

    Returns:
        out: x's shape, dtype ``np.result_type(x, gamma, beta)``.
        new_running_mean, new_running_var: (C,) arrays of the running statistics' dtype: new arrays, the
            inputs are left as they were (None when the running statistics were None). An empty batch leaves
            them unchanged.
        cache: whatever ``batch_norm_backward`` needs.

    Raises:
        ValueError: x of fewer than 2 dimensions, parameters of the wrong shape, running statistics missing in
            eval, or training with one value per channel (``n == 1``: its variance is undefined).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must be (N, C) or (N, C, *spatial); got shape {x.shape}")
    C = x.shape[1]
    dtype = _dtype(x, gamma, beta)
    gamma, beta = _affine(gamma, beta, (C,), dtype)
    stats = []
    for name, value in (("running_mean", running_mean), ("running_var", running_var)):
        if value is not None:
            value = np.asarray(value)
            if value.shape != (C,):
                raise ValueError(f"{name} must have shape ({C},); got {value.shape}")
        elif not training:
            raise ValueError(f"{name} is required in eval mode (training=False)")
        stats.append(value)
    running_mean, running_var = stats
    x = x.astype(dtype, copy=False)
    axes = (0, *range(2, x.ndim))
    n = math.prod(x.shape) // C if C else math.prod(x.shape[:1] + x.shape[2:])
    shape = (1, C) + (1,) * (x.ndim - 2)  # broadcasts a per-channel value over x

    def copy(a):
        return None if a is None else a.copy()

    if training:
        if n == 1:
            raise ValueError(f"expected more than 1 value per channel when training; got x of shape {x.shape}")
        if x.size == 0:
            out = np.empty(x.shape, dtype)
            cache = {"xhat": out, "scale": np.zeros(C), "gamma": gamma, "beta": beta, "axes": axes, "training": True}
            return out, copy(running_mean), copy(running_var), cache
        mean = x.mean(axis=axes, dtype=np.float64)
        xc = x - mean.astype(dtype).reshape(shape)  # two passes: the variance of the centred values
        var = np.mean(np.square(xc), axis=axes, dtype=np.float64)
        invstd = 1.0 / np.sqrt(var + eps)
        xhat = xc
        xhat *= invstd.astype(dtype).reshape(shape)
        new_mean, new_var = copy(running_mean), copy(running_var)
        if running_mean is not None:
            new_mean = ((1 - momentum) * running_mean + momentum * mean).astype(running_mean.dtype)
        if running_var is not None:
            new_var = ((1 - momentum) * running_var + momentum * var * (n / (n - 1))).astype(running_var.dtype)
    else:
        invstd = 1.0 / np.sqrt(running_var.astype(np.float64) + eps)
        xhat = (x - running_mean.astype(dtype).reshape(shape)) * invstd.astype(dtype).reshape(shape)
        new_mean, new_var = running_mean.copy(), running_var.copy()
    out = xhat if gamma is None else xhat * gamma.reshape(shape)
    if beta is not None:
        out = out + beta.reshape(shape)
    if out is xhat:
        out = xhat.copy()
    cache = {"xhat": xhat, "scale": invstd, "gamma": gamma, "beta": beta, "axes": axes, "training": training}
    return out, new_mean, new_var, cache
    ### END SOLUTION


def batch_norm_backward(dout, cache):
    """Backward pass of ``batch_norm_forward``: the gradients of ``sum(out * dout)``, as torch's autograd.

    In training the mean and the variance depend on x, so each entry's gradient has three terms (the direct
    one, and those through the mean and the variance); in eval the statistics are constants.

    Args:
        dout: float array of ``out``'s shape, the upstream gradient.
        cache: the last value returned by ``batch_norm_forward``.

    Returns:
        dx: x's shape, ``out``'s dtype.
        dgamma: (C,) array, or None when the forward had no gamma.
        dbeta: (C,) array, or None when the forward had no beta.
    """
    ### BEGIN SOLUTION
    xhat, invstd, gamma, beta = cache["xhat"], cache["scale"], cache["gamma"], cache["beta"]
    dout = np.asarray(dout, dtype=xhat.dtype)
    axes = cache["axes"]
    C = xhat.shape[1]
    shape = (1, C) + (1,) * (xhat.ndim - 2)
    dbeta_full = dout.sum(axis=axes, dtype=np.float64)
    rows = (xhat.shape[0], C, -1) if xhat.size else None
    dgamma_full = (
        np.einsum("ncl,ncl->c", dout.reshape(rows), xhat.reshape(rows), dtype=np.float64) if rows else np.zeros(C)
    )
    k = invstd if gamma is None else invstd * gamma
    if cache["training"] and dout.size:
        n = dout.size // C
        # dx = gamma * invstd * (dout - mean(dout) - xhat * mean(dout * xhat)): the last two terms are the
        # gradient through the batch mean and the batch variance.
        dx = dout - (dbeta_full / n).astype(dout.dtype).reshape(shape)
        dx -= xhat * (dgamma_full / n).astype(dout.dtype).reshape(shape)
        dx *= k.astype(dout.dtype).reshape(shape)
    else:
        dx = dout * k.astype(dout.dtype).reshape(shape)
    dgamma = None if gamma is None else dgamma_full.astype(xhat.dtype)
    dbeta = None if beta is None else dbeta_full.astype(xhat.dtype)
    return dx, dgamma, dbeta
    ### END SOLUTION


def layer_norm_forward(x, normalized_shape, gamma=None, beta=None, eps=1e-5):
    """Layer normalization, as ``torch.nn.functional.layer_norm``.

    Args:
        x: (*, *normalized_shape) float array.
        normalized_shape: int or tuple of ints, the shape of x's last axes that are normalized together: one
            mean and one biased variance per index of the leading axes.
        gamma: float array of shape ``normalized_shape`` (elementwise scale), or None for 1.
        beta: float array of shape ``normalized_shape`` (elementwise shift), or None for 0.
        eps: float, added to the variance inside the square root.

    Returns:
        out: x's shape, dtype ``np.result_type(x, gamma, beta)``.
        cache: whatever ``layer_norm_backward`` needs.

    Raises:
        ValueError: ``normalized_shape`` not the shape of x's last axes, or gamma/beta of another shape.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    shape = (int(normalized_shape),) if np.ndim(normalized_shape) == 0 else tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or x.shape[x.ndim - k :] != shape:
        raise ValueError(f"normalized_shape {shape} must be the shape of x's last axes; x has shape {x.shape}")
    dtype = _dtype(x, gamma, beta)
    gamma, beta = _affine(gamma, beta, shape, dtype)
    rows = x.astype(dtype, copy=False).reshape(-1, math.prod(shape))  # one row per normalized group
    xhat, invstd = _normalize_rows(rows, eps)
    out = xhat if gamma is None else xhat * gamma.reshape(1, -1)
    if beta is not None:
        out = out + beta.reshape(1, -1)
    if out is xhat:
        out = xhat.copy()
    cache = {"xhat": xhat, "invstd": invstd, "gamma": gamma, "beta": beta, "x_shape": x.shape, "shape": shape}
    return out.reshape(x.shape), cache
    ### END SOLUTION


def layer_norm_backward(dout, cache):
    """Backward pass of ``layer_norm_forward``: the gradients of ``sum(out * dout)``, as torch's autograd.

    Args:
        dout: float array of ``out``'s shape, the upstream gradient.
        cache: the second value returned by ``layer_norm_forward``.

    Returns:
        dx: x's shape, ``out``'s dtype.
        dgamma: array of shape ``normalized_shape`` (summed over the leading axes), or None without gamma.
        dbeta: likewise, or None without beta.
    """
    ### BEGIN SOLUTION
    xhat, invstd, gamma, beta = cache["xhat"], cache["invstd"], cache["gamma"], cache["beta"]
    dout = np.asarray(dout, dtype=xhat.dtype).reshape(xhat.shape)
    dxhat = dout if gamma is None else dout * gamma.reshape(1, -1)
    dx = _normalize_rows_backward(dxhat, xhat, invstd).reshape(cache["x_shape"])
    shape = cache["shape"]
    dgamma = None if gamma is None else np.einsum("mk,mk->k", dout, xhat, dtype=np.float64)
    dgamma = None if gamma is None else dgamma.astype(xhat.dtype).reshape(shape)
    dbeta = None if beta is None else dout.sum(axis=0, dtype=np.float64).astype(xhat.dtype).reshape(shape)
    return dx, dgamma, dbeta
    ### END SOLUTION


def group_norm_forward(x, num_groups, gamma=None, beta=None, eps=1e-5):
    """Group normalization, as ``torch.nn.functional.group_norm``.

    Args:
        x: (N, C, *spatial) float array.
        num_groups: int dividing C: the channels are split into this many groups of ``C // num_groups``
            consecutive channels (channel c is in group ``c // (C // num_groups)``); one mean and one biased
            variance per (sample, group), over the group's channels and every spatial position.
        gamma: (C,) float array, the per-channel scale, or None for 1.
        beta: (C,) float array, the per-channel shift, or None for 0.
        eps: float, added to the variance inside the square root.

    Returns:
        out: x's shape, dtype ``np.result_type(x, gamma, beta)``.
        cache: whatever ``group_norm_backward`` needs.

    Raises:
        ValueError: num_groups < 1 or not dividing C; gamma/beta not of shape (C,); or, as torch,
            ``N * (C // num_groups) * prod(spatial) == 1``.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must be (N, C, *spatial); got shape {x.shape}")
    N, C = x.shape[:2]
    if int(num_groups) != num_groups or num_groups < 1 or C % num_groups:
        raise ValueError(f"num_groups must be a positive divisor of the {C} channels; got {num_groups}")
    G = int(num_groups)
    if N * (C // G) * math.prod(x.shape[2:]) == 1:
        raise ValueError(f"expected more than 1 value per group when training; got x of shape {x.shape}")
    dtype = _dtype(x, gamma, beta)
    gamma, beta = _affine(gamma, beta, (C,), dtype)
    L = math.prod(x.shape[2:])
    x3 = x.astype(dtype, copy=False).reshape(N, C, L)
    xhat, invstd = _normalize_rows(x3.reshape(N * G, (C // G) * L), eps)
    xhat = xhat.reshape(N, C, L)
    out = xhat if gamma is None else xhat * gamma.reshape(1, C, 1)
    if beta is not None:
        out = out + beta.reshape(1, C, 1)
    if out is xhat:
        out = xhat.copy()
    cache = {"xhat": xhat, "invstd": invstd, "gamma": gamma, "beta": beta, "x_shape": x.shape, "groups": G}
    return out.reshape(x.shape), cache
    ### END SOLUTION


def group_norm_backward(dout, cache):
    """Backward pass of ``group_norm_forward``: the gradients of ``sum(out * dout)``, as torch's autograd.

    Args:
        dout: float array of ``out``'s shape, the upstream gradient.
        cache: the second value returned by ``group_norm_forward``.

    Returns:
        dx: x's shape, ``out``'s dtype.
        dgamma: (C,) array (summed over the batch and space), or None without gamma.
        dbeta: (C,) array, or None without beta.
    """
    ### BEGIN SOLUTION
    xhat, invstd, gamma, beta, G = (cache[k] for k in ("xhat", "invstd", "gamma", "beta", "groups"))
    N, C, L = xhat.shape
    dout = np.asarray(dout, dtype=xhat.dtype).reshape(N, C, L)
    dxhat = dout if gamma is None else dout * gamma.reshape(1, C, 1)
    rows = (N * G, (C // G) * L)
    dx = _normalize_rows_backward(dxhat.reshape(rows), xhat.reshape(rows), invstd).reshape(cache["x_shape"])
    dgamma = None if gamma is None else np.einsum("ncl,ncl->c", dout, xhat, dtype=np.float64).astype(xhat.dtype)
    dbeta = None if beta is None else dout.sum(axis=(0, 2), dtype=np.float64).astype(xhat.dtype)
    return dx, dgamma, dbeta
    ### END SOLUTION


def _dtype(x, gamma, beta):
    """Optional helper: the float dtype of the results, ``np.result_type`` of x, gamma and beta (at least
    float32)."""
    ### BEGIN SOLUTION
    return np.result_type(x, *(np.asarray(a) for a in (gamma, beta) if a is not None), np.float32)
    ### END SOLUTION


def _affine(gamma, beta, shape, dtype):
    """Optional helper: gamma and beta as arrays of ``dtype`` (None stays None), after checking that each has
    the given ``shape`` (ValueError naming it otherwise)."""
    ### BEGIN SOLUTION
    checked = []
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value is not None:
            value = np.asarray(value, dtype=dtype)
            if value.shape != tuple(shape):
                raise ValueError(f"{name} must have shape {tuple(shape)}; got {value.shape}")
        checked.append(value)
    return tuple(checked)
    ### END SOLUTION


def _normalize_rows(rows, eps):
    """Optional helper: each row of the (M, K) array ``rows`` normalized by its own mean and biased
    variance: returns (xhat (M, K), invstd (M,) = 1 / sqrt(var + eps)). The mean must be taken first and the
    variance of the centred values after it (two passes): ``mean(x**2) - mean(x)**2`` cancels catastrophically
    when the mean is large against the spread."""
    ### BEGIN SOLUTION
    M, K = rows.shape
    if rows.size == 0:
        return np.empty((M, K), rows.dtype), np.zeros(M)
    mean = rows.mean(axis=1, dtype=np.float64)
    xhat = rows - mean.astype(rows.dtype)[:, None]
    var = np.einsum("mk,mk->m", xhat, xhat, dtype=np.float64) / K
    invstd = 1.0 / np.sqrt(var + eps)
    xhat *= invstd.astype(rows.dtype)[:, None]
    return xhat, invstd
    ### END SOLUTION


def _normalize_rows_backward(dxhat, xhat, invstd):
    """Optional helper: the gradient with respect to the rows of ``_normalize_rows``'s input, given the
    gradient ``dxhat`` with respect to its output ``xhat`` (all (M, K), invstd (M,)): per row,
    ``invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))``."""
    ### BEGIN SOLUTION
    M, K = xhat.shape
    if xhat.size == 0:
        return np.zeros((M, K), xhat.dtype)
    mean_d = dxhat.mean(axis=1, dtype=np.float64)
    mean_dx = np.einsum("mk,mk->m", dxhat, xhat, dtype=np.float64) / K
    dx = dxhat - mean_d.astype(xhat.dtype)[:, None]
    dx -= xhat * mean_dx.astype(xhat.dtype)[:, None]
    dx *= invstd.astype(xhat.dtype)[:, None]
    return dx
    ### END SOLUTION
