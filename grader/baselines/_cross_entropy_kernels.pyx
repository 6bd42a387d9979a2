# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Softmax cross-entropy and its gradient in one fused pass per position, as a production CPU kernel would
write it.

For each position: the maximum logit over the classes, then one exp per class (stored in the gradient's
buffer when the gradient is wanted) summed into the softmax denominator, together with the label-smoothing
sum ``sum_c w[c] (max - x[c])`` (non-negative terms: no cancellation at large logits), then the gradient
written over the stored exps. In float32 the exp is the vectorisable one of ``_vecmath.h``.

Two layouts: (N, C) rows, where each loop runs along the contiguous classes (eight independent lanes for the
max and the sums, which the compiler turns into SIMD code), and (N, C, L) maps, where the class axis is
strided and each loop runs along a block of contiguous positions instead (one SIMD lane per position).
"""
from cython cimport floating
from libc.math cimport INFINITY, log, logf
from libc.stdint cimport int64_t

from grader.baselines._vecmath cimport fexp

cdef enum:
    BLOCK = 256  # positions per block in the (N, C, L) layout


cdef inline floating _log(floating x) noexcept nogil:
    if floating is float:
        return logf(x)
    else:
        return log(x)


cdef inline floating _max(floating a, floating b) noexcept nogil:
    return a if a > b else b


cdef void _row(const floating *x, Py_ssize_t C, int64_t y, const floating *w, floating W, floating e,
               floating g, floating *loss, floating *grad, bint smooth) noexcept nogil:
    """One position of the (N, C) layout: its loss into ``loss[0]`` (when not NULL), its gradient scaled by
    ``g`` into ``grad`` (when not NULL). ``y < 0`` marks an ignored position."""
    cdef Py_ssize_t c, j
    cdef floating zero = 0, one = 1
    cdef floating m, s, acc, v, lse, wy, a, b, ec
    cdef floating mm[8]
    cdef floating ss[8]
    cdef floating aa[8]
    cdef bint want_acc
    if y < 0:
        if loss != NULL:
            loss[0] = zero
        if grad != NULL:
            for c in range(C):
                grad[c] = zero
        return
    for j in range(8):
        mm[j] = -INFINITY
        ss[j] = zero
        aa[j] = zero
    c = 0
    while c + 8 <= C:
        for j in range(8):
            mm[j] = _max(mm[j], x[c + j])
        c += 8
    while c < C:
        mm[0] = _max(mm[0], x[c])
        c += 1
    m = _max(_max(_max(mm[0], mm[1]), _max(mm[2], mm[3])), _max(_max(mm[4], mm[5]), _max(mm[6], mm[7])))
    # exps (kept in the gradient's buffer) and their sum, and the smoothing sum of w[c] (m - x[c]) >= 0 when
    # the loss needs it, in one pass: four copies of the loop so that none tests anything inside
    want_acc = smooth and loss != NULL
    c = 0
    if grad != NULL and want_acc:
        while c + 8 <= C:
            for j in range(8):
                v = fexp(x[c + j] - m)
                grad[c + j] = v
                ss[j] += v
                aa[j] += w[c + j] * (m - x[c + j])
            c += 8
    elif grad != NULL:
        while c + 8 <= C:
            for j in range(8):
                v = fexp(x[c + j] - m)
                grad[c + j] = v
                ss[j] += v
            c += 8
    elif want_acc:
        while c + 8 <= C:
            for j in range(8):
                ss[j] += fexp(x[c + j] - m)
                aa[j] += w[c + j] * (m - x[c + j])
            c += 8
    else:
        while c + 8 <= C:
            for j in range(8):
                ss[j] += fexp(x[c + j] - m)
            c += 8
    while c < C:
        v = fexp(x[c] - m)
        if grad != NULL:
            grad[c] = v
        ss[0] += v
        if want_acc:
            aa[0] += w[c] * (m - x[c])
        c += 1
    s = ((ss[0] + ss[1]) + (ss[2] + ss[3])) + ((ss[4] + ss[5]) + (ss[6] + ss[7]))
    acc = ((aa[0] + aa[1]) + (aa[2] + aa[3])) + ((aa[4] + aa[5]) + (aa[6] + aa[7]))
    lse = _log(s)
    wy = w[y]
    ec = e / <floating>C
    if loss != NULL:
        loss[0] = (one - e) * wy * (lse + (m - x[y]))
        if smooth:
            loss[0] += ec * (W * lse + acc)
    if grad != NULL:
        a = g * ((one - e) * wy + ec * W) / s
        if smooth:
            b = g * ec
            for c in range(C):
                grad[c] = grad[c] * a - b * w[c]
        else:
            for c in range(C):
                grad[c] = grad[c] * a
        grad[y] -= g * (one - e) * wy


cdef void _block(const floating *x, Py_ssize_t C, Py_ssize_t L, Py_ssize_t P, const int64_t *y,
                 const floating *w, floating W, floating e, const floating *g, floating *loss, floating *grad,
                 bint smooth) noexcept nogil:
    """P <= BLOCK consecutive positions of one sample of the (N, C, L) layout: ``x[c * L + p]``, likewise
    ``grad``; ``y``, ``g`` and ``loss`` are indexed by p. Every inner loop runs along the positions."""
    cdef Py_ssize_t c, p
    cdef floating zero = 0, one = 1
    cdef floating m[BLOCK]
    cdef floating s[BLOCK]
    cdef floating acc[BLOCK]
    cdef floating a[BLOCK]
    cdef floating v, wc, ec = e / <floating>C, lse
    cdef int64_t yp
    for p in range(P):
        m[p] = -INFINITY
        s[p] = zero
        acc[p] = zero
    for c in range(C):
        for p in range(P):
            m[p] = _max(m[p], x[c * L + p])
    for c in range(C):
        wc = w[c]
        if grad != NULL:
            for p in range(P):
                v = fexp(x[c * L + p] - m[p])
                grad[c * L + p] = v
                s[p] += v
        else:
            for p in range(P):
                s[p] += fexp(x[c * L + p] - m[p])
        if smooth and loss != NULL:
            for p in range(P):
                acc[p] += wc * (m[p] - x[c * L + p])
    for p in range(P):
        yp = y[p]
        if yp < 0:
            if loss != NULL:
                loss[p] = zero
            a[p] = zero
            continue
        lse = _log(s[p])
        if loss != NULL:
            loss[p] = (one - e) * w[yp] * (lse + (m[p] - x[yp * L + p]))
            if smooth:
                loss[p] += ec * (W * lse + acc[p])
        if grad != NULL:
            a[p] = g[p] * ((one - e) * w[yp] + ec * W) / s[p]
    if grad != NULL:
        for c in range(C):
            wc = w[c]
            if smooth:
                for p in range(P):
                    grad[c * L + p] = grad[c * L + p] * a[p] - (g[p] * ec) * wc
            else:
                for p in range(P):
                    grad[c * L + p] = grad[c * L + p] * a[p]
        for p in range(P):
            yp = y[p]
            if yp >= 0:
                grad[yp * L + p] -= g[p] * (one - e) * w[yp]
            else:
                for c in range(C):
                    grad[c * L + p] = zero


def cross_entropy(const floating[:, :, ::1] x, const int64_t[:, ::1] y, const floating[::1] w, double e,
                  const floating[:, ::1] g, floating[:, ::1] loss, floating[:, :, ::1] grad,
                  bint want_loss, bint want_grad):
    """Fill ``loss`` (N, L) and/or ``grad`` (N, C, L) from logits ``x`` (N, C, L) and targets ``y`` (N, L),
    -1 where ignored; ``w`` (C,) holds the class weights (ones when there are none), ``g`` (N, L) the
    gradient's scale per position."""
    cdef Py_ssize_t N = x.shape[0], C = x.shape[1], L = x.shape[2], n, l, P
    cdef floating W = 0, ef = <floating>e
    cdef bint smooth = e > 0
    cdef Py_ssize_t c
    if N == 0 or L == 0 or C == 0:
        return
    for c in range(C):
        W += w[c]
    with nogil:
        if L == 1:
            for n in range(N):
                _row(&x[n, 0, 0], C, y[n, 0], &w[0], W, ef, g[n, 0] if want_grad else 0,
                     &loss[n, 0] if want_loss else NULL, &grad[n, 0, 0] if want_grad else NULL, smooth)
        else:
            for n in range(N):
                l = 0
                while l < L:
                    P = L - l if L - l < BLOCK else BLOCK
                    _block(&x[n, 0, l], C, L, P, &y[n, l], &w[0], W, ef, &g[n, l] if want_grad else NULL,
                           &loss[n, l] if want_loss else NULL, &grad[n, 0, l] if want_grad else NULL, smooth)
                    l += P
