"""The conv2d baseline against torch, through both of its algorithms (Winograd F(2x2, 3x3) and im2col), with
their bands forced small: a band edge that drops or doubles a row, or a tile that reads past an odd border,
would pass on the one-band shapes of the hidden tests but not here."""

from __future__ import annotations

import numpy as np
import pytest

from grader.baselines import conv2d as baseline

# (x shape, w shape, stride, padding, dilation, groups, takes the Winograd path)
GEOMETRIES = [
    ((2, 3, 9, 8), (4, 3, 3, 3), 1, 1, 1, 1, True),
    ((1, 5, 7, 10), (3, 5, 3, 3), 1, 0, 1, 1, True),
    ((2, 4, 6, 5), (6, 4, 3, 3), 1, 2, 1, 1, True),
    ((1, 3, 4, 9), (2, 3, 3, 3), 1, (2, 0), 1, 1, True),
    ((1, 2, 3, 3), (2, 2, 3, 3), 1, 0, 1, 1, True),  # a single output
    ((1, 2, 1, 1), (3, 2, 3, 3), 1, 1, 1, 1, True),  # a 1x1 image
    ((0, 3, 5, 5), (4, 3, 3, 3), 1, 1, 1, 1, True),  # an empty batch
    ((1, 4, 11, 7), (6, 2, 3, 2), (2, 1), (1, 2), (1, 2), 2, False),
    ((2, 6, 10, 10), (6, 1, 3, 3), 1, 1, 1, 6, False),  # depthwise
    ((1, 3, 15, 13), (5, 3, 7, 7), 2, 3, 1, 1, False),
    ((2, 2, 8, 9), (3, 2, 2, 3), 3, 0, 2, 1, False),
    ((1, 2, 5, 5), (2, 2, 3, 3), 1, 4, 1, 1, False),  # padding wider than the kernel: whole bands of zero taps
    ((1, 2, 7, 6), (2, 2, 3, 3), 1, 1, 2, 1, False),  # 3x3 but dilated
]


def against_torch(x, w, b, geometry):
    # imported here, not at collection: every pytest process collects this module, few run it
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    stride, padding, dilation, groups = geometry
    out, cache = baseline.conv2d_forward(x, w, b, stride, padding, dilation, groups)
    dout = np.random.default_rng(len(x)).standard_normal(out.shape).astype(x.dtype)
    got = (out, *baseline.conv2d_backward(dout, cache))
    tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    y = F.conv2d(tx, tw, tb, stride, padding, dilation, groups)
    y.backward(torch.from_numpy(dout))
    return got, tuple(t.detach().numpy() for t in (y, tx.grad, tw.grad, tb.grad))


@pytest.mark.parametrize("band_bytes", [1, 3000, 1 << 20], ids=["one-row bands", "a few rows", "one band"])
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: f"{g[0]}-{g[1]}-s{g[2]}-p{g[3]}-d{g[4]}-g{g[5]}")
def test_baseline_matches_torch_whatever_the_bands(monkeypatch, band_bytes, geometry):
    monkeypatch.setattr(baseline, "_BAND_BYTES", band_bytes)
    monkeypatch.setattr(baseline, "_WINOGRAD_BAND_BYTES", band_bytes)
    xs, ws, *args, winograd = geometry
    assert baseline._winograd_fits(ws, baseline._geometry(xs, ws, *args[:3], args[3])[0], args[3]) == winograd
    rng = np.random.default_rng(sum(xs) + sum(ws) + band_bytes)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    got, expected = against_torch(x, w, b, args)
    for name, g, e in zip(("out", "dx", "dw", "db"), got, expected):
        assert g.shape == e.shape and g.dtype == np.float64 and g.flags.c_contiguous, name
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-11, err_msg=name)


def test_float32_winograd_stays_as_accurate_as_torch():
    """Winograd's transforms add roundings; on a ResNet-sized layer they stay at float32's level."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 64, 28, 28), dtype=np.float32)
    w = (rng.standard_normal((64, 64, 3, 3)) / 24).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    got, expected = against_torch(x, w, b, (1, 1, 1, 1))
    _, exact = against_torch(*(a.astype(np.float64) for a in (x, w, b)), (1, 1, 1, 1))  # torch in float64
    for name, g, e, t in zip(("out", "dx", "dw", "db"), got, exact, expected):
        assert g.dtype == np.float32, name
        scale = np.abs(e).max()
        ours, torchs = np.abs(g - e).max() / scale, np.abs(t - e).max() / scale
        assert ours < max(4 * torchs, 1e-6), f"{name}: error {ours:.2e} of its scale, torch's {torchs:.2e}"
        print(f"{name}: float32 error / scale: baseline {ours:.1e}, torch {torchs:.1e}")


def test_band_buffer_mismatch_is_refused():
    from grader.baselines._conv2d_kernels import im2col, winograd_input

    with pytest.raises(ValueError, match="does not fit"):
        im2col(np.zeros((2, 5, 5)), np.zeros((18, 10)), 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 0, 3)
    with pytest.raises(ValueError, match="do not match"):
        winograd_input(np.zeros((2, 6, 6)), np.zeros((16, 2, 5)), 0, 2, 2)
