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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def adaptive_avg_pool2d_backward(dout, input_shape):
    """Gradient of ``sum(out * dout)`` with respect to the input of ``adaptive_avg_pool2d``, as torch autograd.

    Every cell of bin (i, j) receives ``dout[..., i, j] / (bin height * bin width)``; overlapping bins add up.

    Args:
        dout: (N, C, OH, OW) float32 or float64 array; the output size is read from its shape.
        input_shape: (N, C, H, W), the shape of the forward's input.

    Returns:
        dx: (N, C, H, W) array of dout's dtype.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def _pair(value, name):
    """Optional helper: ``(v, v)`` for an int ``v``, a pair of ints unchanged; ValueError naming ``name``
    for anything else."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _window_arguments(kernel_size, stride, padding, dilation):
    """Optional helper: the four window arguments as (h, w) pairs, checked as torch checks them: kernel, stride
    and dilation positive, padding in [0, kernel // 2]."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _output_size(size, k, s, p, d, ceil_mode, axis):
    """Optional helper: the number of windows along one axis of ``size`` input cells (torch's rule, ceil_mode
    included); ValueError when there is none."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _padded(x, ph, pw, rows, cols, fill):
    """Optional helper: x (N, C, H, W) in a new array filled with ``fill``, at offset (ph, pw), with at least
    ``rows`` x ``cols`` cells (more than ``H + 2 ph`` when ceil_mode windows run past the padding)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _avg_divisor(H, W, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    """Optional helper: the (OH, OW) int64 divisors of ``avg_pool2d``'s windows, as torch computes them."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _adaptive_bins(size, n):
    """Optional helper: (start, end) int64 arrays of the ``n`` adaptive bins over ``size`` cells:
    ``start = floor(i * size / n)``, ``end = ceil((i + 1) * size / n)``."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _as_float_array(a, name):
    """Optional helper: ``a`` as a 4-D float array (float32 and float64 kept, anything else as float64)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _input_shape(input_shape):
    """Optional helper: ``input_shape`` as a tuple of four non-negative ints."""
    # YOUR CODE HERE
    raise NotImplementedError()
