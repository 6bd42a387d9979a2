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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _dtype(x, gamma, beta):
    """Optional helper: the float dtype of the results, ``np.result_type`` of x, gamma and beta (at least
    float32)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _affine(gamma, beta, shape, dtype):
    """Optional helper: gamma and beta as arrays of ``dtype`` (None stays None), after checking that each has
    the given ``shape`` (ValueError naming it otherwise)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _normalize_rows(rows, eps):
    """Optional helper: each row of the (M, K) array ``rows`` normalized by its own mean and biased
    variance: returns (xhat (M, K), invstd (M,) = 1 / sqrt(var + eps)). The mean must be taken first and the
    variance of the centred values after it (two passes): ``mean(x**2) - mean(x)**2`` cancels catastrophically
    when the mean is large against the spread."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _normalize_rows_backward(dxhat, xhat, invstd):
    """Optional helper: the gradient with respect to the rows of ``_normalize_rows``'s input, given the
    gradient ``dxhat`` with respect to its output ``xhat`` (all (M, K), invstd (M,)): per row,
    ``invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))``."""
    # YOUR CODE HERE
    raise NotImplementedError()
