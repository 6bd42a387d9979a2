# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Pairwise IoU / GIoU as a C++ kernel would write them: one pass over the (N, M) pairs, no temporaries.

The second set of boxes is laid out column by column with its areas precomputed, and the inner loop is
free of branches, so the compiler vectorises it. Arithmetic happens in the boxes' own precision
(``floating`` is float or double), in torchvision's order: area1 + area2 - inter, then inter / union.
"""
from cython cimport floating


cdef inline floating fmax0(floating a) noexcept nogil:
    return a if a > 0 else 0


cdef inline floating safe_ratio(floating num, floating den) noexcept nogil:
    """num / den, or 0 where den <= 0. The division happens unconditionally (by 1 where den <= 0) so
    that the compiler may turn the selects into vector blends."""
    cdef floating positive = den > 0
    cdef floating q = num / (den * positive + (1 - positive))
    return q * positive


def pairwise_iou(floating[:, ::1] boxes1, floating[:, ::1] columns2, floating[:, ::1] out, bint generalized):
    """Fill ``out`` (N, M) with the IoU (or GIoU) of ``boxes1`` (N, 4) against ``columns2`` (5, M).

    ``columns2`` holds x1, y1, x2, y2 and the area of the second set of boxes, one row each.
    """
    cdef Py_ssize_t n = boxes1.shape[0], m = columns2.shape[1], i, j
    cdef floating ax1, ay1, ax2, ay2, area_a, inter, union, enclosing, iou
    cdef floating[::1] bx1 = columns2[0], by1 = columns2[1], bx2 = columns2[2], by2 = columns2[3], barea = columns2[4]
    cdef floating[::1] row
    with nogil:
        for i in range(n):
            ax1 = boxes1[i, 0]
            ay1 = boxes1[i, 1]
            ax2 = boxes1[i, 2]
            ay2 = boxes1[i, 3]
            area_a = (ax2 - ax1) * (ay2 - ay1)
            row = out[i]
            if not generalized:
                for j in range(m):
                    inter = fmax0((ax2 if ax2 < bx2[j] else bx2[j]) - (ax1 if ax1 > bx1[j] else bx1[j])) * \
                            fmax0((ay2 if ay2 < by2[j] else by2[j]) - (ay1 if ay1 > by1[j] else by1[j]))
                    union = area_a + barea[j] - inter
                    row[j] = safe_ratio(inter, union)
            else:
                for j in range(m):
                    inter = fmax0((ax2 if ax2 < bx2[j] else bx2[j]) - (ax1 if ax1 > bx1[j] else bx1[j])) * \
                            fmax0((ay2 if ay2 < by2[j] else by2[j]) - (ay1 if ay1 > by1[j] else by1[j]))
                    union = area_a + barea[j] - inter
                    iou = safe_ratio(inter, union)
                    enclosing = fmax0((ax2 if ax2 > bx2[j] else bx2[j]) - (ax1 if ax1 < bx1[j] else bx1[j])) * \
                                fmax0((ay2 if ay2 > by2[j] else by2[j]) - (ay1 if ay1 < by1[j] else by1[j]))
                    # where the enclosing box is empty both boxes are the same point: GIoU 0
                    row[j] = (iou - safe_ratio(enclosing - union, enclosing)) * (enclosing > 0)
