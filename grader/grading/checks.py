"""Comparison helpers for hidden tests: short, clear failure messages that never show test source.

Hidden tests run with plain asserts (no rewriting), so the only text a learner sees of a failure is the
message these helpers build.
"""

from __future__ import annotations

import numpy as np


def _fail(what: str, detail: str) -> None:
    raise AssertionError(f"{what}: {detail}")


def _require_ndarray(actual, what: str) -> None:
    # Exactly ndarray: a subclass could redefine the comparisons and arithmetic this module relies on.
    if type(actual) is not np.ndarray:
        _fail(what, f"expected a numpy.ndarray, got {type(actual).__module__}.{type(actual).__qualname__}")


def check_array(actual, expected, *, what: str, rtol: float = 1e-9, atol: float = 0.0, dtype=None) -> None:
    """Assert that ``actual`` has ``expected``'s shape (and ``dtype``, when given) and values within tolerance.

    NaN in ``expected`` must be matched by NaN in ``actual``.
    """
    _require_ndarray(actual, what)
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        _fail(what, f"shape {actual.shape}, expected {expected.shape}")
    if dtype is not None and actual.dtype != np.dtype(dtype):
        _fail(what, f"dtype {actual.dtype}, expected {np.dtype(dtype)}")
    if actual.size == 0:
        return
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    bad = ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        err = np.nanmax(np.abs(a - e)[bad]) if np.isfinite(a[bad]).all() else float("nan")
        _fail(
            what,
            f"{int(bad.sum())} of {a.size} values differ; at {idx} got {float(a[idx]):.10g}, expected {float(e[idx]):.10g}"
            f" (largest error {err:.3g}, tolerance rtol={rtol:g} atol={atol:g})",
        )


def check_indices(actual, expected, *, what: str) -> None:
    """Assert that ``actual`` is an int64 array equal to ``expected``, element for element, in order."""
    _require_ndarray(actual, what)
    expected = np.asarray(expected)
    if actual.dtype != np.int64:
        _fail(what, f"dtype {actual.dtype}, expected int64")
    if actual.shape != expected.shape:
        _fail(what, f"{actual.shape[0] if actual.ndim == 1 else actual.shape} indices, expected {expected.shape[0]}")
    if not np.array_equal(actual, expected):
        first = int(np.flatnonzero(actual != expected)[0])
        _fail(what, f"first difference at position {first}: got {int(actual[first])}, expected {int(expected[first])}")
