"""Correct: a Python loop over RoIs, each RoI's samples read at once with bilinear_interpolate. A loop
of a few hundred steps that is vectorised inside is acceptable: it must get full marks."""

import numpy as np
from _reference import *  # noqa: F401,F403

CAUGHT_BY = None


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    features, rois = np.asarray(features), np.asarray(rois)
    dtype = np.result_type(features, rois, np.float32)
    ph, pw = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    channels = features.shape[1]
    out = np.zeros((len(rois), channels, ph, pw), dtype)
    offset = 0.5 if aligned else 0.0
    for k, (b, x1, y1, x2, y2) in enumerate(rois.astype(np.float64)):
        x1, y1, x2, y2 = (v * spatial_scale - offset for v in (x1, y1, x2, y2))
        w, h = x2 - x1, y2 - y1
        if not aligned:
            w, h = max(w, 1.0), max(h, 1.0)
        gh = sampling_ratio if sampling_ratio > 0 else int(np.ceil(h / ph))
        gw = sampling_ratio if sampling_ratio > 0 else int(np.ceil(w / pw))
        if gh <= 0 or gw <= 0:
            continue
        ys = y1 + (np.arange(ph)[:, None] + (np.arange(gh) + 0.5) / gh) * (h / ph)  # (ph, gh)
        xs = x1 + (np.arange(pw)[:, None] + (np.arange(gw) + 0.5) / gw) * (w / pw)  # (pw, gw)
        yy, xx = np.broadcast_arrays(ys[:, :, None, None], xs[None, None])  # (ph, gh, pw, gw)
        values = bilinear_interpolate(features[int(b)].astype(np.float64), yy.ravel(), xx.ravel())
        out[k] = values.reshape(channels, ph, gh, pw, gw).mean(axis=(2, 4))
    return out
