"""Correct, but a Python loop over RoIs x bins x samples (the C++ kernel's loops, with only the channels
vectorised): the speed check must fail it."""

import math

import numpy as np

CAUGHT_BY = "speed"


def bilinear_interpolate(feature, ys, xs):
    dtype = np.result_type(feature, ys, xs, np.float32)
    feature = np.asarray(feature, dtype=dtype)
    out = np.zeros((feature.shape[0], len(ys)), dtype)
    for p, (y, x) in enumerate(zip(np.asarray(ys).tolist(), np.asarray(xs).tolist())):
        out[:, p] = _sample(feature, y, x)
    return out


def _sample(feature, y, x):
    _, height, width = feature.shape
    if y < -1.0 or y > height or x < -1.0 or x > width:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    if y0 >= height - 1:
        y0 = y1 = height - 1
        y = float(y0)
    else:
        y1 = y0 + 1
    if x0 >= width - 1:
        x0 = x1 = width - 1
        x = float(x0)
    else:
        x1 = x0 + 1
    ly, lx = y - y0, x - x0
    hy, hx = 1.0 - ly, 1.0 - lx
    return (
        hy * hx * feature[:, y0, x0]
        + hy * lx * feature[:, y0, x1]
        + ly * hx * feature[:, y1, x0]
        + ly * lx * feature[:, y1, x1]
    )


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    features, rois = np.asarray(features), np.asarray(rois)
    dtype = np.result_type(features, rois, np.float32)
    features = features.astype(dtype, copy=False)
    ph, pw = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    out = np.zeros((len(rois), features.shape[1], ph, pw), dtype)
    offset = 0.5 if aligned else 0.0
    for k, (b, x1, y1, x2, y2) in enumerate(rois.tolist()):
        feature = features[int(b)]
        x1, y1, x2, y2 = (v * spatial_scale - offset for v in (x1, y1, x2, y2))
        w, h = x2 - x1, y2 - y1
        if not aligned:
            w, h = max(w, 1.0), max(h, 1.0)
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(h / ph)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(w / pw)
        count = max(gh * gw, 1)
        for i in range(ph):
            for j in range(pw):
                total = 0.0
                for iy in range(gh):
                    y = y1 + i * h / ph + (iy + 0.5) * h / ph / gh
                    for ix in range(gw):
                        x = x1 + j * w / pw + (ix + 0.5) * w / pw / gw
                        total = total + _sample(feature, y, x)
                out[k, :, i, j] = total / count
    return out
