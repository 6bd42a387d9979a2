"""Generates golden.npz for the hidden tests of kata 04 from torchvision's RoI Align CPU kernel.

Run once, with torch 2.14.1 and torchvision 0.29.1 installed (``make golden``); the output is committed.
Every value comes from ``torch.ops.torchvision.roi_align``, the compiled C++ kernel, called directly. (The
public ``torchvision.ops.roi_align`` reaches the same kernel when torchvision's compiled ops are loaded, which
the script asserts, and gives the same numbers; without them it would fall back to a pure-PyTorch
``_roi_align`` whose edge cases differ.)

Inputs are float64 arrays whose values are exactly representable in float32, so the same case can be run
in both dtypes. For each case the script stores the float64 result and how far torchvision's float32 result
is from it (the kernel sums many products, so that error grows with the size of the sample grid): the
hidden tests hold a float32 submission to a small multiple of that error, never to less.

``bilinear/*`` holds points for ``bilinear_interpolate``. torchvision has no public per-point function, so
each point is read through the kernel as a 1x1 RoI of size 1 centred on the point (aligned=False, one
sample): the kernel then samples exactly that point. The points are multiples of 1/64, so that
``(p - 0.5) + 0.5 == p`` holds in floating point and the boundary cases (-1, 0, H-1, H) are hit exactly.
"""

from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.extension import _has_ops
from torchvision.ops import roi_align as tv_roi_align

OUT = Path(__file__).with_name("golden.npz")


def f32(a):
    """The array rounded to float32, returned as float64 (so both dtypes see the very same values)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def feature_map(rng, n, c, h, w):
    return f32(rng.normal(0.5, 2.0, size=(n, c, h, w)))


def random_rois(rng, k, n_images, x_range, y_range, size_range):
    """(k, 5) RoIs with top-left corners uniform in the ranges and sizes uniform in size_range."""
    x1 = rng.uniform(*x_range, size=k)
    y1 = rng.uniform(*y_range, size=k)
    w = rng.uniform(*size_range, size=k)
    h = rng.uniform(*size_range, size=k)
    batch = rng.integers(0, n_images, size=k)
    return f32(np.stack([batch, x1, y1, x1 + w, y1 + h], axis=1))


def kernel(features, rois, output_size, spatial_scale, sampling_ratio, aligned):
    ph, pw = output_size
    return torch.ops.torchvision.roi_align(
        torch.from_numpy(features), torch.from_numpy(rois), float(spatial_scale), ph, pw, sampling_ratio, aligned
    ).numpy()


def cases(rng):
    """(name, features, rois, (PH, PW), spatial_scale, sampling_ratio, aligned)."""
    f = feature_map(rng, 2, 3, 10, 12)
    rois = random_rois(rng, 40, 2, (-2, 11), (-2, 9), (0.5, 8))
    yield "fixed_grid_aligned", f, rois, (3, 4), 1.0, 2, True
    yield "fixed_grid_legacy", f, rois, (3, 4), 1.0, 2, False
    yield "one_sample_legacy", f, rois, (2, 5), 1.0, 1, False

    # adaptive grids: RoIs from sub-pixel to most of the map, so gh and gw vary (and differ) per RoI
    f = feature_map(rng, 2, 4, 16, 20)
    rois = random_rois(rng, 60, 2, (-4, 36), (-4, 28), (0.2, 30))
    yield "adaptive_aligned", f, rois, (3, 2), 0.5, -1, True
    yield "adaptive_legacy", f, rois, (3, 2), 0.5, 0, False
    yield "sampling_ratio_3", f, rois, (2, 3), 0.5, 3, True

    # a detector-like setting: image coordinates, stride 16, 7x7 bins
    f = feature_map(rng, 2, 5, 12, 14)
    rois = random_rois(rng, 50, 2, (-40, 200), (-40, 170), (8, 120))
    yield "stride16_aligned", f, rois, (7, 7), 1 / 16, 2, True
    yield "stride16_adaptive", f, rois, (7, 7), 1 / 16, 0, False
    yield "scale_0.3_adaptive", f, f32(rois / np.array([1, 4.8, 4.8, 4.8, 4.8])), (4, 4), 0.3, -1, True

    # partly and wholly outside the map, on every side
    f = feature_map(rng, 1, 2, 8, 9)
    outside = f32(
        [
            [0, -6.0, -6.0, -2.0, -2.0],  # wholly above-left, beyond the -1 band
            [0, 10.5, 2.0, 14.0, 5.0],  # wholly to the right, beyond W
            [0, 2.0, 9.2, 6.0, 12.0],  # wholly below, beyond H
            [0, -1.5, -1.5, 0.5, 0.5],  # mostly in the [-1, 0) band
            [0, -5.0, 1.0, 4.0, 6.0],  # left half outside
            [0, 6.0, 6.0, 11.0, 11.0],  # bottom-right corner spilling over
            [0, -3.0, -3.0, 12.0, 11.0],  # larger than the map
            [0, 8.3, 7.6, 9.1, 8.4],  # inside the band past the last row and column
        ]
    )
    outside = np.concatenate([outside, random_rois(rng, 24, 1, (-8, 10), (-8, 9), (1, 10))])
    yield "outside_aligned", f, outside, (2, 3), 1.0, 2, True
    yield "outside_legacy", f, outside, (2, 3), 1.0, 2, False
    yield "outside_adaptive", f, outside, (3, 3), 1.0, -1, False

    # tiny and empty RoIs: minimum size 1 when not aligned, empty grids (zeros) when aligned and adaptive
    f = feature_map(rng, 2, 2, 6, 7)
    tiny = random_rois(rng, 20, 2, (0, 6), (0, 5), (0, 0.6))
    tiny[:6, 3:] = tiny[:6, 1:3]  # zero width and height
    tiny[6:9, 3] = tiny[6:9, 1]  # zero width only
    tiny[9:12, 4] = tiny[9:12, 2]  # zero height only
    for mode, aligned in (("aligned", True), ("legacy", False)):
        yield f"tiny_{mode}_adaptive", f, tiny, (2, 2), 1.0, -1, aligned
        yield f"tiny_{mode}_fixed", f, tiny, (2, 2), 1.0, 2, aligned

    # samples exactly on -1, 0, H-1 and H: size-4 RoIs cut into 2 bins of 2 samples sample every pixel
    # centre from x1 + 0.5 (aligned=False) or x1 (aligned=True), exactly, in both dtypes
    f = feature_map(rng, 1, 2, 5, 6)
    starts_y = [-4.5, -4.0, -3.5, -1.5, 0.5, 1.5, 2.0, 2.5]
    starts_x = [-4.5, -4.5, -0.5, 2.5, 2.0, 2.5, -3.5, 3.0]
    edges = f32([[0, x, y, x + 4, y + 4] for x in starts_x for y in starts_y])
    yield "edges_legacy", f, edges, (2, 2), 1.0, 2, False
    yield "edges_aligned", f, edges, (2, 2), 1.0, 2, True

    # several images, RoIs in shuffled image order; a 1-row and a 1-column map
    f = feature_map(rng, 4, 3, 9, 7)
    rois = random_rois(rng, 40, 4, (-1, 7), (-1, 9), (1, 6))
    yield "four_images", f, rois, (2, 3), 1.0, 2, True
    f, rois = feature_map(rng, 1, 2, 1, 8), random_rois(rng, 12, 1, (-2, 8), (-2, 1), (0.5, 4))
    yield "one_row_map", f, rois, (2, 2), 1.0, -1, False
    f, rois = feature_map(rng, 1, 2, 8, 1), random_rois(rng, 12, 1, (-2, 1), (-2, 8), (0.5, 4))
    yield "one_column_map", f, rois, (3, 1), 1.0, 2, True
    f, rois = feature_map(rng, 1, 3, 7, 7), random_rois(rng, 15, 1, (-1, 6), (-1, 6), (0.5, 5))
    yield "output_1x1", f, rois, (1, 1), 1.0, -1, True


def bilinear_points(rng, h, w, n):
    """Multiples of 1/64 covering the map and the bands around it, plus every exact boundary pair."""
    ys = np.round(rng.uniform(-2, h + 1, size=n) * 64) / 64
    xs = np.round(rng.uniform(-2, w + 1, size=n) * 64) / 64
    special_y = [-1.25, -1.0, -0.5, 0.0, 0.75, h - 1.0, h - 0.75, h - 0.0, h + 0.25]
    special_x = [-1.25, -1.0, -0.25, 0.0, 1.5, w - 1.0, w - 0.5, w - 0.0, w + 0.5]
    grid_y, grid_x = np.meshgrid(special_y, special_x, indexing="ij")
    return np.concatenate([ys, grid_y.ravel()]), np.concatenate([xs, grid_x.ravel()])


def bilinear_through_kernel(feature, ys, xs, dtype):
    rois = np.stack([np.zeros_like(ys), xs - 0.5, ys - 0.5, xs + 0.5, ys + 0.5], axis=1)
    assert np.array_equal((xs - 0.5) + 0.5, xs) and np.array_equal((ys - 0.5) + 0.5, ys)
    out = kernel(feature[None].astype(dtype), rois.astype(dtype), (1, 1), 1.0, 1, False)
    return out[:, :, 0, 0].T.astype(np.float64)  # (C, P)


def main():
    assert _has_ops(), "torchvision's compiled ops are not loaded"
    rng = np.random.default_rng(404)
    arrays, names = {}, []
    for name, features, rois, output_size, scale, ratio, aligned in cases(rng):
        assert np.array_equal(f32(features), features) and np.array_equal(f32(rois), rois), name
        assert np.all(rois[:, 3] >= rois[:, 1]) and np.all(rois[:, 4] >= rois[:, 2]), name
        ref64 = kernel(features, rois, output_size, scale, ratio, aligned)
        ref32 = kernel(features.astype(np.float32), rois.astype(np.float32), output_size, scale, ratio, aligned)
        # the public function reaches the same C++ kernel (not the pure-PyTorch fallback)
        public = tv_roi_align(torch.from_numpy(features), torch.from_numpy(rois), output_size, scale, ratio, aligned)
        assert np.array_equal(public.numpy(), ref64), name
        err32 = float(np.max(np.abs(ref32.astype(np.float64) - ref64), initial=0.0))
        assert err32 < 1e-4, (name, err32)  # no sample flipped across a boundary between the dtypes
        names.append(name)
        arrays.update(
            {
                f"{name}/features": features,
                f"{name}/rois": rois,
                f"{name}/output_size": np.array(output_size),
                f"{name}/spatial_scale": np.array(scale),
                f"{name}/sampling_ratio": np.array(ratio),
                f"{name}/aligned": np.array(aligned),
                f"{name}/out": ref64,
                f"{name}/float32_error": np.array(err32),
            }
        )
        zero_bins = int(np.sum(np.all(ref64 == 0, axis=1)))
        print(
            f"{name:20s} features {str(features.shape):15s} rois {len(rois):3d} -> {str(ref64.shape):16s}"
            f" all-zero bins {zero_bins:4d}  float32 error {err32:.2e}"
        )

    feature = feature_map(rng, 1, 3, 5, 7)[0]
    ys, xs = bilinear_points(rng, 5, 7, 150)
    out64 = bilinear_through_kernel(feature, ys, xs, np.float64)
    out32 = bilinear_through_kernel(feature, ys, xs, np.float32)
    arrays.update(
        {
            "bilinear/feature": feature,
            "bilinear/ys": ys,
            "bilinear/xs": xs,
            "bilinear/out": out64,
            "bilinear/float32_error": np.array(float(np.max(np.abs(out32 - out64)))),
        }
    )
    print(
        f"bilinear: {len(ys)} points, {int(np.sum(np.all(out64 == 0, axis=0)))} outside,"
        f" float32 error {float(np.max(np.abs(out32 - out64))):.2e}"
    )

    arrays["cases"] = np.array(names)
    arrays["versions"] = np.array([f"torch {torch.__version__}", f"torchvision {torchvision.__version__}"])
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
