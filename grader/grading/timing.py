"""Timing a submission against its compiled baseline: interleaved rounds, ratio of medians, judged outside.

The judge runs the baseline itself and times each call of the submission's code as a round trip to the
sandboxed worker, by its own clock; whatever the worker measures or reports about time is never used. Every
round draws fresh inputs from a secret seed, hands them to the worker before the clock starts, runs both
implementations on them (alternating which goes first) and verifies the submission's output, so a submission
cannot win by remembering or precomputing answers. The pipe's own cost, measured before the submission was
loaded, is subtracted from each submission time. The verdict compares ``median(submission) /
median(baseline)`` with the kata's target.
"""

from __future__ import annotations

import ctypes
import gc
import signal
import statistics
import time
from dataclasses import dataclass, field

# Looked up once: these run inside timed regions.
_perf_counter = time.perf_counter
_median = statistics.median
_setitimer = signal.setitimer
_signal = signal.signal
_gc_collect, _gc_disable, _gc_enable = gc.collect, gc.disable, gc.enable


def warm_malloc() -> None:
    """Keep freed memory in the heap (glibc: no trimming, no mmap for big blocks), so that timed calls
    measure the code rather than the page faults of getting memory back from the kernel."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_max = -1, -4
    libc.mallopt(m_mmap_max, 0)
    libc.mallopt(m_trim_threshold, 2**31 - 1)  # INT_MAX: never give the top of the heap back


class TooSlow(Exception):
    """Raised inside a submission's call when it runs past its time budget."""


@dataclass
class SpeedResult:
    passed: bool
    message: str
    ratio: float | None = None
    baseline_ms: float | None = None
    submission_ms: float | None = None
    rounds: int = 0
    ratios: list[float] = field(default_factory=list)
    lower_bound: bool = False  # the call was stopped: the true ratio is at least ``ratio``


def _on_alarm(signum, frame):
    raise TooSlow()


def _timed(fn, args, budget: float | None):
    """(result, seconds) of ``fn(args)``; raises TooSlow when it runs longer than ``budget`` seconds."""
    _gc_collect()
    _gc_disable()
    if budget is not None:
        previous = _signal(signal.SIGALRM, _on_alarm)
        _setitimer(signal.ITIMER_REAL, budget)
    try:
        start = _perf_counter()
        result = fn(args)
        elapsed = _perf_counter() - start
    finally:
        if budget is not None:
            _setitimer(signal.ITIMER_REAL, 0)
            _signal(signal.SIGALRM, previous)
        _gc_enable()
    return result, elapsed


def _cut_short(budget: float, base_time: float, target: float) -> SpeedResult:
    ratio = budget / base_time
    return SpeedResult(
        False,
        f"too slow: one call was stopped after {budget:.1f} s, over {ratio:.0f}x the baseline's "
        f"{base_time * 1e3:.1f} ms (target <= {target:g}x)",
        ratio=ratio,
        baseline_ms=base_time * 1e3,
        lower_bound=True,
    )


# A call is stopped once it has run this many times the target (one call of a reference solution takes a fifth of
# the target or less, so a first call's own costs never come near it).
CUT_AT = 3.0
MIN_ROUNDS = 3
# Rounds that all land this many times inside (or outside) the target have decided the verdict: the median of
# more rounds could not cross the target without most of them moving by that factor. Stopping there halves a
# clear verdict's time (most of them: the reference solutions run at a fifth of their targets or less).
DECISIVE = 2.0


def _decided(ratios: list[float], target: float) -> bool:
    return max(ratios) * DECISIVE <= target or min(ratios) >= target * DECISIVE


class Interference(Exception):
    """The submission left work running that would slow the baseline down while it is timed."""


def measure(
    make_inputs,
    run_baseline,
    run_submission,
    compare,
    target: float,
    rng_for_round,
    rounds: int = 7,
    max_seconds: float = 12.0,
    prepare=lambda inputs: inputs,
    overhead=lambda: 0.0,
    idle=lambda: None,
) -> SpeedResult:
    """Time ``run_submission`` against ``run_baseline`` and judge the ratio of medians against ``target``.

    Args:
        make_inputs: ``rng -> inputs``: one workload.
        run_baseline, run_submission: ``inputs -> output``.
        compare: ``(submission_output, baseline_output) -> None | str`` (a reason when wrong).
        target: the largest passing ratio of submission time to baseline time.
        rng_for_round: ``k -> numpy Generator``: a fresh generator for round ``k``.
        rounds: timed rounds after the warm-up round.
        max_seconds: soft limit on the whole measurement; at least ``MIN_ROUNDS`` rounds run, and no more once
            every ratio so far is decisively inside or outside the target (``DECISIVE``).
        prepare: ``inputs -> inputs`` for the submission, run before its clock starts (hands the inputs over).
        overhead: ``() -> seconds`` of the last submission time that were the transport's, not the submission's.
        idle: raises :class:`Interference` when the submission has work running between its calls.
    """
    start = _perf_counter()
    # Warm-up round: compiles/caches the baseline, checks the answer, and sizes the time budget.
    inputs = make_inputs(rng_for_round(0))
    expected, _ = _timed(run_baseline, inputs, None)
    expected, base_time = _timed(run_baseline, inputs, None)
    # A call that takes several times the target is failing anyway: stop it there, rather than time the three
    # rounds of a clear verdict (a Python loop at 3.3x the target took 19 s to be told so).
    budget = max(CUT_AT * target * base_time + overhead(), 1.0)

    def submission(inputs):
        got, elapsed = _timed(run_submission, prepare(inputs), budget)
        # The floor keeps a ratio meaningful when a submission is faster than the pipe's measured cost.
        return got, max(elapsed - overhead(), 0.05 * elapsed)

    def baseline(inputs):
        idle()
        return _timed(run_baseline, inputs, None)

    try:
        got, _ = submission(inputs)
    except TooSlow:
        return _cut_short(budget, base_time, target)
    reason = compare(got, expected)
    if reason:
        return SpeedResult(False, f"wrong answer on the speed workload: {reason}")

    base_times, sub_times, ratios = [], [], []
    for k in range(1, rounds + 1):
        inputs = make_inputs(rng_for_round(k))
        try:
            if k % 2:
                expected, tb = baseline(inputs)
                got, ts = submission(inputs)
            else:
                got, ts = submission(inputs)
                expected, tb = baseline(inputs)
        except TooSlow:
            return _cut_short(budget, _median(base_times or [base_time]), target)
        reason = compare(got, expected)
        if reason:
            return SpeedResult(False, f"wrong answer on the speed workload (round {k}): {reason}")
        base_times.append(tb)
        sub_times.append(ts)
        ratios.append(ts / tb)
        if k >= MIN_ROUNDS and (_perf_counter() - start > max_seconds or _decided(ratios, target)):
            break

    base_ms, sub_ms = _median(base_times) * 1e3, _median(sub_times) * 1e3
    ratio = sub_ms / base_ms
    passed = ratio <= target
    verdict = "fast enough" if passed else "too slow"
    return SpeedResult(
        passed,
        f"{verdict}: {ratio:.1f}x the baseline ({sub_ms:.1f} ms vs {base_ms:.1f} ms; target <= {target:g}x)",
        ratio=ratio,
        baseline_ms=base_ms,
        submission_ms=sub_ms,
        rounds=len(base_times),
        ratios=ratios,
    )
