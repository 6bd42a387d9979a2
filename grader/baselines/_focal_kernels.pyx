# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Sigmoid focal loss and its gradient in one fused pass, as a production CPU kernel would write it.

Each element costs one exp and one log1p of -|x| and a handful of multiplications. In float32 the two
functions are the vectorisable ones of ``_vecmath.h`` and the loop body is branch-free, so the compiler
runs it on SIMD lanes; float64 uses libm. The loop works through the input in blocks small enough to stay
in L1, and sums each block's losses in float64 right after computing them (eight independent partial sums:
a single running sum would serialise the loop).
"""
from cython cimport floating
from libc.math cimport pow, powf

from grader.baselines._vecmath cimport fexp, flog1p_nonneg

cdef enum:
    BLOCK = 512


cdef inline floating _pow(floating x, floating y) noexcept nogil:
    if floating is float:
        return powf(x, y)
    else:
        return pow(x, y)


cdef inline void _block(const floating *x, const floating *t, Py_ssize_t n, floating c1, floating c0, bint weighted,
                 floating g, bint square, floating *loss, floating *grad, bint want_loss, bint want_grad) noexcept nogil:
    """Loss and/or gradient of n elements; the weight is c1 t + c0 (1 - t) (alpha_t) when ``weighted``."""
    cdef Py_ssize_t i
    # typed constants: a bare literal is a C double and would drag float32 arithmetic into float64
    cdef floating one = 1, zero = 0, two = 2
    cdef floating xi, ti, e, big, small, s, q, ce, m, mod, w, d
    for i in range(n):
        xi = x[i]
        ti = t[i]
        e = fexp(-xi if xi >= zero else xi)  # exp(-|x|), in (0, 1]: never overflows
        big = one / (one + e)                 # sigmoid(|x|)
        small = e * big                       # sigmoid(-|x|), without cancellation
        s = small if xi < zero else big       # p = sigmoid(x)
        q = big if xi < zero else small       # 1 - p
        # BCE with logits, softplus(x) - t x, without cancellation: x (1 - t) or -x t, plus log1p(e)
        ce = (xi * (one - ti) if xi >= zero else -xi * ti) + flog1p_nonneg(e)
        m = s * (one - ti) + q * ti           # 1 - p_t
        w = c1 * ti + c0 * (one - ti) if weighted else one
        if square:
            mod = m * m
        else:
            mod = _pow(m, g)
        if want_loss:
            loss[i] = w * ce * mod
        if want_grad:
            # d/dx [ce m^g] = (p - t) m^g + g ce m^(g-1) p (1 - p) (1 - 2t), with p - t written as
            # p (1 - t) - (1 - p) t: exact where p rounds to t
            d = (s * (one - ti) - q * ti) * mod
            if square:
                d = d + two * ce * m * (s * q) * (one - ti - ti)
            else:
                if m > zero:  # m^(g-1) as m^g / m: finite where autograd's 0 ** (g - 1) is not
                    d = d + g * ce * mod * (s * q / m) * (one - ti - ti)
            grad[i] = w * d


def focal(const floating[::1] x, const floating[::1] t, double alpha, double gamma, floating[::1] loss, floating[::1] grad,
          bint want_loss, bint want_grad):
    """Fill ``loss`` and/or ``grad`` (flat, x's dtype) elementwise; return the float64 sum of the loss."""
    cdef Py_ssize_t n = x.shape[0], start, size, i, j
    cdef bint weighted = alpha >= 0
    cdef floating c1 = <floating>alpha, g = <floating>gamma
    cdef floating c0 = <floating>1 - c1
    cdef bint square = gamma == 2
    cdef double sums[8]
    cdef floating *lp = &loss[0] if loss.shape[0] else NULL
    cdef floating *gp = &grad[0] if grad.shape[0] else NULL
    for j in range(8):
        sums[j] = 0
    if n == 0:
        return 0.0
    with nogil:
        start = 0
        while start < n:
            size = n - start if n - start < BLOCK else BLOCK
            # the common case (gamma 2, alpha weighting) through constant flags, so that each inlined copy
            # of the loop is free of tests
            if square and weighted and want_loss and want_grad:
                _block(&x[start], &t[start], size, c1, c0, True, g, True, lp + start, gp + start, True, True)
            elif square and weighted and want_loss:
                _block(&x[start], &t[start], size, c1, c0, True, g, True, lp + start, NULL, True, False)
            elif square and weighted:
                _block(&x[start], &t[start], size, c1, c0, True, g, True, NULL, gp + start, False, True)
            else:
                _block(&x[start], &t[start], size, c1, c0, weighted, g, square,
                       lp + start if want_loss else NULL, gp + start if want_grad else NULL, want_loss, want_grad)
            if want_loss:
                i = start
                while i + 8 <= start + size:
                    for j in range(8):
                        sums[j] += lp[i + j]
                    i += 8
                while i < start + size:
                    sums[0] += lp[i]
                    i += 1
            start += size
    return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]))
