"""Grades one kata inside its own subprocess: imports the submission, runs its check groups, times it.

Started by :mod:`grader.grading.runner` as ``python -m grader.grading.harness SPEC_JSON``, with a one-time token on stdin.
The submission's process is untrusted, so everything the harness relies on (the result channel, the timer,
the baseline, the comparison helpers, pytest) is bound before the submission is imported; an import guard
refuses forbidden modules while it runs; and after the import and after every check group the harness
verifies that nothing it relies on was replaced (``grader.grading.guard``). Results go to a dedicated pipe as JSON
lines carrying the token, never to stdout, so nothing a submission prints or writes can pass for a result.
Each group is announced when it starts, so the parent can tell which check a crash or a hang interrupted.
"""
from __future__ import annotations

import builtins
import importlib
import importlib.util
import json
import os
import sys
import threading
import time

import numpy as np
import pytest
from _pytest import reports as _pytest_reports
from _pytest import runner as _pytest_runner

from grader.grading import checks, outcomes, timing
from grader.grading.guard import ImportGuard, Snapshot
from grader.grading.outcomes import error_lines, one_line, tests_status
from grader.registry import find
from grader.results import Refusal, Refused, Status

_write, _dumps, _enumerate_threads, _waitpid = os.write, json.dumps, threading.enumerate, os.waitpid
_says_tampering = Refusal.TAMPERING.says  # bound, as the line above, before any submission can replace it
SPEED_SEED = 20261122


class Channel:
    """Writes JSON records, each carrying the run's token, to the result pipe inherited from the parent."""

    def __init__(self, fd: int, token: str):
        self._fd = fd
        self._token = token

    def send(self, **record) -> None:
        data = (_dumps({**record, "token": self._token}) + "\n").encode()
        while data:
            data = data[_write(self._fd, data):]


def _read_token() -> str:
    """The token the parent wrote on stdin; stdin is then closed, so the submission can't read it again."""
    token = sys.stdin.readline().strip()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return token


class Integrity:
    """Forbidden imports seen at run time, and objects the harness relies on that the submission replaced."""

    def __init__(self, guard: ImportGuard, snapshot: Snapshot):
        self._guard, self._snapshot = guard, snapshot

    def problem(self, *, idle: bool = False) -> Refused | None:
        if self._guard.violations:
            return Refused(Refusal.FORBIDDEN, self._guard.violations[0])
        replaced = self._snapshot.changed()
        if replaced:
            more = f" and {len(replaced) - 1} more" if len(replaced) > 1 else ""
            return _tampering(f"the submission replaced {replaced[0]}{more}, which the grader relies on")
        if idle:
            # Work left running in the background would slow the baseline down while it is timed.
            if len(_enumerate_threads()) > 1:
                return _tampering("the submission left threads running during the speed check")
            try:
                if _waitpid(-1, os.WNOHANG) == (0, 0):
                    return _tampering("the submission left child processes running during the speed check")
            except ChildProcessError:
                pass
        return None


def _tampering(detail: str) -> Refused:
    return Refused(Refusal.TAMPERING, _says_tampering(detail))


def import_submission(module_name: str, path: str):
    """Import the learner's file as module ``module_name`` (so tests can ``import`` it by that name)."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)  # lets a submission import helper modules of its own from its folder
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


class _Collector:
    """A pytest plugin that records each test's outcome and a one-line failure message."""

    def __init__(self):
        self.outcomes: dict[str, tuple[str, str]] = {}  # nodeid -> (outcome, one-line message of a failure)
        self.collect_errors: list[str] = []

    def pytest_collectreport(self, report):
        if report.failed:
            lines = error_lines(str(report.longrepr))
            self.collect_errors.append(lines[-1] if lines else _short_message(report))

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            if report.nodeid in self.outcomes and self.outcomes[report.nodeid][0] == "failed":
                return  # keep the first failure (a failing teardown after a failing call adds nothing)
            if report.skipped:
                return
            self.outcomes[report.nodeid] = (report.outcome, _short_message(report) if report.failed else "")


def _short_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return one_line(crash.message if crash is not None else str(report.longrepr), limit=300)


def run_tests(paths: list[str], *, hidden: bool, timeout: float, exitfirst: bool = False) -> dict:
    """Run pytest in this process on ``paths`` and summarise the outcome as a group record."""
    collector = _Collector()
    args = [
        *paths,
        "-c", os.devnull,  # ignore the repository's own pytest configuration
        "--rootdir", os.path.dirname(paths[0]),
        "-p", "no:terminal",  # results come from the collector; nothing of a test's source is printed
        "-p", "no:cacheprovider",
        "-p", "no:randomly",
        "-s",  # a submission's prints go straight to the (capped) output pipe, never to a buffer
        "--noconftest",  # a conftest.py beside the submission could rewrite the outcomes
        "-p", "timeout",
        f"--timeout={timeout:g}",
        "--timeout-method=signal",
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if hidden:
        args.append("--assert=plain")
    if exitfirst:
        args.append("--exitfirst")
    exit_code = _pytest_main(args, plugins=[collector])

    failures = [(nodeid.split("::")[-1], msg) for nodeid, (o, msg) in collector.outcomes.items() if o == "failed"]
    passed = sum(1 for o, _ in collector.outcomes.values() if o == "passed")
    total = len(collector.outcomes)
    record = {"passed": passed, "total": total, "failures": [{"test": t, "message": m} for t, m in failures[:20]]}
    if collector.collect_errors:
        return {**record, "status": Status.ERROR, "message": f"the tests could not be collected: {collector.collect_errors[0]}"}
    status = tests_status(passed, total, (m for _, m in failures), completed=exit_code in (0, 1))
    if status == Status.ERROR:
        message = f"no test ran to completion (pytest exit code {int(exit_code)})"
    elif status == Status.PASSED:
        message = f"{passed}/{total} tests passed"
    elif status == Status.NOT_STARTED:
        message = "not started: every function still raises NotImplementedError"
    else:
        message = f"{len(failures)} of {total} failed; first: {failures[0][0]}: {failures[0][1]}"
    return {**record, "status": status, "message": message}


_pytest_main, _default_rng, _measure = pytest.main, np.random.default_rng, timing.measure


def run_speed(kata, workload: dict, module) -> dict:
    """Time the submission against the baseline; ``workload`` holds the baseline's functions, bound early."""
    run_submission = workload["run_submission"]
    result = _measure(
        workload["make_inputs"],
        workload["run_baseline"],
        lambda inputs: run_submission(module, inputs),
        workload["compare"],
        kata.speed_target,
        lambda k: _default_rng([SPEED_SEED, k]),
    )
    return {
        "status": Status.PASSED if result.passed else Status.FAILED,
        "message": result.message,
        "ratio": result.ratio,
        "target": kata.speed_target,
        "baseline_ms": result.baseline_ms,
        "submission_ms": result.submission_ms,
        "rounds": result.rounds,
        "ratios": result.ratios,
        "lower_bound": result.lower_bound,
        "workload": workload["title"],
    }


def main(spec: dict) -> None:
    channel = Channel(spec["channel_fd"], _read_token())
    kata = find(spec["slug"])
    groups: list[str] = spec["groups"]
    timing.warm_malloc()

    try:
        baseline = importlib.import_module(kata.baseline_module)
    except Exception as exc:  # a grader installation problem, not the learner's
        channel.send(setup_error=f"the compiled baseline {kata.baseline_module} failed to load: {exc!r}")
        return
    workload = {
        "title": baseline.WORKLOAD,
        **{name: getattr(baseline, name) for name in ("make_inputs", "run_baseline", "run_submission", "compare")},
    }

    guard = ImportGuard(os.path.dirname(spec["impl_file"]), kata.forbidden_imports, exempt=(spec["visible_tests"],))
    guard.install()
    snapshot = Snapshot(
        [np, np.random, np.linalg, np.testing, builtins, time, os, json, checks, outcomes, timing, baseline,
         sys.modules[__name__], pytest, _pytest_runner, _pytest_reports],
        [_Collector, Channel, Integrity, Status, Refusal, Refused, _pytest_reports.TestReport, _pytest_reports.BaseReport,
         _pytest_runner.CallInfo],
    )
    integrity = Integrity(guard, snapshot)

    channel.send(started="import")
    try:
        module = import_submission(kata.module, spec["impl_file"])
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import are the submission's fault too
        refused = integrity.problem()
        failed = f"importing {os.path.basename(spec['impl_file'])} failed: {type(exc).__name__}: {exc}"
        for group in groups:
            if refused:
                channel.send(group=group, status=Status.FAILED, message=refused.message, refusal=refused.refusal)
            else:
                channel.send(group=group, status=Status.ERROR, message=failed)
        channel.send(done=True)
        return

    results: dict[str, dict] = {}
    for group in groups:
        problem = integrity.problem()
        if problem:
            channel.send(void=problem.message, refusal=problem.refusal)
            break
        channel.send(started=group)
        if group == "visible":
            results[group] = run_tests([spec["visible_tests"]], hidden=False, timeout=kata.test_timeout,
                                       exitfirst=spec.get("exitfirst", False))
        elif group == "hidden":
            if results.get("visible", {}).get("status") == Status.NOT_STARTED:
                results[group] = {"status": Status.NOT_STARTED, "message": "not started"}
            else:
                results[group] = run_tests([spec["hidden_tests"]], hidden=True, timeout=kata.test_timeout,
                                           exitfirst=spec.get("exitfirst", False))
        elif group == "speed":
            gate = [g for g in ("visible", "hidden") if g in results]
            if not gate:  # graded alone: the visible tests still have to pass first
                results["gate"] = run_tests([spec["visible_tests"]], hidden=False, timeout=kata.test_timeout)
                gate = ["gate"]
            blocking = [g for g in gate if results[g]["status"] != Status.PASSED]
            if blocking:
                status = Status.NOT_STARTED if results[blocking[0]]["status"] == Status.NOT_STARTED else Status.SKIPPED
                what = "visible" if blocking[0] == "gate" else blocking[0]
                results[group] = {"status": status, "message": f"not timed: the {what} tests must pass first"}
            else:
                problem = integrity.problem(idle=True)
                if problem:
                    channel.send(void=problem.message, refusal=problem.refusal)
                    break
                results[group] = run_speed(kata, workload, module)
        problem = integrity.problem()
        if problem:
            channel.send(void=problem.message, refusal=problem.refusal)
            break
        channel.send(group=group, **results[group])
    channel.send(done=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
    sys.stdout.flush()
    # Leave without running a submission's atexit handlers or finalizers.
    os._exit(0)
