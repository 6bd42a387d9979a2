# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The conv2d baseline's kernels: Winograd F(2x2, 3x3)'s transforms (written in ``_winograd.h``), and im2col
and col2im for one image, as Caffe's and PyTorch's CPU "slow" convolution write them.

Row ``(c * KH + i) * KW + j`` of the column buffer holds kernel tap ``(i, j)`` of input channel ``c`` for
every output pixel ``(oh - oh0) * OW + ow`` of the band of output rows ``oh0 <= oh < oh1`` (the row index is the
flat index of ``w[f, c, i, j]``, so it is right for non-square kernels). Working on a band keeps the buffer in
the core's L2 cache between its writing and the matrix products that read it. Zero padding is never
materialised: the range of output columns whose tap lands inside the image is computed once per row, so the
inner loops carry no bounds test.
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


cdef check_band(Py_ssize_t rows, Py_ssize_t cols_width, Py_ssize_t C, Py_ssize_t KH, Py_ssize_t KW,
                Py_ssize_t OH, Py_ssize_t OW, Py_ssize_t oh0, Py_ssize_t oh1):
    """The kernels run without bounds checks: refuse a buffer that does not match the band."""
    if not 0 <= oh0 <= oh1 <= OH or rows != C * KH * KW or cols_width != (oh1 - oh0) * OW:
        raise ValueError(f"column buffer ({rows}, {cols_width}) does not fit rows [{oh0}, {oh1}) of "
                         f"{OH}x{OW} outputs with {C}x{KH}x{KW} taps")


def im2col(floating[:, :, ::1] x, floating[:, ::1] cols, Py_ssize_t KH, Py_ssize_t KW,
           Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw, Py_ssize_t dh, Py_ssize_t dw,
           Py_ssize_t OH, Py_ssize_t OW, Py_ssize_t oh0, Py_ssize_t oh1):
    """Fill ``cols`` (C*KH*KW, (oh1-oh0)*OW) from one image ``x`` (C, H, W) for output rows [oh0, oh1);
    padded taps get 0."""
    cdef Py_ssize_t C = x.shape[0], H = x.shape[1], W = x.shape[2]
    cdef Py_ssize_t c, i, j, oh, ow, row, ih, iw0, oh_lo, oh_hi, ow_lo, ow_hi
    cdef floating *dst
    cdef const floating *src
    check_band(cols.shape[0], cols.shape[1], C, KH, KW, OH, OW, oh0, oh1)
    with nogil:
        for c in range(C):
            for i in range(KH):
                valid_range(i * dh - ph, sh, H, OH, &oh_lo, &oh_hi)
                for j in range(KW):
                    row = (c * KH + i) * KW + j
                    iw0 = j * dw - pw
                    valid_range(iw0, sw, W, OW, &ow_lo, &ow_hi)
                    for oh in range(oh0, oh1):
                        dst = &cols[row, (oh - oh0) * OW]
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
           Py_ssize_t OH, Py_ssize_t OW, Py_ssize_t oh0, Py_ssize_t oh1):
    """Add ``cols`` (C*KH*KW, (oh1-oh0)*OW), output rows [oh0, oh1), onto one image's gradient ``dx``
    (C, H, W), which the caller zeroes: the adjoint of :func:`im2col` (taps in the padding are dropped)."""
    cdef Py_ssize_t C = dx.shape[0], H = dx.shape[1], W = dx.shape[2]
    cdef Py_ssize_t c, i, j, oh, ow, row, ih, iw0, oh_lo, oh_hi, ow_lo, ow_hi
    cdef const floating *src
    cdef floating *dst
    check_band(cols.shape[0], cols.shape[1], C, KH, KW, OH, OW, oh0, oh1)
    with nogil:
        for c in range(C):
            for i in range(KH):
                valid_range(i * dh - ph, sh, H, OH, &oh_lo, &oh_hi)
                if oh_lo < oh0:
                    oh_lo = oh0
                if oh_hi > oh1:
                    oh_hi = oh1
                for j in range(KW):
                    row = (c * KH + i) * KW + j
                    iw0 = j * dw - pw
                    valid_range(iw0, sw, W, OW, &ow_lo, &ow_hi)
                    for oh in range(oh_lo, oh_hi):
                        ih = oh * sh + i * dh - ph
                        src = &cols[row, (oh - oh0) * OW]
                        dst = &dx[c, ih, 0]
                        if sw == 1:
                            for ow in range(ow_lo, ow_hi):
                                dst[ow + iw0] += src[ow]
                        else:
                            for ow in range(ow_lo, ow_hi):
                                dst[ow * sw + iw0] += src[ow]


# --- Winograd F(2x2, 3x3): the transforms are in _winograd.h ---------------------------------------------

cdef extern from "_winograd.h" nogil:
    void winograd_input_f32(const float *xp, Py_ssize_t C, Py_ssize_t HP, Py_ssize_t WP, Py_ssize_t ty0,
                            Py_ssize_t ty1, Py_ssize_t TW, float *v, float *rows)
    void winograd_input_f64(const double *xp, Py_ssize_t C, Py_ssize_t HP, Py_ssize_t WP, Py_ssize_t ty0,
                            Py_ssize_t ty1, Py_ssize_t TW, double *v, double *rows)
    void winograd_output_f32(const float *m, Py_ssize_t F, Py_ssize_t ty0, Py_ssize_t ty1, Py_ssize_t TW,
                             float *out, Py_ssize_t OH, Py_ssize_t OW, const float *bias, float *cols)
    void winograd_output_f64(const double *m, Py_ssize_t F, Py_ssize_t ty0, Py_ssize_t ty1, Py_ssize_t TW,
                             double *out, Py_ssize_t OH, Py_ssize_t OW, const double *bias, double *cols)
    void winograd_grad_f32(const float *dy, Py_ssize_t F, Py_ssize_t OH, Py_ssize_t OW, Py_ssize_t ty0,
                           Py_ssize_t ty1, Py_ssize_t TW, float *z, float *rows)
    void winograd_grad_f64(const double *dy, Py_ssize_t F, Py_ssize_t OH, Py_ssize_t OW, Py_ssize_t ty0,
                           Py_ssize_t ty1, Py_ssize_t TW, double *z, double *rows)


def winograd_input(const floating[:, :, ::1] xp, floating[:, :, ::1] v, Py_ssize_t ty0, Py_ssize_t ty1,
                   Py_ssize_t TW):
    """``v[4*r + s, c, t] = (B^T d B)[r, s]`` for tile ``t`` of the tile rows [ty0, ty1), whose 4x4 patch is
    ``d = xp[c, 2ty:2ty+4, 2tx:2tx+4]``; ``xp`` (C, HP, WP) is the zero-padded image, ``v`` (16, C, nt)."""
    cdef Py_ssize_t C = xp.shape[0], nt = (ty1 - ty0) * TW
    if not 0 <= ty0 < ty1 or TW < 1 or xp.shape[1] < 2 * ty1 + 2 or xp.shape[2] < 2 * TW + 2 \
            or v.shape[0] != 16 or v.shape[1] != C or v.shape[2] != nt:
        raise ValueError("winograd_input: buffer shapes do not match the tiles")
    import numpy as np
    cdef floating[::1] rows = np.empty((2 * (ty1 - ty0) + 2) * 4 * TW,
                                       dtype=np.float32 if floating is float else np.float64)
    with nogil:
        if floating is float:
            winograd_input_f32(&xp[0, 0, 0], C, xp.shape[1], xp.shape[2], ty0, ty1, TW, &v[0, 0, 0], &rows[0])
        else:
            winograd_input_f64(&xp[0, 0, 0], C, xp.shape[1], xp.shape[2], ty0, ty1, TW, &v[0, 0, 0], &rows[0])


def winograd_output(const floating[:, :, ::1] m, floating[:, :, ::1] out, Py_ssize_t ty0, Py_ssize_t ty1,
                    Py_ssize_t TW, const floating[::1] bias=None):
    """``out[f, 2ty+a, 2tx+b] = (A^T M A)[a, b] + bias[f]`` with ``M[r, s] = m[4*r + s, f, t]`` for the tiles
    ``t`` of the tile rows [ty0, ty1), where inside ``out`` (F, OH, OW); ``m`` is (16, F, nt)."""
    cdef Py_ssize_t F = out.shape[0], OH = out.shape[1], OW = out.shape[2]
    cdef const floating *b = NULL
    if not 0 <= ty0 < ty1 or 2 * ty0 >= OH or TW != (OW + 1) // 2 or m.shape[0] != 16 or m.shape[1] != F \
            or m.shape[2] != (ty1 - ty0) * TW or (bias is not None and bias.shape[0] != F):
        raise ValueError("winograd_output: buffer shapes do not match the tiles")
    if bias is not None:
        b = &bias[0]
    import numpy as np
    cdef floating[::1] cols = np.empty(8 * TW, dtype=np.float32 if floating is float else np.float64)
    with nogil:
        if floating is float:
            winograd_output_f32(&m[0, 0, 0], F, ty0, ty1, TW, &out[0, 0, 0], OH, OW, b, &cols[0])
        else:
            winograd_output_f64(&m[0, 0, 0], F, ty0, ty1, TW, &out[0, 0, 0], OH, OW, b, &cols[0])


def winograd_grad(const floating[:, :, ::1] dy, floating[:, :, ::1] z, Py_ssize_t ty0, Py_ssize_t ty1,
                  Py_ssize_t TW):
    """``z[4*r + s, f, t] = (A dY A^T)[r, s]`` for the 2x2 block ``dY`` of the output gradient ``dy``
    (F, OH, OW) under tile ``t`` of the tile rows [ty0, ty1) (zero outside ``dy``); ``z`` is (16, F, nt)."""
    cdef Py_ssize_t F = dy.shape[0], OH = dy.shape[1], OW = dy.shape[2]
    if not 0 <= ty0 < ty1 or 2 * ty0 >= OH or TW != (OW + 1) // 2 or z.shape[0] != 16 or z.shape[1] != F \
            or z.shape[2] != (ty1 - ty0) * TW:
        raise ValueError("winograd_grad: buffer shapes do not match the tiles")
    import numpy as np
    cdef floating[::1] rows = np.empty(8 * TW, dtype=np.float32 if floating is float else np.float64)
    with nogil:
        if floating is float:
            winograd_grad_f32(&dy[0, 0, 0], F, OH, OW, ty0, ty1, TW, &z[0, 0, 0], &rows[0])
        else:
            winograd_grad_f64(&dy[0, 0, 0], F, OH, OW, ty0, ty1, TW, &z[0, 0, 0], &rows[0])
