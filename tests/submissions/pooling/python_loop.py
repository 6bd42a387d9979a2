"""Correct, but the textbook loops: one Python iteration per (sample, channel, output cell), each a small window
reduction. The speed check must fail it by a wide margin."""

import _reference as ref
import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "speed"


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = ref._as_float_array(x, "x")
    N, C, H, W = x.shape
    (KH, KW), (sh, sw), (ph, pw), (dh, dw) = ref._window_arguments(kernel_size, stride, padding, dilation)
    OH = ref._output_size(H, KH, sh, ph, dh, ceil_mode, "height")
    OW = ref._output_size(W, KW, sw, pw, dw, ceil_mode, "width")
    out = np.empty((N, C, OH, OW), dtype=x.dtype)
    indices = np.empty((N, C, OH, OW), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            plane = x[n, c]
            for oh in range(OH):
                h0 = oh * sh - ph
                h1 = min(h0 + dh * (KH - 1) + 1, H)
                while h0 < 0:
                    h0 += dh
                for ow in range(OW):
                    w0 = ow * sw - pw
                    w1 = min(w0 + dw * (KW - 1) + 1, W)
                    while w0 < 0:
                        w0 += dw
                    best, at = -np.inf, h0 * W + w0
                    for h in range(h0, h1, dh):
                        for w in range(w0, w1, dw):
                            v = plane[h, w]
                            if v > best or v != v:
                                best, at = v, h * W + w
                    out[n, c, oh, ow] = best
                    indices[n, c, oh, ow] = at
    return out, indices


def max_pool2d_backward(dout, indices, input_shape):
    dout = ref._as_float_array(dout, "dout")
    N, C, H, W = ref._input_shape(input_shape)
    dx = np.zeros((N, C, H * W), dtype=dout.dtype)
    for n in range(N):
        for c in range(C):
            for g, k in zip(dout[n, c].ravel(), np.asarray(indices)[n, c].ravel()):
                dx[n, c, k] += g
    return dx.reshape(N, C, H, W)
