"""``python -m grader.baselines``: run every baseline once on its speed workload, so that numba compiles the
kernels into its on-disk cache now (at setup, with a progress line) rather than during a learner's first grade."""

import importlib
import sys
import time

import numpy as np

from grader.registry import KATAS

for kata in KATAS:
    start = time.perf_counter()
    baseline = importlib.import_module(kata.baseline_module)
    baseline.run_baseline(baseline.make_inputs(np.random.default_rng(0)))
    print(f"        {kata.label:<14} {kata.baseline_kind:<6} {time.perf_counter() - start:5.1f} s", file=sys.stderr)
