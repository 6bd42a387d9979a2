/* Winograd F(2x2, 3x3) input and output transforms for the conv2d baseline (``_conv2d_kernels.pyx``).
 *
 * Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (2016): a 2x2 block of a 3x3
 * convolution's outputs is A^T [(G g G^T) * (B^T d B)] A for the 4x4 input patch d under it, with
 *   B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],   A^T = [[1, 1, 1, 0], [0, 1, -1, -1]].
 * Both transforms are separable: one 1-D pass along the rows, one down the columns. They are written in C
 * rather than Cython so that every pointer can be `restrict`: with Cython's memoryview pointers gcc must
 * assume the four destination streams alias the sources and leaves the loops scalar.
 *
 * The kernel gradient follows from the same identity: with M = U * V elementwise and y = A^T M A, the
 * gradient of U is the sum over tiles of (A dY A^T) * V, and that of the kernel g is G^T dU G.
 *
 * Layouts. A band is the tile rows [ty0, ty1) of one image, nt = (ty1 - ty0) * TW tiles, tile t of the band at
 * (ty0 + t / TW, t % TW). v (16, C, nt): entry 4*r + s of each tile's B^T d B. m (16, F, nt): likewise, the
 * products to be mapped back by A.
 */
#ifndef CVKATAS_WINOGRAD_H
#define CVKATAS_WINOGRAD_H

#include <stddef.h>

#define CVKATAS_WINOGRAD(T, SFX)                                                                              \
/* xp (C, HP, WP): the zero-padded image, HP >= 2*ty1 + 2, WP >= 2*TW + 2. rows: scratch of                   \
 * (2*(ty1-ty0) + 2) * 4 * TW values. Writes v (16, C, nt). */                                                \
static void winograd_input_##SFX(const T *restrict xp, ptrdiff_t C, ptrdiff_t HP, ptrdiff_t WP,               \
                                 ptrdiff_t ty0, ptrdiff_t ty1, ptrdiff_t TW, T *restrict v,                   \
                                 T *restrict rows)                                                            \
{                                                                                                             \
    const ptrdiff_t bh = ty1 - ty0, nt = bh * TW, plane = C * nt;                                             \
    for (ptrdiff_t c = 0; c < C; c++) {                                                                       \
        /* B^T along each padded row once: a row serves two tile rows */                                      \
        for (ptrdiff_t r = 0; r < 2 * bh + 2; r++) {                                                          \
            const T *restrict src = xp + (c * HP + 2 * ty0 + r) * WP;                                         \
            T *restrict row = rows + r * 4 * TW;                                                              \
            for (ptrdiff_t tx = 0; tx < TW; tx++) {                                                           \
                const T d0 = src[2 * tx], d1 = src[2 * tx + 1], d2 = src[2 * tx + 2], d3 = src[2 * tx + 3];   \
                row[tx] = d0 - d2;                                                                            \
                row[TW + tx] = d1 + d2;                                                                       \
                row[2 * TW + tx] = d2 - d1;                                                                   \
                row[3 * TW + tx] = d1 - d3;                                                                   \
            }                                                                                                 \
        }                                                                                                     \
        /* then B^T down the columns: patch rows 2ty .. 2ty+3 of the band */                                  \
        for (ptrdiff_t ty = 0; ty < bh; ty++) {                                                               \
            for (ptrdiff_t s = 0; s < 4; s++) {                                                               \
                const T *a = rows + (2 * ty * 4 + s) * TW, *b = a + 4 * TW, *e = b + 4 * TW, *f = e + 4 * TW; \
                T *v0 = v + s * plane + c * nt + ty * TW, *v1 = v0 + 4 * plane;                               \
                T *v2 = v1 + 4 * plane, *v3 = v2 + 4 * plane;                                                 \
                for (ptrdiff_t tx = 0; tx < TW; tx++) {                                                       \
                    v0[tx] = a[tx] - e[tx];                                                                   \
                    v1[tx] = b[tx] + e[tx];                                                                   \
                    v2[tx] = e[tx] - b[tx];                                                                   \
                    v3[tx] = b[tx] - f[tx];                                                                   \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }                                                                                                         \
}                                                                                                             \
                                                                                                              \
/* m (16, F, nt) of the band -> out (F, OH, OW), the outputs of tile rows [ty0, ty1) that lie inside it,      \
 * plus bias[f] (bias may be NULL). cols: scratch of 2 * 4 * TW values. */                                    \
static void winograd_output_##SFX(const T *restrict m, ptrdiff_t F, ptrdiff_t ty0, ptrdiff_t ty1,             \
                                  ptrdiff_t TW, T *restrict out, ptrdiff_t OH, ptrdiff_t OW,                  \
                                  const T *restrict bias, T *restrict cols)                                   \
{                                                                                                             \
    const ptrdiff_t nt = (ty1 - ty0) * TW, plane = F * nt, full = OW / 2;                                     \
    for (ptrdiff_t f = 0; f < F; f++) {                                                                       \
        const T add = bias ? bias[f] : (T)0;                                                                  \
        for (ptrdiff_t ty = 0; ty < ty1 - ty0; ty++) {                                                        \
            /* A^T down the columns: cols[a][s][tx] */                                                        \
            for (ptrdiff_t s = 0; s < 4; s++) {                                                               \
                const T *m0 = m + s * plane + f * nt + ty * TW, *m1 = m0 + 4 * plane;                         \
                const T *m2 = m1 + 4 * plane, *m3 = m2 + 4 * plane;                                           \
                T *c0 = cols + s * TW, *c1 = cols + (4 + s) * TW;                                             \
                for (ptrdiff_t tx = 0; tx < TW; tx++) {                                                       \
                    c0[tx] = m0[tx] + m1[tx] + m2[tx];                                                        \
                    c1[tx] = m1[tx] - m2[tx] - m3[tx];                                                        \
                }                                                                                             \
            }                                                                                                 \
            /* then A^T along the rows, two output rows per tile row */                                       \
            for (ptrdiff_t a = 0; a < 2; a++) {                                                               \
                const ptrdiff_t oh = 2 * (ty0 + ty) + a;                                                      \
                if (oh >= OH)                                                                                 \
                    break;                                                                                    \
                const T *k0 = cols + a * 4 * TW, *k1 = k0 + TW, *k2 = k1 + TW, *k3 = k2 + TW;                 \
                T *o = out + (f * OH + oh) * OW;                                                              \
                for (ptrdiff_t tx = 0; tx < full; tx++) {                                                     \
                    o[2 * tx] = k0[tx] + k1[tx] + k2[tx] + add;                                               \
                    o[2 * tx + 1] = k1[tx] - k2[tx] - k3[tx] + add;                                           \
                }                                                                                             \
                if (full < TW) /* odd width: the last tile's left column only */                              \
                    o[2 * full] = k0[full] + k1[full] + k2[full] + add;                                       \
            }                                                                                                 \
        }                                                                                                     \
    }                                                                                                         \
}                                                                                                             \
                                                                                                              \
/* The adjoint of winograd_output for the kernel gradient: dy (F, OH, OW), the output gradient ->             \
 * z (16, F, nt), entry 4*r + s of A dY A^T for each tile's 2x2 block dY (zero where outside dy).             \
 * rows: scratch of 2 * 4 * TW values. */                                                                     \
static void winograd_grad_##SFX(const T *restrict dy, ptrdiff_t F, ptrdiff_t OH, ptrdiff_t OW,                \
                                ptrdiff_t ty0, ptrdiff_t ty1, ptrdiff_t TW, T *restrict z, T *restrict rows)  \
{                                                                                                             \
    const ptrdiff_t nt = (ty1 - ty0) * TW, plane = F * nt, full = OW / 2;                                     \
    for (ptrdiff_t f = 0; f < F; f++) {                                                                       \
        for (ptrdiff_t ty = 0; ty < ty1 - ty0; ty++) {                                                        \
            /* A along the width of the tile row's two output rows: rows[a][s][tx] */                         \
            for (ptrdiff_t a = 0; a < 2; a++) {                                                               \
                const ptrdiff_t oh = 2 * (ty0 + ty) + a;                                                      \
                T *r0 = rows + a * 4 * TW, *r1 = r0 + TW, *r2 = r1 + TW, *r3 = r2 + TW;                       \
                if (oh >= OH) {                                                                               \
                    for (ptrdiff_t i = 0; i < 4 * TW; i++)                                                    \
                        r0[i] = 0;                                                                            \
                    continue;                                                                                 \
                }                                                                                             \
                const T *src = dy + (f * OH + oh) * OW;                                                       \
                for (ptrdiff_t tx = 0; tx < full; tx++) {                                                     \
                    const T y0 = src[2 * tx], y1 = src[2 * tx + 1];                                           \
                    r0[tx] = y0;                                                                              \
                    r1[tx] = y0 + y1;                                                                         \
                    r2[tx] = y0 - y1;                                                                         \
                    r3[tx] = -y1;                                                                             \
                }                                                                                             \
                if (full < TW) { /* odd width: the last tile's right column is outside */                     \
                    r0[full] = r1[full] = r2[full] = src[2 * full];                                           \
                    r3[full] = 0;                                                                             \
                }                                                                                             \
            }                                                                                                 \
            /* then A down the columns */                                                                     \
            for (ptrdiff_t s = 0; s < 4; s++) {                                                               \
                const T *p = rows + s * TW, *q = rows + (4 + s) * TW;                                         \
                T *z0 = z + s * plane + f * nt + ty * TW, *z1 = z0 + 4 * plane;                               \
                T *z2 = z1 + 4 * plane, *z3 = z2 + 4 * plane;                                                 \
                for (ptrdiff_t tx = 0; tx < TW; tx++) {                                                       \
                    z0[tx] = p[tx];                                                                           \
                    z1[tx] = p[tx] + q[tx];                                                                   \
                    z2[tx] = p[tx] - q[tx];                                                                   \
                    z3[tx] = -q[tx];                                                                          \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }                                                                                                         \
}

CVKATAS_WINOGRAD(float, f32)
CVKATAS_WINOGRAD(double, f64)

#undef CVKATAS_WINOGRAD

#endif
