# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Anchor grids and box-delta coding as a C++ kernel would write them: one pass over the boxes, no
temporaries, arithmetic in the boxes' own precision (``floating`` is float or double).

The coding loops are branch-free, and in float32 their exp and log are the vectorisable versions of
``_vecmath.h`` (within 2 ulp), so the compiler runs four or eight boxes per instruction; float64 uses libm.
"""
from cython cimport floating
from grader.baselines._vecmath cimport fexp, flog


def grid(const floating[:, ::1] cells, Py_ssize_t height, Py_ssize_t width, double stride, double offset,
         floating[:, ::1] out):
    """Fill ``out`` (H*W*A, 4): rows (y) outer, then columns (x), then the A cell anchors. The shifts
    ``(i + offset) * stride`` are rounded to the dtype once, then added to the cell anchors in the dtype."""
    cdef Py_ssize_t a = cells.shape[0], i, j, k, row = 0
    cdef floating sx, sy
    with nogil:
        for i in range(height):
            sy = <floating>((i + offset) * stride)
            for j in range(width):
                sx = <floating>((j + offset) * stride)
                for k in range(a):
                    out[row, 0] = sx + cells[k, 0]
                    out[row, 1] = sy + cells[k, 1]
                    out[row, 2] = sx + cells[k, 2]
                    out[row, 3] = sy + cells[k, 3]
                    row += 1


def encode(const floating[:, ::1] anchors, const floating[:, ::1] boxes, double wx, double wy, double ww,
           double wh, floating[:, ::1] out):
    """Fill ``out`` (N, 4) with the deltas (dx, dy, dw, dh) that take each anchor onto its box."""
    cdef Py_ssize_t n = anchors.shape[0], i
    cdef floating half = 0.5
    cdef floating fx = <floating>wx, fy = <floating>wy, fw = <floating>ww, fh = <floating>wh
    cdef floating aw, ah, acx, acy, gw, gh, gcx, gcy
    cdef const floating *a
    cdef const floating *b
    cdef floating *o
    if n == 0:
        return
    a = &anchors[0, 0]
    b = &boxes[0, 0]
    o = &out[0, 0]
    with nogil:
        for i in range(n):
            aw = a[4 * i + 2] - a[4 * i]
            ah = a[4 * i + 3] - a[4 * i + 1]
            acx = a[4 * i] + half * aw
            acy = a[4 * i + 1] + half * ah
            gw = b[4 * i + 2] - b[4 * i]
            gh = b[4 * i + 3] - b[4 * i + 1]
            gcx = b[4 * i] + half * gw
            gcy = b[4 * i + 1] + half * gh
            o[4 * i] = fx * (gcx - acx) / aw
            o[4 * i + 1] = fy * (gcy - acy) / ah
            o[4 * i + 2] = fw * flog(gw / aw)
            o[4 * i + 3] = fh * flog(gh / ah)


def decode(const floating[:, ::1] anchors, const floating[:, ::1] deltas, double wx, double wy, double ww,
           double wh, double scale_clamp, floating[:, ::1] out):
    """Fill ``out`` (N, 4) with the boxes the deltas describe; dw and dh are clamped from above after the
    weights (a NaN passes through, as with torch.clamp(max=))."""
    cdef Py_ssize_t n = anchors.shape[0], i
    cdef floating half = 0.5
    cdef floating fx = <floating>wx, fy = <floating>wy, fw = <floating>ww, fh = <floating>wh
    cdef floating clamp = <floating>scale_clamp
    cdef floating aw, ah, acx, acy, dx, dy, dw, dh, cx, cy, half_w, half_h
    cdef const floating *a
    cdef const floating *d
    cdef floating *o
    if n == 0:
        return
    a = &anchors[0, 0]
    d = &deltas[0, 0]
    o = &out[0, 0]
    with nogil:
        for i in range(n):
            aw = a[4 * i + 2] - a[4 * i]
            ah = a[4 * i + 3] - a[4 * i + 1]
            acx = a[4 * i] + half * aw
            acy = a[4 * i + 1] + half * ah
            dx = d[4 * i] / fx
            dy = d[4 * i + 1] / fy
            dw = d[4 * i + 2] / fw
            dh = d[4 * i + 3] / fh
            dw = clamp if dw > clamp else dw
            dh = clamp if dh > clamp else dh
            cx = dx * aw + acx
            cy = dy * ah + acy
            half_w = half * (fexp(dw) * aw)
            half_h = half * (fexp(dh) * ah)
            o[4 * i] = cx - half_w
            o[4 * i + 1] = cy - half_h
            o[4 * i + 2] = cx + half_w
            o[4 * i + 3] = cy + half_h
