"""Baseline for kata 05: conv2d forward and backward in Cython/C kernels (``_conv2d_kernels.pyx``,
``_winograd.h``) around BLAS matrix products, and the speed workload.

Two algorithms, both as CPU libraries use them:

- Winograd F(2x2, 3x3) (NNPACK; oneDNN's and cuDNN's Winograd kernels) for 3x3, stride-1, undilated, ungrouped
  convolutions, the common layer of CNN backbones. Each 2x2 block of outputs costs 16 multiplications per
  channel pair instead of 36, so a pass is 16 products (F, C) @ (C, tiles) per image, with no column buffer.
  All three passes use it: the input gradient is itself such a convolution (of ``dout`` with the kernels
  flipped and their channel axes swapped, padded ``2 - padding``), and the kernel gradient is
  ``G^T [sum over tiles of (A dY A^T) * (B^T d B)] G``, 16 products (F, tiles) @ (tiles, C).
- im2col + GEMM (Caffe, PyTorch's slow_conv2d) for every other geometry. Each image goes in bands of output
  rows whose column buffer (about 1 MiB) stays in the core's L2 cache from im2col to the products; the backward
  recomputes the columns instead of keeping them. The kernel gradient is formed transposed, ``cols @ dout.T``
  of shape (K, F): on OpenBLAS that orientation ran 1.9 ms per 56x56 image of 64 channels against 2.3 ms for
  ``dout @ cols.T``.

Both paths work in bands sized for L2. On the Winograd path that made the 16 products 25% faster than on
whole images (0.74 against 0.95 ms per such image).
"""

from __future__ import annotations

import numpy as np

from grader.baselines._conv2d_kernels import col2im, im2col, winograd_grad, winograd_input, winograd_output

# Bytes of one band's im2col column buffer: half of a 2 MiB L2, so the products' packed panels fit beside it.
_BAND_BYTES = 1 << 20

# Bytes of one band's transformed input in the Winograd path; its products take as much again.
_WINOGRAD_BAND_BYTES = 1 << 20

# Winograd F(2x2, 3x3)'s kernel transform u = G g G^T of each 3x3 kernel g, as one (16, 9) matrix acting on
# g flattened: kron(G, G)[4*r + s, 3*i + j] = G[r, i] G[s, j].
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
_GG = np.kron(_G, _G)


def _pair(value) -> tuple[int, int]:
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def _geometry(x_shape, w_shape, stride, padding, dilation, groups):
    N, C, H, W = x_shape
    F, Cg, KH, KW = w_shape
    if groups < 1 or C % groups or F % groups or Cg * groups != C:
        raise ValueError(f"x has {C} channels and w is {tuple(w_shape)}: invalid with groups={groups}")
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    if OH <= 0 or OW <= 0:
        raise ValueError("the dilated kernel does not fit the padded input")
    return (sh, sw, ph, pw, dh, dw), OH, OW


# --- Winograd F(2x2, 3x3) -------------------------------------------------------------------------------


def _winograd_fits(w_shape, geo, groups) -> bool:
    """3x3, stride 1, no dilation, no groups, padding at most 2 (so the input gradient's padding 2 - p is
    not negative)."""
    sh, sw, ph, pw, dh, dw = geo
    return groups == 1 and tuple(w_shape[2:]) == (3, 3) and (sh, sw, dh, dw) == (1, 1, 1, 1) and max(ph, pw) <= 2


def _winograd_kernels(w: np.ndarray) -> np.ndarray:
    """(16, F, C) transformed kernels of ``w`` (F, C, 3, 3): entry ``4*r + s`` is ``(G w[f, c] G^T)[r, s]``,
    one product with ``kron(G, G)`` (16, 9)."""
    F, C = w.shape[:2]
    return np.matmul(_GG.astype(w.dtype), w.reshape(F * C, 9).T).reshape(16, F, C)


def _winograd_kernel_grad_from(du: np.ndarray) -> np.ndarray:
    """(F, C, 3, 3) kernel gradient ``G^T dU[f, c] G`` from ``du`` (16, F, C), the adjoint of
    :func:`_winograd_kernels`."""
    F, C = du.shape[1:]
    return np.matmul(du.reshape(16, F * C).T, _GG.astype(du.dtype)).reshape(F, C, 3, 3)


def _tile_bands(TH: int, channels: int, TW: int, itemsize: int) -> list[tuple[int, int]]:
    """[ty0, ty1) of each band of tile rows: equal heights, each band's (16, channels, tiles) buffer within
    ``_WINOGRAD_BAND_BYTES``."""
    most = max(1, _WINOGRAD_BAND_BYTES // (16 * channels * TW * itemsize))
    count = -(-TH // most)
    height = -(-TH // count)
    return [(ty0, min(TH, ty0 + height)) for ty0 in range(0, TH, height)]


def _padded_images(x: np.ndarray, ph: int, pw: int, TH: int, TW: int):
    """Yield each image of ``x`` (N, C, H, W) zero-padded into one reused (C, 2*TH + 2, 2*TW + 2) buffer."""
    N, C, H, W = x.shape
    padded = np.zeros((C, 2 * TH + 2, 2 * TW + 2), dtype=x.dtype)  # only the interior is ever rewritten
    for n in range(N):
        padded[:, ph : ph + H, pw : pw + W] = x[n]
        yield n, padded


def _winograd_conv(x: np.ndarray, u: np.ndarray, out: np.ndarray, ph: int, pw: int, bias=None) -> None:
    """``out`` (N, F, OH, OW) = the 3x3 stride-1 correlation of ``x`` (N, C, H, W), zero-padded by (ph, pw),
    with the transformed kernels ``u`` (16, F, C), plus ``bias`` (F,) if given."""
    C, (F, OH, OW) = x.shape[1], out.shape[1:]
    TH, TW = (OH + 1) // 2, (OW + 1) // 2
    bands = _tile_bands(TH, max(C, F), TW, x.dtype.itemsize)
    most = max(b - a for a, b in bands) * TW
    v, m = np.empty(16 * C * most, dtype=x.dtype), np.empty(16 * F * most, dtype=x.dtype)
    for n, padded in _padded_images(x, ph, pw, TH, TW):
        for ty0, ty1 in bands:
            nt = (ty1 - ty0) * TW
            v_band, m_band = v[: 16 * C * nt].reshape(16, C, nt), m[: 16 * F * nt].reshape(16, F, nt)
            winograd_input(padded, v_band, ty0, ty1, TW)
            np.matmul(u, v_band, out=m_band)
            winograd_output(m_band, out[n], ty0, ty1, TW, bias)


def _winograd_kernel_grad(x: np.ndarray, dout: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """(F, C, 3, 3) gradient of the kernels: ``G^T dU G`` with ``dU[k]`` (F, C) the sum over images and tiles
    of ``(A dY A^T)[k] (B^T d B)[k]``, where ``dY`` is a tile's block of ``dout`` (N, F, OH, OW) and ``d`` its
    patch of ``x`` (N, C, H, W) padded by (ph, pw)."""
    C, (F, OH, OW) = x.shape[1], dout.shape[1:]
    TH, TW = (OH + 1) // 2, (OW + 1) // 2
    bands = _tile_bands(TH, max(C, F), TW, x.dtype.itemsize)
    most = max(b - a for a, b in bands) * TW
    v, z = np.empty(16 * C * most, dtype=x.dtype), np.empty(16 * F * most, dtype=x.dtype)
    du, du_band = np.zeros((16, F, C), dtype=x.dtype), np.empty((16, F, C), dtype=x.dtype)
    for n, padded in _padded_images(x, ph, pw, TH, TW):
        for ty0, ty1 in bands:
            nt = (ty1 - ty0) * TW
            v_band, z_band = v[: 16 * C * nt].reshape(16, C, nt), z[: 16 * F * nt].reshape(16, F, nt)
            winograd_input(padded, v_band, ty0, ty1, TW)
            winograd_grad(dout[n], z_band, ty0, ty1, TW)
            np.matmul(z_band, v_band.transpose(0, 2, 1), out=du_band)
            du += du_band
    return _winograd_kernel_grad_from(du)


# --- im2col + GEMM --------------------------------------------------------------------------------------


def _bands(rows: int, OH: int, OW: int, itemsize: int):
    """(oh0, oh1, p0, p1) of each band of output rows, and the band height: as many rows as fit
    ``_BAND_BYTES`` of columns, at least one."""
    height = max(1, min(OH, _BAND_BYTES // (itemsize * rows * OW)))
    bands = [(oh0, min(OH, oh0 + height)) for oh0 in range(0, OH, height)]
    return [(a, b, a * OW, b * OW) for a, b in bands], height


def _im2col_forward(x, w, bias, geo, groups, out) -> None:
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    OH, OW = out.shape[2:]
    G, Fg, K, P = groups, F // groups, Cg * KH * KW, OH * OW
    w_mat = w.reshape(G, Fg, K)
    bias = None if bias is None else bias.reshape(G, Fg, 1)
    bands, height = _bands(C * KH * KW, OH, OW, x.dtype.itemsize)
    buffer = np.empty(C * KH * KW * height * OW, dtype=x.dtype)
    for n in range(N):
        out_n = out[n].reshape(G, Fg, P)
        for oh0, oh1, p0, p1 in bands:
            cols = buffer[: C * KH * KW * (p1 - p0)].reshape(C * KH * KW, p1 - p0)
            im2col(x[n], cols, KH, KW, *geo, OH, OW, oh0, oh1)
            for g in range(G):
                band = out_n[g, :, p0:p1]
                np.matmul(w_mat[g], cols[g * K : (g + 1) * K], out=band)
                if bias is not None:
                    band += bias[g]


def _im2col_backward(x, w, dout, geo, groups):
    """(dx, dw) by im2col / col2im."""
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    OH, OW = dout.shape[2:]
    G, Fg, K, P = groups, F // groups, Cg * KH * KW, OH * OW
    w_mat = w.reshape(G, Fg, K)
    dx = np.zeros_like(x)
    dw_t = np.zeros((G, K, Fg), dtype=x.dtype)  # transposed: see the module docstring
    bands, height = _bands(C * KH * KW, OH, OW, x.dtype.itemsize)
    buffer, dbuffer = np.empty((2, C * KH * KW * height * OW), dtype=x.dtype)
    dw_band = np.empty((K, Fg), dtype=x.dtype)
    for n in range(N):
        dout_n = dout[n].reshape(G, Fg, P)
        for oh0, oh1, p0, p1 in bands:
            shape = (C * KH * KW, p1 - p0)
            cols = buffer[: shape[0] * shape[1]].reshape(shape)
            dcols = dbuffer[: shape[0] * shape[1]].reshape(shape)
            im2col(x[n], cols, KH, KW, *geo, OH, OW, oh0, oh1)
            for g in range(G):
                rows, dout_band = slice(g * K, (g + 1) * K), dout_n[g, :, p0:p1]
                np.matmul(cols[rows], dout_band.T, out=dw_band)
                dw_t[g] += dw_band
                np.matmul(w_mat[g].T, dout_band, out=dcols[rows])
            col2im(dcols, dx[n], KH, KW, *geo, OH, OW, oh0, oh1)
    return dx, np.ascontiguousarray(dw_t.transpose(0, 2, 1)).reshape(F, Cg, KH, KW)


# --- the kata's two functions ---------------------------------------------------------------------------


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """(out (N, F, OH, OW), cache), as ``torch.nn.functional.conv2d``."""
    dtype = np.result_type(x, w, *([] if b is None else [b]), np.float32)
    x = np.ascontiguousarray(x, dtype=dtype)
    w = np.ascontiguousarray(w, dtype=dtype)
    geo, OH, OW = _geometry(x.shape, w.shape, stride, padding, dilation, groups)
    bias = None if b is None else np.ascontiguousarray(b, dtype=dtype)
    out = np.empty((x.shape[0], w.shape[0], OH, OW), dtype=dtype)
    if _winograd_fits(w.shape, geo, groups):
        _winograd_conv(x, _winograd_kernels(w), out, geo[2], geo[3], bias)
    else:
        _im2col_forward(x, w, bias, geo, groups, out)
    return out, (x, w, b is not None, geo, groups)


def conv2d_backward(dout, cache):
    """(dx, dw, db) of ``sum(out * dout)``; db is None when the forward had no bias."""
    x, w, has_bias, geo, groups = cache
    dout = np.ascontiguousarray(dout, dtype=x.dtype)
    if _winograd_fits(w.shape, geo, groups):
        ph, pw = geo[2], geo[3]
        dx = np.empty_like(x)
        flipped = np.ascontiguousarray(w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1])
        _winograd_conv(dout, _winograd_kernels(flipped), dx, 2 - ph, 2 - pw)
        dw = _winograd_kernel_grad(x, dout, ph, pw)
    else:
        dx, dw = _im2col_backward(x, w, dout, geo, groups)
    db = dout.sum(axis=(0, 2, 3)) if has_bias else None
    return dx, dw, db


# --- speed workload ------------------------------------------------------------------------------------

WORKLOAD = "conv2d forward + backward, x (4, 64, 56, 56), w (64, 64, 3, 3), bias, padding 1, float32"
_X_SHAPE, _W_SHAPE = (4, 64, 56, 56), (64, 64, 3, 3)
_STRIDE, _PADDING = 1, 1


def make_inputs(rng: np.random.Generator):
    """x, w, b, dout of the workload; uniform values are a quarter of the cost of normal ones to draw."""
    x = rng.random(_X_SHAPE, dtype=np.float32)
    x -= np.float32(0.5)
    w = rng.standard_normal(_W_SHAPE, dtype=np.float32) / np.float32(np.sqrt(np.prod(_W_SHAPE[1:])))
    b = rng.standard_normal(_W_SHAPE[0], dtype=np.float32)
    OH = (_X_SHAPE[2] + 2 * _PADDING - _W_SHAPE[2]) // _STRIDE + 1
    OW = (_X_SHAPE[3] + 2 * _PADDING - _W_SHAPE[3]) // _STRIDE + 1
    dout = rng.random((_X_SHAPE[0], _W_SHAPE[0], OH, OW), dtype=np.float32)
    dout -= np.float32(0.5)
    return x, w, b, dout


def _run(forward, backward, inputs):
    x, w, b, dout = inputs
    out, cache = forward(x, w, b, stride=_STRIDE, padding=_PADDING)
    return (out, *backward(dout, cache))


def run_baseline(inputs):
    return _run(conv2d_forward, conv2d_backward, inputs)


def run_submission(module, inputs):
    return _run(module.conv2d_forward, module.conv2d_backward, inputs)


def compare(got, expected) -> str | None:
    if not isinstance(got, tuple) or len(got) != 4:
        return "conv2d_backward did not return (dx, dw, db)"
    for name, g, e in zip(("out", "dx", "dw", "db"), got, expected):
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"{name} has shape {g.shape}, expected {e.shape}"
        # float32 sums of up to 12544 terms (dw): hold each array to a small fraction of its own scale
        scale = float(np.abs(e).max())
        worst = float(np.abs(g.astype(np.float64) - e).max())
        if not worst <= 1e-3 * scale:
            return f"{name} differs from the baseline by up to {worst:.3g} (values up to {scale:.3g})"
    return None
