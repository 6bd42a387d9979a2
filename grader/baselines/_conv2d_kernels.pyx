# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""im2col and col2im for one image, as Caffe's and PyTorch's CPU "slow" convolution write them.

Row ``(c * KH + i) * KW + j`` of the column buffer holds kernel tap ``(i, j)`` of input channel ``c`` for
every output pixel ``oh * OW + ow`` (the row index is the flat index of ``w[f, c, i, j]``, so it is right for
non-square kernels). Zero padding is never materialised: the range of output columns whose tap lands inside
the image is computed once per row, so the inner loops carry no bounds test.
"""
from cython cimport floating


cdef inline Py_ssize_t ceil_div(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """ceil(a / b) for b > 0 and any sign of a."""
    if a <= 0:
        return -((-a) // b)
    return (a + b - 1) // b


cdef inline void valid_range(Py_ssize_t offset, Py_ssize_t stride, Py_ssize_t size, Py_ssize_t n_out,
                             Py_ssize_t *lo, Py_ssize_t *hi) noexcept nogil:
    """[lo, hi): the output positions o with 0 <= o * stride + offset < size, clipped to [0, n_out)."""
    lo[0] = ceil_div(-offset, stride)
    if lo[0] < 0:
        lo[0] = 0
    hi[0] = ceil_div(size - offset, stride)
    if hi[0] > n_out:
        hi[0] = n_out
    if hi[0] < lo[0]:
        hi[0] = lo[0]


def im2col(floating[:, :, ::1] x, floating[:, ::1] cols, Py_ssize_t KH, Py_ssize_t KW,
           Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw, Py_ssize_t dh, Py_ssize_t dw,
           Py_ssize_t OH, Py_ssize_t OW):
    """Fill ``cols`` (C*KH*KW, OH*OW) from one image ``x`` (C, H, W); padded taps get 0."""
    cdef Py_ssize_t C = x.shape[0], H = x.shape[1], W = x.shape[2]
    cdef Py_ssize_t c, i, j, oh, ow, row, ih, iw0, oh_lo, oh_hi, ow_lo, ow_hi
    cdef floating *dst
    cdef const floating *src
    with nogil:
        for c in range(C):
            for i in range(KH):
                valid_range(i * dh - ph, sh, H, OH, &oh_lo, &oh_hi)
                for j in range(KW):
                    row = (c * KH + i) * KW + j
                    iw0 = j * dw - pw
                    valid_range(iw0, sw, W, OW, &ow_lo, &ow_hi)
                    for oh in range(OH):
                        dst = &cols[row, oh * OW]
                        if oh < oh_lo or oh >= oh_hi:
                            for ow in range(OW):
                                dst[ow] = 0
                            continue
                        ih = oh * sh + i * dh - ph
                        src = &x[c, ih, 0]
                        for ow in range(ow_lo):
                            dst[ow] = 0
                        if sw == 1:
                            for ow in range(ow_lo, ow_hi):
                                dst[ow] = src[ow + iw0]
                        else:
                            for ow in range(ow_lo, ow_hi):
                                dst[ow] = src[ow * sw + iw0]
                        for ow in range(ow_hi, OW):
                            dst[ow] = 0


def col2im(floating[:, ::1] cols, floating[:, :, ::1] dx, Py_ssize_t KH, Py_ssize_t KW,
           Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw, Py_ssize_t dh, Py_ssize_t dw,
           Py_ssize_t OH, Py_ssize_t OW):
    """Add ``cols`` (C*KH*KW, OH*OW) onto one image's gradient ``dx`` (C, H, W), which the caller zeroes:
    the adjoint of :func:`im2col` (taps in the padding are dropped)."""
    cdef Py_ssize_t C = dx.shape[0], H = dx.shape[1], W = dx.shape[2]
    cdef Py_ssize_t c, i, j, oh, ow, row, ih, iw0, oh_lo, oh_hi, ow_lo, ow_hi
    cdef const floating *src
    cdef floating *dst
    with nogil:
        for c in range(C):
            for i in range(KH):
                valid_range(i * dh - ph, sh, H, OH, &oh_lo, &oh_hi)
                for j in range(KW):
                    row = (c * KH + i) * KW + j
                    iw0 = j * dw - pw
                    valid_range(iw0, sw, W, OW, &ow_lo, &ow_hi)
                    for oh in range(oh_lo, oh_hi):
                        ih = oh * sh + i * dh - ph
                        src = &cols[row, oh * OW]
                        dst = &dx[c, ih, 0]
                        if sw == 1:
                            for ow in range(ow_lo, ow_hi):
                                dst[ow + iw0] += src[ow]
                        else:
                            for ow in range(ow_lo, ow_hi):
                                dst[ow * sw + iw0] += src[ow]
