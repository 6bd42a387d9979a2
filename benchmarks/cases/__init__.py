"""Benchmark cases: for each kata, the operations, sizes and implementations that ``bench.py`` times.

A :class:`Case` is one operation at one size. It builds its seeded inputs once (every implementation gets the
same ones, in whatever form it takes: NumPy arrays, torch tensors, COCO objects) and lists its
implementations: the reference solution (``solutions/NN_slug/slug.py``), the compiled baseline
(``grader.baselines.<slug>``) and the production library. Each implementation returns NumPy data, so that the
results can be checked against each other before anything is timed.

The case modules use only the kata contract of the baselines (the public functions), not their speed
workloads, so the benchmark measures whatever the baselines are when it runs.
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import Any, Callable

from benchmarks.paths import REPO

KATA_MODULES = ("iou", "nms", "anchors", "roi_align", "conv2d", "focal_loss", "coco_map")

# Roles, in the order the tables show them.
REFERENCE, BASELINE, PRODUCTION = "reference", "baseline", "production"


@dataclass
class Impl:
    name: str  # shown in the tables: "reference", "baseline", "torchvision", "pycocotools", ...
    role: str  # REFERENCE, BASELINE or PRODUCTION
    fn: Callable[[Any], Any]  # inputs -> NumPy output
    pool: str | None = None  # thread pool it uses beyond one thread: "torch" (OpenMP), "blas" (OpenBLAS) or None


@dataclass
class Target:
    """The issue's target for this case: ``time(baseline) / time(production) <= limit`` on one thread."""

    production: str  # the Impl name of the production implementation
    limit: float
    text: str  # how the issue words it, e.g. "no slower than torchvision"


@dataclass
class Case:
    kata: str
    op: str  # e.g. "box_iou"
    size: str  # e.g. "2000 x 2000"
    make_inputs: Callable[[], Any]  # seeded: the same inputs every time
    impls: list[Impl]
    agree: Callable[[Any, Any], tuple[bool, str]]  # (output, production output) -> (ok, "max |diff| ...")
    targets: list[Target] = field(default_factory=list)
    note: str = ""
    rounds: int | None = None  # overrides the default number of timed rounds (slow cases)

    @property
    def key(self) -> str:
        return f"{self.kata}/{self.op}/{self.size}"

    @property
    def oracle(self) -> Impl:
        """The implementation the others are checked against: the first production one."""
        return next(i for i in self.impls if i.role == PRODUCTION)


def load_reference(folder: str, slug: str):
    """The reference solution ``solutions/<folder>/<slug>.py``, imported under a private module name."""
    path = REPO / "solutions" / folder / f"{slug}.py"
    spec = importlib.util.spec_from_file_location(f"_bench_reference_{slug}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001
        return _Unavailable(exc)
    return module


class _Unavailable:
    """Stands for a module that failed to import: each of its functions raises that error when called, so
    the case still times the other implementations and reports this one as an error."""

    def __init__(self, error: Exception):
        self._error = error

    def __getattr__(self, name):
        def unavailable(*args, **kwargs):
            raise ImportError(f"could not be imported: {self._error!r}")
        return unavailable


def load_baseline(slug: str):
    try:
        return importlib.import_module(f"grader.baselines.{slug}")
    except Exception as exc:  # noqa: BLE001  (a baseline being rebuilt: report it, time the rest)
        return _Unavailable(exc)


def all_cases(katas: list[str] | None = None, quick: bool = False) -> list[Case]:
    """Every case of the named katas (all when None). ``quick``: the smallest size of each op only."""
    out: list[Case] = []
    for slug in KATA_MODULES:
        if katas and slug not in katas:
            continue
        module = importlib.import_module(f"benchmarks.cases.{slug}")
        out.extend(module.cases(quick))
    return out


def kata_notes(katas: list[str] | None = None) -> dict[str, str]:
    """{slug: the case module's NOTE}: what is compared with what, shown at the top of the kata's section."""
    out = {}
    for slug in KATA_MODULES:
        if not katas or slug in katas:
            out[slug] = getattr(importlib.import_module(f"benchmarks.cases.{slug}"), "NOTE", "")
    return out


def max_abs_diff(tolerance: float, scale_relative: bool = False):
    """An ``agree`` function for float arrays (or tuples of them): max |a - b| <= tolerance (times the
    largest |b| of each array when ``scale_relative``)."""
    import numpy as np

    def agree(got, want) -> tuple[bool, str]:
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        worst, ok = 0.0, True
        for g, w in zip(got, want):
            g, w = np.asarray(g, dtype=np.float64), np.asarray(w, dtype=np.float64)
            if g.shape != w.shape:
                return False, f"shape {g.shape}, expected {w.shape}"
            if g.size == 0:
                continue
            diff = float(np.max(np.abs(g - w)))  # NaN anywhere makes it NaN
            if scale_relative:
                diff /= max(float(np.max(np.abs(w))), 1e-300)
            ok = ok and diff <= tolerance
            worst = diff if (diff > worst or diff != diff) else worst
        what = "max abs diff / max abs value" if scale_relative else "max abs diff"  # no "|": table cells
        return ok, f"{what} {worst:.1e} (tolerance {tolerance:g})"

    return agree


def identical_indices(got, want) -> tuple[bool, str]:
    import numpy as np

    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape or not np.array_equal(g, w):
            n = int(np.sum(np.isin(g, w, invert=True))) + int(np.sum(np.isin(w, g, invert=True)))
            return False, f"kept {g.shape[0]} vs {w.shape[0]} boxes ({n} differ)"
    return True, f"identical indices ({want[0].shape[0]} kept)"
