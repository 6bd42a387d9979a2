# cython: language_level=3
"""The vectorisable float32 exp and logs of ``_vecmath.h``, and fused wrappers that pick them for float32
and libm for float64 (inlined: the kernels that cimport them pay no call)."""
from cython cimport floating
from libc.math cimport exp, log, log1p

cdef extern from "_vecmath.h" nogil:
    float vm_expf(float x)
    float vm_logf(float x)
    float vm_log1pf_nonneg(float x)


cdef inline floating fexp(floating x) noexcept nogil:
    if floating is float:
        return vm_expf(x)
    else:
        return exp(x)


cdef inline floating flog(floating x) noexcept nogil:
    if floating is float:
        return vm_logf(x)
    else:
        return log(x)


cdef inline floating flog1p_nonneg(floating x) noexcept nogil:
    """log(1 + x) for x >= 0."""
    if floating is float:
        return vm_log1pf_nonneg(x)
    else:
        return log1p(x)
