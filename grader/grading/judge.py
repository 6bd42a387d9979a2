"""Judges one kata in a process of its own: the tests, the comparisons and the timing. It never runs submission code.

Forked for each kata by :mod:`grader.grading.zygote`, on the runner's request. The judge copies the submission
into a scratch folder, starts the worker in the sandbox (:mod:`grader.grading.sandbox`), which imports it, and
installs in ``sys.modules`` a stand-in module whose functions forward every call to the
worker (:mod:`grader.grading.proxy`). The visible and hidden tests then run here, unchanged, with pytest; the
speed check runs the compiled baseline here and times the worker's round trips by the judge's own clock.

Results go to the runner as JSON lines on a pipe of their own. The worker inherits none of the judge's file
descriptors and, in a sandbox, cannot see the judge's process or files at all. Each group is announced when it
starts, so the runner can tell which check a hang interrupted.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from grader.grading import profiling, proxy, sandbox, timing, wire
from grader.grading.outcomes import error_lines, one_line, tests_status
from grader.grading.process import signal_name
from grader.registry import find
from grader.results import Refusal, Status

WHILE_IMPORTING = "while importing the submission"


class Channel:
    """Writes JSON records to the result pipe inherited from the runner."""

    def __init__(self, fd: int):
        self._fd = fd

    def send(self, **record) -> None:
        data = (json.dumps(record) + "\n").encode()
        while data:
            data = data[os.write(self._fd, data) :]


def where(stage: str) -> str:
    return WHILE_IMPORTING if stage == "import" else f"during the {stage} checks"


class Session:
    """The worker for one kata: started, asked to import the submission, watched, and started again after a
    call that the judge had to stop (a test's timeout), so the next group of checks still runs."""

    def __init__(self, kata, impl_file: Path, backend: sandbox.Backend, limits: sandbox.Limits):
        self.kata, self.backend, self.limits = kata, backend, limits
        self.scratch = sandbox.prepare_scratch(Path(tempfile.mkdtemp(prefix="cv-katas-")), impl_file)
        self.scratch.hidden = sandbox.hidden_packages(kata.forbidden_imports)
        self.worker: proxy.WorkerProcess | None = None
        self.functions: list[str] = []
        self.tasks_at_start = 0

    def start(self) -> proxy.WorkerProcess:
        argv, env = sandbox.worker_command(self.backend, self.scratch, self.limits)
        cwd = str(self.scratch.root) if self.backend is sandbox.Backend.NONE else None
        self.worker = proxy.WorkerProcess(argv, env, output_fd=1, cwd=cwd, preexec_fn=sandbox.preexec(self.backend))
        self.worker.echo(None)  # the worker is up: its own threads and processes are the ones to expect
        self.tasks_at_start = sandbox.task_count(self.backend, self.worker.proc.pid)
        return self.worker

    def load(self) -> dict:
        """Import the submission in the worker: the reply has ``functions`` or ``raised``, and ``violations``."""
        reply = self.worker.request(
            {
                "op": "import",
                "module": self.kata.module,
                "functions": list(self.kata.functions),
                "forbidden": self.kata.forbidden_imports,
            }
        )
        self.functions = [f for f in reply.get("functions", []) if f in self.kata.functions]
        return reply

    def install(self, lazy: bool = False):
        module = proxy.submission_module(self.worker, self.kata.module, self.functions, lazy=lazy)
        if not lazy:
            sys.modules[self.kata.module] = module
        return module

    def ended_by_itself(self) -> bool:
        """The worker's process is gone, and not because the judge stopped it."""
        return self.worker is not None and not self.worker.alive() and self.worker.broken != proxy.STOPPED

    def stopped_by_judge(self) -> bool:
        return self.worker is not None and self.worker.broken == proxy.STOPPED

    def end_reason(self, stage: str) -> str:
        """How the worker's process ended, and where: the same words whatever the sandbox."""
        code = self.worker.proc.poll()
        sig = sandbox.exit_signal(self.backend, code)
        if sig is not None:
            return f"crashed: the process was killed by {signal_name(sig)} {where(stage)}"
        if self.worker.broken and self.worker.broken not in ("ended", proxy.STOPPED):
            return f"did not complete: the submission's process {self.worker.broken} {where(stage)}"
        return (
            f"did not complete: the process exited with code {code} {where(stage)} "
            "(sys.exit or os._exit in the submission?)"
        )

    def interference(self) -> str | None:
        """What the submission left running between calls (threads, processes), which would slow the
        baseline down while it is timed."""
        now = sandbox.task_count(self.backend, self.worker.proc.pid)
        if now > self.tasks_at_start:
            return (
                f"the submission left {now - self.tasks_at_start} threads or processes running during the speed check"
            )
        return None

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
        self.scratch.cleanup()

    def restart(self) -> bool:
        """A fresh worker after the judge stopped the last one mid-call; False when it cannot start."""
        try:
            self.worker.close()
            self.start()
            self.load()
        except proxy.WorkerGone:
            return False
        self.install()
        return True


class _Collector:
    """A pytest plugin that records each test's outcome and a one-line failure message."""

    def __init__(self):
        self.outcomes: dict[str, tuple[str, str]] = {}  # nodeid -> (outcome, one-line message of a failure)
        self.collect_errors: list[str] = []

    def pytest_configure(self, config):
        # Only the crash line of a failure is kept, and it is the same in every style. pytest's default long
        # traceback, with source excerpts of every frame, takes longer to build than most tests take to run:
        # the hidden tests of an untouched stub ran three times as long with it.
        config.option.tbstyle = "native"

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


class TestTimeout(Exception):
    """A test ran past the kata's per-test limit."""


class _PerTestTimeout:
    """A pytest plugin: each test's call stops after ``seconds``, and the group stops at its first timeout
    (the worker was stopped mid-call; the next group starts a fresh one)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False

    def _expire(self, signum, frame):
        raise TestTimeout(f"timed out after {self.seconds:g} s")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        previous = signal.signal(signal.SIGALRM, self._expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            outcome = yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        excinfo = outcome.excinfo
        if excinfo is not None and excinfo[0] is TestTimeout:
            self.fired = True
            item.session.shouldstop = "a test timed out"


def _short_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return one_line(crash.message if crash is not None else str(report.longrepr), limit=300)


def run_tests(paths: list[str], *, hidden: bool, timeout: float, exitfirst: bool = False) -> dict:
    """Run pytest in this process on ``paths`` and summarise the outcome as a group record."""
    collector = _Collector()
    folder = os.path.dirname(paths[0])
    args = [
        *paths,
        "-c",
        os.devnull,  # ignore the repository's own pytest configuration
        "--rootdir",
        folder,
        # Under `-c os.devnull` pytest would list every directory from / down to the tests (all of /tmp, say:
        # seconds on a busy machine) before collecting them.
        "--confcutdir",
        folder,
        # No plugin installed beside the grader (pytest-randomly, pytest-timeout: the judge's own per-test limit
        # below reports "timed out after N s"; one that marks every test passed) loads, and none costs its import.
        "--disable-plugin-autoload",
        "-p",
        "no:terminal",  # results come from the collector; nothing of a test's source is printed
        "-p",
        "no:cacheprovider",
        "-s",
        "--noconftest",  # a conftest.py beside the tests is not the grader's
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if hidden:
        args.append("--assert=plain")
    if exitfirst:
        args.append("--exitfirst")
    limit = _PerTestTimeout(timeout)
    exit_code = pytest.main(args, plugins=[collector, limit])

    failures = [(nodeid.split("::")[-1], msg) for nodeid, (o, msg) in collector.outcomes.items() if o == "failed"]
    passed = sum(1 for o, _ in collector.outcomes.values() if o == "passed")
    total = len(collector.outcomes)
    record = {"passed": passed, "total": total, "failures": [{"test": t, "message": m} for t, m in failures[:20]]}
    if collector.collect_errors:
        return {
            **record,
            "status": Status.ERROR,
            "message": f"the tests could not be collected: {collector.collect_errors[0]}",
        }
    completed = exit_code in (0, 1) or (limit.fired and exit_code == pytest.ExitCode.INTERRUPTED)
    status = tests_status(passed, total, (m for _, m in failures), completed=completed)
    if status == Status.ERROR:
        message = f"no test ran to completion (pytest exit code {int(exit_code)})"
    elif status == Status.PASSED:
        message = f"{passed}/{total} tests passed"
    elif status == Status.NOT_STARTED:
        message = "not started: every function still raises NotImplementedError"
    else:
        message = f"{len(failures)} of {total} failed; first: {failures[0][0]}: {failures[0][1]}"
        if limit.fired:
            message += " (the tests after a timeout were not run)"
    return {**record, "status": status, "message": message}


# --- speed ---------------------------------------------------------------------------------------------------


def _stage(worker: proxy.WorkerProcess, inputs):
    """Hand the round's arrays to the worker (outside the clock) and put stand-ins for them in ``inputs``."""
    arrays: dict[int, np.ndarray] = {}

    def swap(v):
        if type(v) is not np.ndarray:
            return v
        key = -(len(arrays) + 1)  # the judge's handles are negative, the worker's positive
        arrays[key] = v
        return proxy.Remote(worker, key, "input")

    staged = wire.map_leaves(inputs, swap)
    worker.drop()
    worker.store(arrays)
    worker.calls = 0
    return staged


def _materialize(worker: proxy.WorkerProcess, value):
    """``value`` with every stand-in for an object in the worker replaced by the object, fetched at once."""
    pending = [v for v in wire.leaves(value) if type(v) is proxy.Remote]
    fetched = dict(zip((id(r) for r in pending), worker.fetch(pending))) if pending else {}

    def replace(v):
        if type(v) is not proxy.Remote:
            return v
        got = fetched[id(v)]
        if type(got) is proxy.Remote:  # still not plain data: an object that does its work later, say
            raise TypeError(f"the submission returned a {v._type}, not NumPy arrays")
        return got

    return wire.map_leaves(value, replace)


class Transport:
    """The pipe's own cost for one round of the workload: fetching a result of the baseline's size and one
    request per call. Measured before the submission is loaded, so the submission cannot inflate it."""

    def __init__(self, worker: proxy.WorkerProcess, sample_output, repeats: int = 7):
        worker.store({-1: sample_output})
        stand_in = proxy.Remote(worker, -1, "sample")
        fetches, requests = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            worker.fetch([stand_in])
            fetches.append(time.perf_counter() - start)
            requests.append(worker.echo(None))
        worker.drop()
        self.fetch = float(np.median(fetches))
        self.request = float(np.median(requests))

    def cost(self, calls: int) -> float:
        return self.fetch + calls * self.request


def run_speed(kata, baseline, session: Session, transport: Transport, explain: bool = False) -> dict:
    """Time the submission against the baseline, by the judge's clock, on inputs from a secret seed."""
    worker = session.worker
    module = session.install(lazy=True)
    seed = secrets.randbits(64)

    def idle():
        problem = session.interference()
        if problem:
            raise timing.Interference(problem)

    try:
        result = timing.measure(
            baseline.make_inputs,
            baseline.run_baseline,
            lambda staged: _materialize(worker, baseline.run_submission(module, staged)),
            baseline.compare,
            kata.speed_target,
            lambda k: np.random.default_rng([seed, k]),
            prepare=lambda inputs: _stage(worker, inputs),
            overhead=lambda: transport.cost(worker.calls),
            idle=idle,
        )
    except timing.Interference as exc:
        return {"status": Status.FAILED, "message": Refusal.TAMPERING.says(str(exc)), "refusal": Refusal.TAMPERING}
    except proxy.WorkerGone:
        return {"status": Status.ERROR, "message": session.end_reason("speed")}
    except (proxy.SubmissionError, Exception) as exc:  # noqa: BLE001  (the submission raised, or sent junk)
        return {
            "status": Status.FAILED,
            "message": one_line(f"the speed workload failed: {type(exc).__name__}: {exc}", 300),
        }
    message = result.message
    if explain and not result.passed and result.ratio is not None:  # too slow: where the time goes, as advice
        message = profiling.explain_slowness(message, kata, baseline, session, _stage)
    return {
        "status": Status.PASSED if result.passed else Status.FAILED,
        "message": message,
        "ratio": result.ratio,
        "target": kata.speed_target,
        "baseline_ms": result.baseline_ms,
        "submission_ms": result.submission_ms,
        "rounds": result.rounds,
        "ratios": result.ratios,
        "lower_bound": result.lower_bound,
        "workload": baseline.WORKLOAD,
    }


# --- one kata ------------------------------------------------------------------------------------------------


def _pin_to_one_cpu() -> int | None:
    """Run on one CPU (the worker is pinned to the same one): the baseline and the submission take turns
    on it, so a busy other core changes both alike."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def judge(spec: dict, channel: Channel) -> None:
    kata = find(spec["slug"])
    groups: list[str] = spec["groups"]
    timing.warm_malloc()
    baseline = None  # only the speed check runs it (numba's import alone is a third of a second)
    if "speed" in groups:
        try:
            baseline = importlib.import_module(kata.baseline_module)
        except Exception as exc:  # noqa: BLE001  (a grader installation problem, not the learner's)
            channel.send(setup_error=f"the compiled baseline {kata.baseline_module} failed to load: {exc!r}")
            return
    backend = sandbox.Backend(spec["sandbox"])
    limits = sandbox.Limits(
        memory_bytes=spec["memory_bytes"], cpu_seconds=int(spec["time_limit"]) + 30, cpu=_pin_to_one_cpu()
    )
    session = Session(kata, Path(spec["impl_file"]), backend, limits)
    try:
        _judge_groups(kata, groups, spec, baseline, session, channel)
    finally:
        session.close()


def _judge_groups(kata, groups, spec, baseline, session: Session, channel: Channel) -> None:
    channel.send(started="import")
    try:
        worker = session.start()
        transport = (
            Transport(worker, baseline.run_baseline(baseline.make_inputs(np.random.default_rng(0))))
            if "speed" in groups
            else None
        )
    except (proxy.WorkerGone, sandbox.SandboxUnavailable) as exc:
        channel.send(
            setup_error=f"the {session.backend.value} sandbox could not start the submission's process ({exc})"
        )
        return
    try:
        reply = session.load()
    except proxy.WorkerGone:
        reply = {"gone": True}
    refused = _refusal(reply)
    if refused or "raised" in reply or "gone" in reply:
        filename = os.path.basename(spec["impl_file"])
        for group in groups:
            if refused:
                channel.send(group=group, status=Status.FAILED, message=refused, refusal=Refusal.FORBIDDEN)
            elif "gone" in reply:
                channel.send(group=group, status=Status.ERROR, message=session.end_reason("import"))
            else:
                channel.send(
                    group=group,
                    status=Status.ERROR,
                    message=f"importing {filename} failed: {_raised_message(reply['raised'])}",
                )
        return
    session.install()

    results: dict[str, dict] = {}
    ended_in: str | None = None  # the group during which the worker's process ended by itself
    for group in groups:
        channel.send(started=group)
        if ended_in is not None:
            code = session.worker.proc.poll()
            results[group] = {
                "status": Status.ERROR,
                "message": f"not run: the process ended {where(ended_in)} (exit code {code})",
            }
            channel.send(group=group, **results[group])
            continue
        if session.stopped_by_judge() and not session.restart():
            ended_in = group
            results[group] = {"status": Status.ERROR, "message": session.end_reason(group)}
            channel.send(group=group, **results[group])
            continue
        if group == "visible":
            results[group] = run_tests(
                [spec["visible_tests"]],
                hidden=False,
                timeout=spec["test_timeout"],
                exitfirst=spec.get("exitfirst", False),
            )
        elif group == "hidden":
            if results.get("visible", {}).get("status") == Status.NOT_STARTED:
                results[group] = {"status": Status.NOT_STARTED, "message": "not started"}
            else:
                results[group] = run_tests(
                    [spec["hidden_tests"]],
                    hidden=True,
                    timeout=spec["test_timeout"],
                    exitfirst=spec.get("exitfirst", False),
                )
        elif group == "speed":
            results[group] = _speed_group(kata, spec, baseline, session, transport, results)
        refused = _refusal({"violations": session.worker.violations})
        if refused:
            results[group] = {"status": Status.FAILED, "message": refused, "refusal": Refusal.FORBIDDEN}
        elif session.ended_by_itself():
            ended_in = group
            results[group] = {**results[group], "status": Status.ERROR, "message": session.end_reason(group)}
        channel.send(group=group, **results[group])


def _speed_group(kata, spec, baseline, session, transport, results) -> dict:
    # One rule wherever speed is graded (make grade, each classroom step, regrade): it counts only once the
    # visible tests and, where they are available, the hidden tests pass. Graded alone, it runs them first.
    for group, path, hidden in (("visible", spec["visible_tests"], False), ("hidden", spec["hidden_tests"], True)):
        if group not in results and path and os.path.exists(path):
            results[group] = run_tests([path], hidden=hidden, timeout=spec["test_timeout"], exitfirst=True)
        if group in results and results[group]["status"] != Status.PASSED:
            break  # the hidden tests are the slow ones: not run behind visible tests that already block
    blocking = [g for g in ("visible", "hidden") if g in results and results[g]["status"] != Status.PASSED]
    if blocking:
        status = Status.NOT_STARTED if results[blocking[0]]["status"] == Status.NOT_STARTED else Status.SKIPPED
        return {"status": status, "message": f"not timed: the {blocking[0]} tests must pass first"}
    if session.ended_by_itself():
        return {"status": Status.ERROR, "message": session.end_reason("speed")}
    if session.stopped_by_judge() and not session.restart():
        return {"status": Status.ERROR, "message": session.end_reason("speed")}
    return run_speed(kata, baseline, session, transport, explain=spec.get("explain", False))


def _refusal(reply) -> str | None:
    """The first forbidden import the worker's guard reported, as the refusal's message."""
    violations = reply.get("violations") if isinstance(reply, dict) else None
    if isinstance(violations, list) and violations and isinstance(violations[0], str):
        return one_line(violations[0], 300)
    return None


def _raised_message(described) -> str:
    """``SyntaxError: expected ':' (iou.py, line 4)``: the exception the worker described, as it named it."""
    if not (isinstance(described, list) and len(described) == 3 and all(isinstance(x, str) for x in described)):
        return "an exception the grader could not read"
    name = described[1] if described[1].replace(".", "").replace("_", "").isalnum() else "an exception"
    return one_line(f"{name[:80]}: {described[2]}", 300)


def main(spec: dict) -> None:
    """Judge ``spec`` and end the process (its worker and its threads with it)."""
    channel = Channel(spec["channel_fd"])
    judge(spec, channel)
    channel.send(done=True)
    sys.stdout.flush()
    os._exit(0)
