"""Kata 05: 2-D convolution forward and backward, as ``torch.nn.functional.conv2d`` and its autograd.

Like every deep-learning "convolution" this is a cross-correlation (the kernel is not flipped):

    out[n, f, oh, ow] = b[f] + sum_{c, i, j} w[f, c, i, j] * xpad[n, g*Cg + c, oh*sh + i*dh, ow*sw + j*dw]

where ``xpad`` is ``x`` zero-padded by ``ph`` rows above and below and ``pw`` columns left and right,
``Cg = C / groups`` input channels feed each group, and filter ``f`` belongs to group ``g = f // (F / groups)``.
The output size is ``OH = (H + 2*ph - dh*(KH - 1) - 1) // sh + 1`` (``OW`` likewise).

Arrays are float32 or float64; results have ``np.result_type`` of the inputs. The work is one im2col copy
and a batched matrix product (and, backwards, its transpose and a col2im): no Python loop over pixels.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Forward pass of a 2-D convolution (cross-correlation), as ``torch.nn.functional.conv2d``.

    Args:
        x: (N, C, H, W) float array, the input.
        w: (F, C // groups, KH, KW) float array, the filters.
        b: (F,) float array, the bias, or None for no bias.
        stride: int or (sh, sw) pair, the step between neighbouring windows.
        padding: int or (ph, pw) pair, zeros added on *both* sides of each spatial axis.
        dilation: int or (dh, dw) pair, the spacing between kernel taps.
        groups: int, dividing both C and F: input channels and filters are split into this many groups
            and group g's filters see only group g's channels (groups == C is a depthwise convolution).

    Returns:
        out: (N, F, OH, OW) array, dtype ``np.result_type(x, w, b)``, with
            ``OH = (H + 2*ph - dh*(KH - 1) - 1) // sh + 1`` and ``OW`` likewise.
        cache: whatever ``conv2d_backward`` needs (treat it as opaque).

    Raises:
        ValueError: on inconsistent shapes, groups that do not divide C and F, or an empty output size.
    """
    ### BEGIN SOLUTION
    x, w = np.asarray(x), np.asarray(w)
    dtype = np.result_type(x, w, *([] if b is None else [np.asarray(b)]), np.float32)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    if groups < 1 or C % groups or F % groups or Cg != C // groups:
        raise ValueError(f"x has {C} channels and w is {w.shape}: not a valid convolution with groups={groups}")
    if b is not None and np.shape(b) != (F,):
        raise ValueError(f"b has shape {np.shape(b)}, expected ({F},)")
    params = (_pair(stride), _pair(padding), _pair(dilation), groups)
    cols = _im2col(x, KH, KW, *params)  # (N, G, Cg*KH*KW, OH*OW)
    OH, OW = _output_size(H, W, KH, KW, *params[:3])
    G = groups
    # One GEMM per (sample, group): (F/G, Cg*KH*KW) @ (Cg*KH*KW, OH*OW). The result is already laid out as
    # (N, F, OH, OW) because the groups' filters are consecutive.
    out = np.matmul(w.reshape(G, F // G, Cg * KH * KW), cols).reshape(N, F, OH, OW)
    if b is not None:
        out += np.asarray(b, dtype=dtype)[None, :, None, None]
    cache = {"x_shape": x.shape, "w": w, "has_bias": b is not None, "params": params, "cols": cols}
    return out, cache
    ### END SOLUTION


def conv2d_backward(dout, cache):
    """Backward pass: the gradients of ``sum(out * dout)`` with respect to x, w and b.

    Args:
        dout: (N, F, OH, OW) float array, the upstream gradient (same shape as ``out``).
        cache: the second value returned by ``conv2d_forward``.

    Returns:
        dx: (N, C, H, W) array, like x. Input pixels that no window reaches (the last rows/columns that the
            floor in the output size drops when the stride does not divide evenly) get exactly 0.
        dw: (F, C // groups, KH, KW) array, like w, summed over the batch.
        db: (F,) array, ``dout`` summed over batch and space, or None when the forward had no bias.
        All three have the forward output's dtype.
    """
    ### BEGIN SOLUTION
    w, cols = cache["w"], cache["cols"]
    (sh, sw), (ph, pw), (dh, dw_), G = cache["params"]
    N, C, H, W = cache["x_shape"]
    F, Cg, KH, KW = w.shape
    dout = np.asarray(dout, dtype=w.dtype)
    OH, OW = dout.shape[2:]
    dout_g = dout.reshape(N, G, F // G, OH * OW)

    db = dout.sum(axis=(0, 2, 3)) if cache["has_bias"] else None
    # dw[g] = sum_n dout[n, g] @ cols[n, g].T: the weight sees every window of every sample.
    dw = np.matmul(dout_g, cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(F, Cg, KH, KW)
    # dcols[n, g] = w[g].T @ dout[n, g]: each window's share of the input gradient, then col2im adds the
    # overlapping windows back onto the padded input.
    dcols = np.matmul(w.reshape(G, F // G, Cg * KH * KW).transpose(0, 2, 1), dout_g)
    dx = _col2im(dcols.reshape(N, C, KH, KW, OH, OW), H, W, (sh, sw), (ph, pw), (dh, dw_))
    return dx, dw, db
    ### END SOLUTION


def _pair(value):
    """Optional helper: ``(v, v)`` for an int ``v``; a pair of ints unchanged."""
    ### BEGIN SOLUTION
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)
    ### END SOLUTION


def _output_size(H, W, KH, KW, stride, padding, dilation):
    """Optional helper: (OH, OW), how many windows of the dilated kernel fit along each padded axis, at the
    given stride. ``stride``, ``padding`` and ``dilation`` are (h, w) pairs; raises ValueError when none fits."""
    ### BEGIN SOLUTION
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    if OH <= 0 or OW <= 0:
        raise ValueError(f"the {KH}x{KW} kernel with dilation {dilation} does not fit the padded {H}x{W} input")
    return OH, OW
    ### END SOLUTION


def _im2col(x, KH, KW, stride, padding, dilation, groups):
    """Optional helper: im2col of x (N, C, H, W): an (N, G, Cg*KH*KW, OH*OW) contiguous array whose column p in group g
    holds the window of output pixel p, its rows ordered (channel, kernel row, kernel column) as in
    ``w[f].ravel()``. ``stride``, ``padding`` and ``dilation`` are (h, w) pairs."""
    ### BEGIN SOLUTION
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, H, W = x.shape
    OH, OW = _output_size(H, W, KH, KW, stride, padding, dilation)
    xpad = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)
    xpad[:, :, ph : ph + H, pw : pw + W] = x
    # Every window of the dilated kernel's extent, then keep every stride-th window (exactly OH of them:
    # the floor in the output size) and every dilation-th tap: a view (N, C, OH, OW, KH, KW), no copy yet.
    extent = (dh * (KH - 1) + 1, dw * (KW - 1) + 1)
    windows = sliding_window_view(xpad, extent, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    # The one copy: put the taps before the pixels so each group's block is a (Cg*KH*KW, OH*OW) matrix.
    return np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(N, groups, C // groups * KH * KW, OH * OW)
    ### END SOLUTION


def _col2im(dcols, H, W, stride, padding, dilation):
    """Optional helper: col2im, the adjoint of the im2col gather: add each window's gradient ``dcols``
    (N, C, KH, KW, OH, OW) onto the pixel of the (N, C, H, W) input it was read from, dropping the share that
    fell on padding. ``stride``, ``padding`` and ``dilation`` are (h, w) pairs."""
    ### BEGIN SOLUTION
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, KH, KW, OH, OW = dcols.shape
    dxpad = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=dcols.dtype)
    # One strided slice per kernel tap (KH*KW of them): tap (i, j) of every window reads the pixels
    # i*dh + sh*oh, j*dw + sw*ow, and within one tap no two windows read the same pixel.
    for i in range(KH):
        for j in range(KW):
            rows = slice(i * dh, i * dh + sh * (OH - 1) + 1, sh)
            columns = slice(j * dw, j * dw + sw * (OW - 1) + 1, sw)
            dxpad[:, :, rows, columns] += dcols[:, :, i, j]
    return np.ascontiguousarray(dxpad[:, :, ph : ph + H, pw : pw + W])
    ### END SOLUTION
