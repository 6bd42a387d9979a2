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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _pair(value):
    """Optional helper: ``(v, v)`` for an int ``v``; a pair of ints unchanged."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _output_size(H, W, KH, KW, stride, padding, dilation):
    """Optional helper: (OH, OW), how many windows of the dilated kernel fit along each padded axis, at the
    given stride. ``stride``, ``padding`` and ``dilation`` are (h, w) pairs; raises ValueError when none fits."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _im2col(x, KH, KW, stride, padding, dilation, groups):
    """Optional helper: im2col of x (N, C, H, W): an (N, G, Cg*KH*KW, OH*OW) contiguous array whose column p in group g
    holds the window of output pixel p, its rows ordered (channel, kernel row, kernel column) as in
    ``w[f].ravel()``. ``stride``, ``padding`` and ``dilation`` are (h, w) pairs."""
    # YOUR CODE HERE
    raise NotImplementedError()


def _col2im(dcols, H, W, stride, padding, dilation):
    """Optional helper: col2im, the adjoint of the im2col gather: add each window's gradient ``dcols``
    (N, C, KH, KW, OH, OW) onto the pixel of the (N, C, H, W) input it was read from, dropping the share that
    fell on padding. ``stride``, ``padding`` and ``dilation`` are (h, w) pairs."""
    # YOUR CODE HERE
    raise NotImplementedError()
