"""Interleaved timing of several implementations of one case, in one process.

Lessons from timing on a small shared machine (kept here because each one moved results by 2x or more):

- Allocation can dominate: a fresh process returns large freed blocks to the kernel and pays page faults
  to get them back on the next call. :func:`grader.grading.timing.warm_malloc` keeps freed memory in the heap (as the grader's
  harness does), so a call measures its code, not the kernel's page zeroing; the page faults each call still
  takes are recorded and shown.
- Interleave: round ``r`` runs every implementation, in an order that rotates and reverses from round to
  round, so a slow phase of the machine hits all of them alike; the figure is the median over rounds.
- Thread pools spin after their work is done (OpenBLAS ~0.1 s, OpenMP ~10-20 ms). A call made while another
  library's pool still spins on the other core runs up to 2x slower, so with several threads we pause
  before any call that follows one which used a different pool; by then the pool about to be timed has
  gone to sleep too, so an untimed call wakes it first (as back-to-back calls in production find it).
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import traceback

from benchmarks.cases import Case

SETTLE_SECONDS = 0.15


def _faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _call(fn, inputs):
    """(output, seconds, minor page faults) of one call, with the garbage collector held off."""
    gc.collect()
    gc.disable()
    try:
        f0 = _faults()
        t0 = time.perf_counter()
        out = fn(inputs)
        seconds = time.perf_counter() - t0
        faults = _faults() - f0
    finally:
        gc.enable()
    return out, seconds, faults


def measure(case: Case, rounds: int = 7, max_seconds: float = 20.0, settle: bool = False) -> dict:
    """Check that the implementations agree, then time them; returns a JSON-ready record.

    ``rounds`` timed rounds follow one warm-up call of each implementation (which compiles, fills caches and
    gives the outputs that are checked); after three rounds the case stops early once ``max_seconds``
    have passed. ``settle``: pause between calls that use different thread pools.
    """
    record = {
        "kata": case.kata,
        "op": case.op,
        "size": case.size,
        "note": case.note,
        "targets": [vars(t) for t in case.targets],
        "impls": {},
        "agreement": {},
    }
    inputs = case.make_inputs()
    # Everything alive now (modules, inputs) is left out of the collections made before each call: with
    # torch loaded a full collection takes ~0.25 s, as long as some of the calls it precedes.
    gc.collect()
    gc.freeze()
    try:
        return _measure(case, inputs, record, rounds, max_seconds, settle)
    finally:
        del inputs
        gc.unfreeze()
        gc.collect()


def _measure(case, inputs, record, rounds, max_seconds, settle) -> dict:
    outputs, live = {}, []
    for impl in case.impls:
        try:
            out, seconds, _ = _call(impl.fn, inputs)
        except Exception as exc:  # a broken implementation is reported, the others still timed
            record["impls"][impl.name] = {"role": impl.role, "error": f"{type(exc).__name__}: {exc}"}
            traceback.print_exc(file=sys.stderr)
            continue
        outputs[impl.name] = out
        record["impls"][impl.name] = {"role": impl.role, "first_call_ms": seconds * 1e3}
        live.append(impl)
    oracle = case.oracle.name
    if oracle in outputs:
        for name, out in outputs.items():
            if name != oracle:
                ok, detail = case.agree(out, outputs[oracle])
                record["agreement"][name] = {"ok": bool(ok), "detail": detail, "against": oracle}
    del outputs, out

    times = {impl.name: [] for impl in live}
    faults = {impl.name: [] for impl in live}
    start, previous_pool = time.perf_counter(), None
    rounds = case.rounds or rounds
    for r in range(rounds):
        k = r % max(len(live), 1)
        order = live[k:] + live[:k]
        if r % 2:
            order.reverse()
        for impl in order:
            if settle and previous_pool is not None and previous_pool != impl.pool:
                time.sleep(SETTLE_SECONDS)
                if impl.pool is not None:
                    # the pool has gone to sleep meanwhile; waking it costs a small op more than the op
                    # (torch batch-1 conv: 8 ms instead of 3), and production calls come back to back
                    _call(impl.fn, inputs)
            out, seconds, nfaults = _call(impl.fn, inputs)
            del out
            times[impl.name].append(seconds)
            faults[impl.name].append(nfaults)
            previous_pool = impl.pool
        if r + 1 >= 3 and time.perf_counter() - start > max_seconds:
            break
    for impl in live:
        t = times[impl.name]
        record["impls"][impl.name].update(
            median_ms=statistics.median(t) * 1e3,
            min_ms=min(t) * 1e3,
            max_ms=max(t) * 1e3,
            rounds=len(t),
            faults_per_call=statistics.median(faults[impl.name]),
        )
    return record
