"""Baseline for kata 03: anchors and box-delta coding in Cython (``_anchor_kernels.pyx``), written as a C++
kernel would be, and the speed workload (the anchors of a five-level FPN and the decoding of one image's RPN
deltas).

Arithmetic is in the boxes' dtype, as torchvision's and detectron2's box coders compute on float32 tensors;
the float32 exp and log are vectorised (``_vecmath.h``, within 2 ulp), so each coding loop runs on SIMD
lanes.
"""

from __future__ import annotations

import math

import numpy as np

from grader.baselines import _anchor_kernels

DEFAULT_SCALE_CLAMP = math.log(1000.0 / 16)


def _prepare(first, second):
    first, second = np.asarray(first), np.asarray(second)
    dtype = np.result_type(first, second, np.float32)
    return np.ascontiguousarray(first, dtype=dtype).reshape(-1, 4), np.ascontiguousarray(second, dtype=dtype).reshape(
        -1, 4
    )


def cell_anchors(sizes, aspect_ratios) -> np.ndarray:
    """(S*R, 4) float64 origin-centred anchors, sizes outer, ratios (h / w) inner, not rounded."""
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1, 1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(1, -1)
    w = np.sqrt(sizes * sizes / ratios)
    h = ratios * w
    return np.stack([-w / 2.0, -h / 2.0, w / 2.0, h / 2.0], axis=-1).reshape(-1, 4)


def grid_anchors(cell_anchors, feature_shape, stride: float, offset: float = 0.0) -> np.ndarray:
    """(H*W*A, 4) anchors, rows outer, then columns, then the A cell anchors; dtype of cell_anchors."""
    cells = np.asarray(cell_anchors)
    cells = np.ascontiguousarray(cells, dtype=np.result_type(cells, np.float32)).reshape(-1, 4)
    height, width = (int(n) for n in feature_shape)
    out = np.empty((height * width * cells.shape[0], 4), dtype=cells.dtype)
    _anchor_kernels.grid(cells, height, width, float(stride), float(offset), out)
    return out


def encode_boxes(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)) -> np.ndarray:
    """(N, 4) deltas (dx, dy, dw, dh) taking each anchor onto its box; dtype of the inputs."""
    anchors, boxes = _prepare(anchors, boxes)
    out = np.empty(anchors.shape, dtype=anchors.dtype)
    _anchor_kernels.encode(anchors, boxes, *(float(w) for w in weights), out)
    return out


def decode_boxes(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), scale_clamp: float = DEFAULT_SCALE_CLAMP):
    """(N, 4) boxes described by the deltas; dw, dh clamped from above after the weights."""
    anchors, deltas = _prepare(anchors, deltas)
    out = np.empty(anchors.shape, dtype=anchors.dtype)
    _anchor_kernels.decode(anchors, deltas, *(float(w) for w in weights), float(scale_clamp), out)
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
