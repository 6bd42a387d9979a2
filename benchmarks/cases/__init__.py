"""Benchmark cases: for each kata, the operations, sizes and implementations that ``bench.py`` times.

A :class:`Case` is one operation at one size. It builds its seeded inputs once (every implementation gets the
same ones, in whatever form it takes: NumPy arrays, torch tensors, COCO objects) and lists its
implementations: the reference solution (``solutions/NN_slug/slug.py``), the compiled baseline
(``grader.baselines.<slug>``) and the production library. Each implementation returns NumPy data, so that the
results can be checked against each other before anything is timed.

The katas are the registry's (``grader/registry.py``); the cases of a kata are the module
``benchmarks/cases/<slug>.py``. A kata without one is not timed, and the report says so.

The case modules use only the kata contract of the baselines (the public functions), not their speed
workloads, so the benchmark measures whatever the baselines are when it runs.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.paths import BENCH, REPO
from grader import registry
from grader.registry import Kata

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


def case_kata(module_name: str) -> Kata:
    """The kata a case module measures: the one whose slug names the module (``benchmarks.cases.<slug>``)."""
    return registry.find(module_name.rsplit(".", 1)[-1])


def case_file(kata: Kata) -> Path:
    return BENCH / "cases" / f"{kata.slug}.py"


def without_cases(katas: list[str] | None = None) -> list[Kata]:
    """The named katas (all when None) that have no case module, so nothing of theirs is timed."""
    return [k for k in registry.select(katas or []) if not case_file(k).is_file()]


def _case_modules(katas: list[str] | None):
    for kata in registry.select(katas or []):
        if case_file(kata).is_file():
            yield kata, importlib.import_module(f"benchmarks.cases.{kata.slug}")


def load_reference(kata: Kata):
    """The kata's reference solution, imported under a private module name."""
    path = kata.solution_path(REPO)
    spec = importlib.util.spec_from_file_location(f"_bench_reference_{kata.slug}", path)
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


def load_baseline(kata: Kata):
    try:
        return importlib.import_module(kata.baseline_module)
    except Exception as exc:  # noqa: BLE001  (a baseline being rebuilt: report it, time the rest)
        return _Unavailable(exc)


def all_cases(katas: list[str] | None = None, quick: bool = False) -> list[Case]:
    """Every case of the named katas (all when None). ``quick``: the smallest size of each op only."""
    return [case for _, module in _case_modules(katas) for case in module.cases(quick)]


def kata_notes(katas: list[str] | None = None) -> dict[str, str]:
    """{slug: the case module's NOTE}: what is compared with what, shown at the top of the kata's section."""
    return {kata.slug: getattr(module, "NOTE", "") for kata, module in _case_modules(katas)}


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
