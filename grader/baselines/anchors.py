"""Baseline for kata 03: anchors and box-delta coding in numba, written as a C++ kernel would be, and the
speed workload (the anchors of a five-level FPN and the decoding of one image's RPN deltas)."""
from __future__ import annotations

import math

import numpy as np
from numba import njit

DEFAULT_SCALE_CLAMP = math.log(1000.0 / 16)


@njit(cache=True, nogil=True)
def _cell_kernel(sizes, ratios, out):
    r = ratios.shape[0]
    for i in range(sizes.shape[0]):
        area = sizes[i] * sizes[i]
        for j in range(r):
            w = math.sqrt(area / ratios[j])
            h = ratios[j] * w
            row = i * r + j
            out[row, 0] = -w / 2.0
            out[row, 1] = -h / 2.0
            out[row, 2] = w / 2.0
            out[row, 3] = h / 2.0


@njit(cache=True, nogil=True)
def _grid_kernel(cells, height, width, stride, offset, out):
    a = cells.shape[0]
    row = 0
    for i in range(height):
        sy = (i + offset) * stride
        for j in range(width):
            sx = (j + offset) * stride
            for k in range(a):
                out[row, 0] = sx + cells[k, 0]
                out[row, 1] = sy + cells[k, 1]
                out[row, 2] = sx + cells[k, 2]
                out[row, 3] = sy + cells[k, 3]
                row += 1


@njit(cache=True, nogil=True)
def _encode_kernel(anchors, boxes, wx, wy, ww, wh, out):
    for n in range(anchors.shape[0]):
        aw = anchors[n, 2] - anchors[n, 0]
        ah = anchors[n, 3] - anchors[n, 1]
        acx = anchors[n, 0] + 0.5 * aw
        acy = anchors[n, 1] + 0.5 * ah
        gw = boxes[n, 2] - boxes[n, 0]
        gh = boxes[n, 3] - boxes[n, 1]
        gcx = boxes[n, 0] + 0.5 * gw
        gcy = boxes[n, 1] + 0.5 * gh
        out[n, 0] = wx * (gcx - acx) / aw
        out[n, 1] = wy * (gcy - acy) / ah
        out[n, 2] = ww * math.log(gw / aw)
        out[n, 3] = wh * math.log(gh / ah)


@njit(cache=True, nogil=True)
def _decode_kernel(anchors, deltas, wx, wy, ww, wh, scale_clamp, out):
    for n in range(anchors.shape[0]):
        aw = anchors[n, 2] - anchors[n, 0]
        ah = anchors[n, 3] - anchors[n, 1]
        acx = anchors[n, 0] + 0.5 * aw
        acy = anchors[n, 1] + 0.5 * ah
        dx = deltas[n, 0] / wx
        dy = deltas[n, 1] / wy
        dw = deltas[n, 2] / ww
        dh = deltas[n, 3] / wh
        if dw > scale_clamp:  # upper bound only, and a NaN passes through, as with torch.clamp(max=)
            dw = scale_clamp
        if dh > scale_clamp:
            dh = scale_clamp
        cx = dx * aw + acx
        cy = dy * ah + acy
        half_w = 0.5 * (math.exp(dw) * aw)
        half_h = 0.5 * (math.exp(dh) * ah)
        out[n, 0] = cx - half_w
        out[n, 1] = cy - half_h
        out[n, 2] = cx + half_w
        out[n, 3] = cy + half_h


def _prepare(first, second):
    first, second = np.asarray(first), np.asarray(second)
    dtype = np.result_type(first, second, np.float32)
    return np.ascontiguousarray(first, dtype=dtype).reshape(-1, 4), np.ascontiguousarray(second, dtype=dtype).reshape(-1, 4)


def cell_anchors(sizes, aspect_ratios) -> np.ndarray:
    """(S*R, 4) float64 origin-centred anchors, sizes outer, ratios (h / w) inner, not rounded."""
    sizes = np.ascontiguousarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.ascontiguousarray(aspect_ratios, dtype=np.float64).reshape(-1)
    out = np.empty((sizes.shape[0] * ratios.shape[0], 4), dtype=np.float64)
    _cell_kernel(sizes, ratios, out)
    return out


def grid_anchors(cell_anchors, feature_shape, stride: float, offset: float = 0.0) -> np.ndarray:
    """(H*W*A, 4) anchors, rows outer, then columns, then the A cell anchors; dtype of cell_anchors."""
    cells = np.asarray(cell_anchors)
    cells = np.ascontiguousarray(cells, dtype=np.result_type(cells, np.float32)).reshape(-1, 4)
    height, width = (int(n) for n in feature_shape)
    out = np.empty((height * width * cells.shape[0], 4), dtype=cells.dtype)
    _grid_kernel(cells, height, width, float(stride), float(offset), out)
    return out


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)) -> np.ndarray:
    """(N, 4) deltas (dx, dy, dw, dh) taking each anchor onto its box; dtype of the inputs."""
    anchors, boxes = _prepare(anchors, boxes)
    out = np.empty(anchors.shape, dtype=anchors.dtype)
    _encode_kernel(anchors, boxes, *(float(w) for w in weights), out)
    return out


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp: float = DEFAULT_SCALE_CLAMP):
    """(N, 4) boxes described by the deltas; dw, dh clamped from above after the weights."""
    anchors, deltas = _prepare(anchors, deltas)
    out = np.empty(anchors.shape, dtype=anchors.dtype)
    _decode_kernel(anchors, deltas, *(float(w) for w in weights), float(scale_clamp), out)
    return out


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = "FPN anchors (strides 4-64, 3 ratios, ~270k float32 anchors) + decode and encode of one image"
_STRIDES = (4, 8, 16, 32, 64)
_SIZES = (32.0, 64.0, 128.0, 256.0, 512.0)
_RATIOS = (0.5, 1.0, 2.0)
_OFFSET = 0.5


def _level_shapes(image_h: int, image_w: int):
    return [(-(-image_h // s), -(-image_w // s)) for s in _STRIDES]


def fpn_anchors(image_h: int, image_w: int, grid=grid_anchors, cells=cell_anchors) -> np.ndarray:
    """All float32 anchors of a five-level FPN (P2-P6) for an image_h x image_w input."""
    levels = [
        grid(cells((size,), _RATIOS).astype(np.float32), shape, stride, _OFFSET)
        for size, shape, stride in zip(_SIZES, _level_shapes(image_h, image_w), _STRIDES)
    ]
    return np.concatenate(levels)


def make_inputs(rng: np.random.Generator):
    # A padded detectron2-sized input (multiples of 32 around 800 x 1333); the shape varies by round.
    image_h = int(rng.integers(24, 27)) * 32
    image_w = int(rng.integers(40, 43)) * 32
    n = sum(h * w for h, w in _level_shapes(image_h, image_w)) * len(_RATIOS)
    # RPN outputs: mostly small deltas, a few wild ones beyond the clamp, as early in training.
    deltas = rng.random((n, 4), dtype=np.float32) - np.float32(0.5)
    wild = rng.integers(0, n, size=n // 100)
    deltas[wild, 2:] = rng.uniform(-8, 8, size=(wild.shape[0], 2)).astype(np.float32)
    # Matched ground truth: each anchor's box jittered (the centre moves by up to 0.3 of the anchor's
    # width or height, the sides scale by a factor in [exp(-0.7), exp(0.7)]).
    anchors = fpn_anchors(image_h, image_w)
    u = rng.random((n, 4), dtype=np.float32)
    wh = anchors[:, 2:] - anchors[:, :2]
    centre = anchors[:, :2] + wh * (u[:, :2] * np.float32(0.6) + np.float32(0.2))
    half = wh * np.exp(u[:, 2:] * np.float32(1.4) - np.float32(0.7)) * np.float32(0.5)
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    return (image_h, image_w), deltas, boxes


def run_baseline(inputs):
    (image_h, image_w), deltas, boxes = inputs
    anchors = fpn_anchors(image_h, image_w)
    return anchors, decode_boxes(anchors, deltas), encode_boxes(anchors, boxes)


def run_submission(module, inputs):
    (image_h, image_w), deltas, boxes = inputs
    anchors = fpn_anchors(image_h, image_w, grid=module.grid_anchors, cells=module.cell_anchors)
    return anchors, module.decode_boxes(anchors, deltas), module.encode_boxes(anchors, boxes)


def compare(got, expected) -> str | None:
    # float32 results: coordinates up to ~1e4 (a decoded box may reach 62.5 times a 512-pixel anchor), where
    # one rounding is ~1e-3; deltas are differences of such coordinates divided by anchor sizes down to 16.
    for name, g, e in zip(("grid_anchors", "decode_boxes", "encode_boxes"), got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name} returned shape {g.shape}, expected {e.shape}"
        if g.dtype != e.dtype:
            return f"{name} returned {g.dtype}, expected {e.dtype}"
        atol = 1e-4 if name == "encode_boxes" else 1e-6 * float(np.max(np.abs(e), initial=1.0))
        if not np.allclose(g, e, rtol=1e-5, atol=atol):
            worst = np.nanmax(np.abs(g.astype(np.float64) - e))
            return f"{name} differs from the baseline by up to {worst:.3g}"
    return None
