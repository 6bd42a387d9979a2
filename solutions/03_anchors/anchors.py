"""Kata 03: anchor generation and box-delta coding, with detectron2's semantics.

An anchor generator places a few reference boxes (the *cell anchors*: several sizes and aspect ratios,
centred on the origin) at every location of a feature map; the region proposal network then predicts, for
every anchor, the deltas ``(dx, dy, dw, dh)`` that move and rescale it onto an object.

Conventions (as ``detectron2.modeling.anchor_generator.DefaultAnchorGenerator`` and
``detectron2.modeling.box_regression.Box2BoxTransform``):

* boxes are ``(x1, y1, x2, y2)`` in absolute, continuous pixel coordinates, width = ``x2 - x1`` (no "+1");
* an aspect ratio is height / width; cell anchors are ordered sizes outer, ratios inner, and not rounded;
* the anchors of a feature map are ordered rows (y) outer, then columns (x), then the cell anchors;
* ``encode_boxes`` and ``decode_boxes`` are exact inverses, except that ``decode_boxes`` clamps the
  (unweighted) ``dw`` and ``dh`` from above before ``exp``.

No Python loop over anchors or locations is needed.
"""

import math

import numpy as np

DEFAULT_SCALE_CLAMP = math.log(1000.0 / 16)


def cell_anchors(sizes, aspect_ratios) -> np.ndarray:
    """The anchors of one feature-map cell, centred on (0, 0).

    For a size ``s`` (the square root of the anchor's area) and a ratio ``a = h / w``:
    ``w = sqrt(s**2 / a)``, ``h = a * w`` and the anchor is ``(-w/2, -h/2, w/2, h/2)``. No rounding.

    Args:
        sizes: sequence of S positive floats, anchor sizes in pixels of the input image.
        aspect_ratios: sequence of R positive floats, height / width.

    Returns:
        (S * R, 4) float64 array. Row ``i * R + j`` is size ``i`` with ratio ``j`` (sizes outer).
    """
    ### BEGIN SOLUTION
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    widths = np.sqrt(sizes[:, None] ** 2 / ratios[None, :])  # (S, R): sizes outer, ratios inner
    heights = ratios[None, :] * widths
    half_w, half_h = widths.reshape(-1) / 2, heights.reshape(-1) / 2
    return np.stack([-half_w, -half_h, half_w, half_h], axis=1)
    ### END SOLUTION


def grid_anchors(cell_anchors: np.ndarray, feature_shape, stride: float, offset: float = 0.0) -> np.ndarray:
    """Every cell anchor placed at every location of an (H, W) feature map.

    Location ``(i, j)`` (row ``i``, column ``j``) sits at ``((j + offset) * stride, (i + offset) * stride)``
    in image pixels; each cell anchor is shifted there.

    Args:
        cell_anchors: (A, 4) float array of origin-centred anchors, as from :func:`cell_anchors`.
        feature_shape: ``(H, W)``, the feature map's height and width.
        stride: the feature map's stride in image pixels.
        offset: in [0, 1): where in its stride x stride patch a location sits (0: top-left corner,
            0.5: centre).

    Returns:
        (H * W * A, 4) array, dtype of ``cell_anchors``. Row ``(i * W + j) * A + k`` is cell anchor ``k``
        at row ``i``, column ``j``.
    """
    ### BEGIN SOLUTION
    cells = np.asarray(cell_anchors)
    dtype = np.result_type(cells, np.float32)
    cells = cells.astype(dtype, copy=False).reshape(-1, 4)
    height, width = (int(n) for n in feature_shape)
    shift_x = ((np.arange(width) + offset) * stride).astype(dtype)
    shift_y = ((np.arange(height) + offset) * stride).astype(dtype)
    out = np.empty((height, width, cells.shape[0], 4), dtype=dtype)
    out[..., 0::2] = shift_x[None, :, None, None] + cells[None, None, :, 0::2]
    out[..., 1::2] = shift_y[:, None, None, None] + cells[None, None, :, 1::2]
    return out.reshape(-1, 4)
    ### END SOLUTION


def encode_boxes(anchors: np.ndarray, boxes: np.ndarray, weights=(1.0, 1.0, 1.0, 1.0)) -> np.ndarray:
    """The regression targets (deltas) that take each anchor onto its box.

    With ``w = x2 - x1`` and centre ``cx = x1 + 0.5 * w`` for anchors (a) and boxes (g), and weights
    ``(wx, wy, ww, wh)``: ``dx = wx * (g_cx - a_cx) / a_w``, ``dy = wy * (g_cy - a_cy) / a_h``,
    ``dw = ww * log(g_w / a_w)``, ``dh = wh * log(g_h / a_h)``.

    Args:
        anchors: (N, 4) float array of ``(x1, y1, x2, y2)`` anchors (or proposals), positive sizes.
        boxes: (N, 4) float array of ``(x1, y1, x2, y2)`` target boxes, positive sizes; row ``i`` is
            matched to anchor ``i``.
        weights: four floats ``(wx, wy, ww, wh)`` scaling the deltas.

    Returns:
        (N, 4) array of ``(dx, dy, dw, dh)``, dtype ``np.result_type(anchors, boxes)``.
    """
    ### BEGIN SOLUTION
    anchors, boxes = _as_float_pair(anchors, boxes)
    wx, wy, ww, wh = (float(w) for w in weights)
    a_w, a_h, a_cx, a_cy = _sizes_and_centres(anchors)
    g_w, g_h, g_cx, g_cy = _sizes_and_centres(boxes)
    deltas = np.empty(anchors.shape, dtype=anchors.dtype)
    deltas[:, 0] = wx * (g_cx - a_cx) / a_w
    deltas[:, 1] = wy * (g_cy - a_cy) / a_h
    deltas[:, 2] = ww * np.log(g_w / a_w)
    deltas[:, 3] = wh * np.log(g_h / a_h)
    return deltas
    ### END SOLUTION


def decode_boxes(
    anchors: np.ndarray,
    deltas: np.ndarray,
    weights=(1.0, 1.0, 1.0, 1.0),
    scale_clamp: float = DEFAULT_SCALE_CLAMP,
) -> np.ndarray:
    """The boxes that the deltas describe relative to the anchors: the inverse of :func:`encode_boxes`.

    Each delta is first divided by its weight; then ``dw`` and ``dh`` are clamped to at most
    ``scale_clamp`` (so that ``exp`` cannot overflow); ``cx = dx * a_w + a_cx``, ``w = exp(dw) * a_w``
    (likewise for y and h), and the box is ``(cx - w/2, cy - h/2, cx + w/2, cy + h/2)``.

    Args:
        anchors: (N, 4) float array of ``(x1, y1, x2, y2)`` anchors.
        deltas: (N, 4) float array of ``(dx, dy, dw, dh)``.
        weights: four floats ``(wx, wy, ww, wh)``, as given to :func:`encode_boxes`.
        scale_clamp: upper bound on ``dw`` and ``dh`` after dividing by the weights; default
            ``log(1000 / 16)``, which limits a box to 62.5 times its anchor's width or height.

    Returns:
        (N, 4) array of ``(x1, y1, x2, y2)`` boxes, dtype ``np.result_type(anchors, deltas)``.
    """
    ### BEGIN SOLUTION
    anchors, deltas = _as_float_pair(anchors, deltas)
    wx, wy, ww, wh = (float(w) for w in weights)
    a_w, a_h, a_cx, a_cy = _sizes_and_centres(anchors)
    dx, dy = deltas[:, 0] / wx, deltas[:, 1] / wy
    # Only dw and dh go through exp, so only they are clamped, and only from above.
    dw = np.minimum(deltas[:, 2] / ww, scale_clamp)
    dh = np.minimum(deltas[:, 3] / wh, scale_clamp)
    cx, cy = dx * a_w + a_cx, dy * a_h + a_cy
    half_w, half_h = 0.5 * (np.exp(dw) * a_w), 0.5 * (np.exp(dh) * a_h)
    boxes = np.empty(anchors.shape, dtype=anchors.dtype)
    boxes[:, 0] = cx - half_w
    boxes[:, 1] = cy - half_h
    boxes[:, 2] = cx + half_w
    boxes[:, 3] = cy + half_h
    return boxes
    ### END SOLUTION


def _as_float_pair(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optional helper: both (N, 4) arrays in their common float dtype (float32 stays float32)."""
    ### BEGIN SOLUTION
    first, second = np.asarray(first), np.asarray(second)
    dtype = np.result_type(first, second, np.float32)
    return first.astype(dtype, copy=False).reshape(-1, 4), second.astype(dtype, copy=False).reshape(-1, 4)
    ### END SOLUTION


def _sizes_and_centres(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Optional helper: (widths, heights, centre x, centre y) of (N, 4) boxes, each (N,)."""
    ### BEGIN SOLUTION
    widths = boxes[:, 2] - boxes[:, 0]
    heights = boxes[:, 3] - boxes[:, 1]
    return widths, heights, boxes[:, 0] + 0.5 * widths, boxes[:, 1] + 0.5 * heights
    ### END SOLUTION
