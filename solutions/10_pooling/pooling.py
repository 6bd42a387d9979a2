"""Kata 10: max pooling with indices, average pooling and adaptive average pooling, forward and backward, as
``torch.nn.functional.max_pool2d(..., return_indices=True)``, ``avg_pool2d`` and ``adaptive_avg_pool2d`` and
their autograd.

Every function works on (N, C, H, W) arrays, each channel of each image on its own. A window has a kernel size
``(KH, KW)``, a stride (None: the kernel size), a padding on *both* sides of each axis and, for max pooling only,
a dilation; each is an int or an ``(h, w)`` pair. Output window ``oh`` starts at padded row ``oh * sh``, that is
at input row ``oh * sh - ph``, and its taps are ``dh`` rows apart. The output size is

    OH = floor((H + 2*ph - dh*(KH - 1) - 1) / sh) + 1            (ceil instead of floor when ceil_mode)

and with ``ceil_mode`` a last window that would start in the bottom padding (``(OH - 1) * sh >= H + ph``) is
dropped; ``OW`` likewise. A padding larger than half the undilated kernel (``ph > KH // 2``) raises ValueError,
as does any size that leaves no window.

Inputs are float32 or float64 and results keep that dtype; indices are int64. Empty batches (N = 0) and zero
channels give empty results of the right shape. Inputs are never modified.
"""

import numpy as np


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max pooling with the argmax of each window, as ``torch.nn.functional.max_pool2d(..., return_indices=True)``.

    Padding acts as -inf: it is never the maximum. Each window's maximum is found by visiting its taps in
    row-major order and taking a tap when ``value > running_max or isnan(value)``: a tie goes to the first
    maximum, a NaN is the maximum, and with several NaNs the last one gives the index. A window whose input
    cells are all -inf gives -inf and the index of its first input cell.

    Args:
        x: (N, C, H, W) float32 or float64 array.
        kernel_size: int or (KH, KW).
        stride: int or (sh, sw), or None for ``kernel_size``.
        padding: int or (ph, pw), at most half the kernel: ``ph <= KH // 2``, ``pw <= KW // 2``.
        dilation: int or (dh, dw), the spacing between the taps of a window.
        ceil_mode: round the output size up instead of down (see the module docstring).

    Returns:
        out: (N, C, OH, OW) array of x's dtype, the maximum of each window.
        indices: (N, C, OH, OW) int64 array: the position ``h * W + w`` of each maximum in its (H, W) input plane.

    Raises:
        ValueError: for an x that is not 4-D, non-positive kernel sizes, strides or dilations, a negative or too
            large padding, or a kernel that leaves no window.
    """
    ### BEGIN SOLUTION
    x = _as_float_array(x, "x")
    N, C, H, W = x.shape
    (KH, KW), (sh, sw), (ph, pw), (dh, dw) = _window_arguments(kernel_size, stride, padding, dilation)
    OH = _output_size(H, KH, sh, ph, dh, ceil_mode, "height")
    OW = _output_size(W, KW, sw, pw, dw, ceil_mode, "width")
    xpad = _padded(x, ph, pw, (OH - 1) * sh + dh * (KH - 1) + 1, (OW - 1) * sw + dw * (KW - 1) + 1, -np.inf)
    # Each window's best tap so far, as its number i * KW + j in row-major window order. It starts at the
    # first tap at or after input row and column 0 (a start in the padding moves on by whole taps), the index
    # torch reports for a window of only -inf values.
    first_i = np.where(np.arange(OH) * sh < ph, -(-(ph - np.arange(OH) * sh) // dh), 0)
    first_j = np.where(np.arange(OW) * sw < pw, -(-(pw - np.arange(OW) * sw) // dw), 0)
    tap = np.empty((N, C, OH, OW), dtype=np.int32)
    tap[...] = first_i[:, None] * KW + first_j[None, :]
    out = np.full((N, C, OH, OW), -np.inf, dtype=x.dtype)
    # One pass per tap, in row-major window order, over every window at once: torch's update rule "take the
    # tap when value > running max or value is NaN". A masked copy (np.where, np.copyto(where=)) branches on
    # an unpredictable mask and is many times slower than arithmetic, hence tap += take * (t - tap), and the
    # running max as np.maximum, which keeps a NaN once it has seen one.
    for i in range(KH):
        for j in range(KW):
            # one strided read of the tap's values in every window, then only contiguous arithmetic
            values = np.ascontiguousarray(xpad[:, :, i * dh :: sh, j * dw :: sw][:, :, :OH, :OW])
            take = values > out
            take |= np.isnan(values)
            tap += take * (np.int32(i * KW + j) - tap)
            np.maximum(out, values, out=out)
    # tap (i, j) of window (oh, ow) reads input row oh * sh - ph + i * dh and column ow * sw - pw + j * dw
    i, j = np.divmod(tap, KW)
    rows = (np.arange(OH) * sh - ph)[:, None] + i * dh
    indices = rows.astype(np.int64) * W
    indices += (np.arange(OW) * sw - pw)[None, :] + j * dw
    return out, indices
    ### END SOLUTION


def max_pool2d_backward(dout, indices, input_shape):
    """Gradient of ``sum(out * dout)`` with respect to the input of ``max_pool2d``, as torch autograd.

    Each output's gradient goes to the input cell its index names; when several windows chose the same cell
    (overlapping windows), their gradients add up.

    Args:
        dout: (N, C, OH, OW) float32 or float64 array, the upstream gradient.
        indices: (N, C, OH, OW) int array, as returned by ``max_pool2d``: positions in [0, H * W).
        input_shape: (N, C, H, W), the shape of the forward's input.

    Returns:
        dx: (N, C, H, W) array of dout's dtype.

    Raises:
        ValueError: for shapes that do not agree, or an index outside [0, H * W).
    """
    ### BEGIN SOLUTION
    dout = _as_float_array(dout, "dout")
    indices = np.asarray(indices)
    N, C, H, W = _input_shape(input_shape)
    if indices.shape != dout.shape or dout.shape[:2] != (N, C):
        raise ValueError(f"dout {dout.shape} and indices {indices.shape} do not match input_shape {(N, C, H, W)}")
    if indices.size and (indices.min() < 0 or indices.max() >= H * W):
        raise ValueError(f"indices must lie in [0, {H * W}), the positions of an {H}x{W} plane")
    # Flat positions in the whole (N*C*H*W) input, then one weighted histogram: bincount adds the gradients
    # of windows that share a maximum.
    planes = np.arange(N * C, dtype=np.int64)[:, None] * (H * W)
    flat = (indices.reshape(N * C, dout.shape[2] * dout.shape[3]).astype(np.int64) + planes).ravel()
    dx = np.bincount(flat, weights=dout.ravel(), minlength=N * C * H * W)
    return dx.astype(dout.dtype, copy=False).reshape(N, C, H, W)
    ### END SOLUTION


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """Average pooling, as ``torch.nn.functional.avg_pool2d``.

    Each output is the sum of its window's input cells (padding counts as 0) divided by

    - ``divisor_override`` when it is given;
    - else, with ``count_include_pad``, the number of cells of the window inside the *padded* input: the
      whole kernel, except for a ceil_mode window that runs past the bottom or right padding;
    - else the number of the window's cells inside the input.

    Args:
        x: (N, C, H, W) float32 or float64 array.
        kernel_size: int or (KH, KW).
        stride: int or (sh, sw), or None for ``kernel_size``.
        padding: int or (ph, pw), at most half the kernel.
        ceil_mode: round the output size up instead of down.
        count_include_pad: whether the padding cells count in the divisor.
        divisor_override: a non-zero int to divide every window's sum by, or None.

    Returns:
        (N, C, OH, OW) array of x's dtype.

    Raises:
        ValueError: as ``max_pool2d``, and for ``divisor_override == 0``.
    """
    ### BEGIN SOLUTION
    x = _as_float_array(x, "x")
    N, C, H, W = x.shape
    (KH, KW), (sh, sw), (ph, pw), _ = _window_arguments(kernel_size, stride, padding, 1)
    OH = _output_size(H, KH, sh, ph, 1, ceil_mode, "height")
    OW = _output_size(W, KW, sw, pw, 1, ceil_mode, "width")
    divisor = _avg_divisor(H, W, (KH, KW), (sh, sw), (ph, pw), (OH, OW), count_include_pad, divisor_override)
    xpad = _padded(x, ph, pw, (OH - 1) * sh + KH, (OW - 1) * sw + KW, 0)
    total = np.zeros((N, C, OH, OW), dtype=x.dtype)
    for i in range(KH):  # one strided slice per tap: every window's tap (i, j) at once
        for j in range(KW):
            total += xpad[:, :, i : i + sh * (OH - 1) + 1 : sh, j : j + sw * (OW - 1) + 1 : sw]
    total /= divisor.astype(x.dtype)
    return total
    ### END SOLUTION


def avg_pool2d_backward(
    dout,
    input_shape,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """Gradient of ``sum(out * dout)`` with respect to the input of ``avg_pool2d``, as torch autograd.

    Every input cell of a window receives that window's ``dout`` divided by the window's divisor; cells that
    several windows cover add up their shares, and cells no window covers get 0.

    Args:
        dout: (N, C, OH, OW) float32 or float64 array, the upstream gradient.
        input_shape: (N, C, H, W), the shape of the forward's input.
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as in the forward.

    Returns:
        dx: (N, C, H, W) array of dout's dtype.

    Raises:
        ValueError: as ``avg_pool2d``, and when dout's shape is not the forward's output shape.
    """
    ### BEGIN SOLUTION
    dout = _as_float_array(dout, "dout")
    N, C, H, W = _input_shape(input_shape)
    (KH, KW), (sh, sw), (ph, pw), _ = _window_arguments(kernel_size, stride, padding, 1)
    OH = _output_size(H, KH, sh, ph, 1, ceil_mode, "height")
    OW = _output_size(W, KW, sw, pw, 1, ceil_mode, "width")
    if dout.shape != (N, C, OH, OW):
        raise ValueError(f"dout has shape {dout.shape}, expected the forward's output shape {(N, C, OH, OW)}")
    divisor = _avg_divisor(H, W, (KH, KW), (sh, sw), (ph, pw), (OH, OW), count_include_pad, divisor_override)
    share = dout / divisor.astype(dout.dtype)
    dxpad = np.zeros((N, C, max(H + 2 * ph, (OH - 1) * sh + KH), max(W + 2 * pw, (OW - 1) * sw + KW)), dout.dtype)
    for i in range(KH):  # the adjoint of the forward's tap slices: within one tap no two windows collide
        for j in range(KW):
            dxpad[:, :, i : i + sh * (OH - 1) + 1 : sh, j : j + sw * (OW - 1) + 1 : sw] += share
    return np.ascontiguousarray(dxpad[:, :, ph : ph + H, pw : pw + W])
    ### END SOLUTION


def adaptive_avg_pool2d(x, output_size):
    """Adaptive average pooling, as ``torch.nn.functional.adaptive_avg_pool2d``.

    Output row ``i`` averages input rows ``[floor(i * H / OH), ceil((i + 1) * H / OH))`` and output column
    ``j`` columns ``[floor(j * W / OW), ceil((j + 1) * W / OW))``: bins of unequal sizes that may overlap.

    Args:
        x: (N, C, H, W) float32 or float64 array, H and W at least 1.
        output_size: int or (OH, OW), each >= 0 (larger than the input is allowed: bins then repeat rows).

    Returns:
        (N, C, OH, OW) array of x's dtype.

    Raises:
        ValueError: for an x that is not 4-D, an empty plane, or a negative output size.
    """
    ### BEGIN SOLUTION
    x = _as_float_array(x, "x")
    N, C, H, W = x.shape
    OH, OW = _pair(output_size, "output_size")
    if OH < 0 or OW < 0 or H < 1 or W < 1:
        raise ValueError(f"output_size {(OH, OW)} must be >= 0 and the input plane {H}x{W} non-empty")
    (row_start, row_end), (col_start, col_end) = _adaptive_bins(H, OH), _adaptive_bins(W, OW)
    # The mean over a rectangle is separable: sum each bin's rows, then each bin's columns (a loop over bins,
    # not pixels: bins overlap, so no single reshape or reduceat covers them).
    rows = np.empty((N, C, OH, W), dtype=x.dtype)
    for i in range(OH):
        np.sum(x[:, :, row_start[i] : row_end[i], :], axis=2, out=rows[:, :, i, :])
    out = np.empty((N, C, OH, OW), dtype=x.dtype)
    for j in range(OW):
        np.sum(rows[:, :, :, col_start[j] : col_end[j]], axis=3, out=out[:, :, :, j])
    out /= ((row_end - row_start)[:, None] * (col_end - col_start)[None, :]).astype(x.dtype)
    return out
    ### END SOLUTION


def adaptive_avg_pool2d_backward(dout, input_shape):
    """Gradient of ``sum(out * dout)`` with respect to the input of ``adaptive_avg_pool2d``, as torch autograd.

    Every cell of bin (i, j) receives ``dout[..., i, j] / (bin height * bin width)``; overlapping bins add up.

    Args:
        dout: (N, C, OH, OW) float32 or float64 array; the output size is read from its shape.
        input_shape: (N, C, H, W), the shape of the forward's input.

    Returns:
        dx: (N, C, H, W) array of dout's dtype.
    """
    ### BEGIN SOLUTION
    dout = _as_float_array(dout, "dout")
    N, C, H, W = _input_shape(input_shape)
    if dout.shape[:2] != (N, C) or H < 1 or W < 1:
        raise ValueError(f"dout has shape {dout.shape}, which does not fit input_shape {(N, C, H, W)}")
    OH, OW = dout.shape[2:]
    (row_start, row_end), (col_start, col_end) = _adaptive_bins(H, OH), _adaptive_bins(W, OW)
    share = dout / ((row_end - row_start)[:, None] * (col_end - col_start)[None, :]).astype(dout.dtype)
    # The adjoint of the separable forward: spread each bin over its columns, then over its rows.
    cols = np.zeros((N, C, OH, W), dtype=dout.dtype)
    for j in range(OW):
        cols[:, :, :, col_start[j] : col_end[j]] += share[:, :, :, j : j + 1]
    dx = np.zeros((N, C, H, W), dtype=dout.dtype)
    for i in range(OH):
        dx[:, :, row_start[i] : row_end[i], :] += cols[:, :, i : i + 1, :]
    return dx
    ### END SOLUTION


def _pair(value, name):
    """Optional helper: ``(v, v)`` for an int ``v``, a pair of ints unchanged; ValueError naming ``name``
    for anything else."""
    ### BEGIN SOLUTION
    try:
        if np.ndim(value) == 0:
            pair = (value, value)
        else:
            pair = tuple(value)
        if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair):
            raise TypeError
    except TypeError:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}") from None
    return int(pair[0]), int(pair[1])
    ### END SOLUTION


def _window_arguments(kernel_size, stride, padding, dilation):
    """Optional helper: the four window arguments as (h, w) pairs, checked as torch checks them: kernel, stride
    and dilation positive, padding in [0, kernel // 2]."""
    ### BEGIN SOLUTION
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else _pair(stride, "stride")
    padding, dilation = _pair(padding, "padding"), _pair(dilation, "dilation")
    for name, value in (("kernel_size", kernel), ("stride", stride), ("dilation", dilation)):
        if min(value) < 1:
            raise ValueError(f"{name} must be positive, got {value}")
    if min(padding) < 0 or padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"padding {padding} must be >= 0 and at most half of kernel_size {kernel}")
    return kernel, stride, padding, dilation
    ### END SOLUTION


def _output_size(size, k, s, p, d, ceil_mode, axis):
    """Optional helper: the number of windows along one axis of ``size`` input cells (torch's rule, ceil_mode
    included); ValueError when there is none."""
    ### BEGIN SOLUTION
    span = size + 2 * p - d * (k - 1) - 1  # the room left for window starts in the padded axis
    count = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (count - 1) * s >= size + p:
        count -= 1  # the last window would start in the bottom/right padding: torch drops it
    if count < 1:
        raise ValueError(f"kernel_size {k} (dilation {d}, padding {p}) leaves no window along the {axis} of {size}")
    return count
    ### END SOLUTION


def _padded(x, ph, pw, rows, cols, fill):
    """Optional helper: x (N, C, H, W) in a new array filled with ``fill``, at offset (ph, pw), with at least
    ``rows`` x ``cols`` cells (more than ``H + 2 ph`` when ceil_mode windows run past the padding)."""
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    xpad = np.full((N, C, max(rows, H + 2 * ph), max(cols, W + 2 * pw)), fill, dtype=x.dtype)
    xpad[:, :, ph : ph + H, pw : pw + W] = x
    return xpad
    ### END SOLUTION


def _avg_divisor(H, W, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    """Optional helper: the (OH, OW) int64 divisors of ``avg_pool2d``'s windows, as torch computes them."""
    ### BEGIN SOLUTION
    if divisor_override is not None:
        if int(divisor_override) == 0:
            raise ValueError("divisor_override must not be zero")
        return np.full(out_size, int(divisor_override), dtype=np.int64)
    counts = []
    for size, k, s, p, n in zip((H, W), kernel, stride, padding, out_size):
        start = np.arange(n, dtype=np.int64) * s - p
        end = np.minimum(start + k, size + p)  # a ceil_mode window is cut at the end of the padding
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, size) - np.maximum(start, 0))
    return counts[0][:, None] * counts[1][None, :]
    ### END SOLUTION


def _adaptive_bins(size, n):
    """Optional helper: (start, end) int64 arrays of the ``n`` adaptive bins over ``size`` cells:
    ``start = floor(i * size / n)``, ``end = ceil((i + 1) * size / n)``."""
    ### BEGIN SOLUTION
    i = np.arange(n, dtype=np.int64)
    return (i * size) // n, -((-(i + 1) * size) // n)
    ### END SOLUTION


def _as_float_array(a, name):
    """Optional helper: ``a`` as a 4-D float array (float32 and float64 kept, anything else as float64)."""
    ### BEGIN SOLUTION
    a = np.asarray(a)
    if a.ndim != 4:
        raise ValueError(f"{name} must be a 4-D (N, C, H, W) array, got shape {a.shape}")
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    return a
    ### END SOLUTION


def _input_shape(input_shape):
    """Optional helper: ``input_shape`` as a tuple of four non-negative ints."""
    ### BEGIN SOLUTION
    try:
        shape = tuple(int(v) for v in input_shape)
    except TypeError:
        raise ValueError(f"input_shape must be (N, C, H, W), got {input_shape!r}") from None
    if len(shape) != 4 or min(shape) < 0:
        raise ValueError(f"input_shape must be (N, C, H, W), got {input_shape!r}")
    return shape
    ### END SOLUTION
