"""Grades each kata in a judge process of its own (``grader.grading.judge``), under a time limit and an output cap.

The judge runs the tests and the timing; the submission runs in the worker that the judge starts in the
sandbox. A kata whose submission hangs, crashes its process, exits, or floods its output loses the checks it
had not finished, with a one-line reason; the other katas are graded all the same. A submission whose source
imports a forbidden module is not run at all. When the judge's process ends, so does everything it started
(the sandbox dies with its parent, and the runner kills the judge's whole process group).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading import zygote
from grader.grading.guard import scan_source
from grader.grading.process import signal_name
from grader.grading.sandbox import SINGLE_THREAD_ENV, Backend
from grader.registry import GROUPS, Kata
from grader.results import CheckResult, KataResult, Refusal, Refused, Status

OUTPUT_CAP = 16 * 2**20  # bytes a kata's process may print before it is stopped
TAIL = 4096


def grade_kata(
    kata: Kata,
    impl_file: Path,
    visible_tests: Path,
    hidden_tests: Path | None,
    groups: list[str],
    time_limit: float | None = None,
    test_timeout: float | None = None,
    exitfirst: bool = False,
    sandbox: Backend = Backend.NONE,
    memory_bytes: int = 8 * 2**30,
    explain: bool = False,
) -> KataResult:
    """Grade ``groups`` of one kata; never raises for anything the submission does.

    ``time_limit`` (seconds) overrides the registry's limit for the kata's whole subprocess, ``test_timeout``
    its limit on any one test. ``exitfirst``
    stops each group of tests at its first failure: enough to know whether a submission is caught.
    ``sandbox`` is where the submission's code runs (:mod:`grader.grading.sandbox`), with ``memory_bytes``.
    ``explain`` adds, to a too-slow verdict, where the submission's time goes (a few seconds of profiling: for
    the learner, not for batch grading).
    """
    started = time.monotonic()
    checks: dict[str, CheckResult] = {}
    result = KataResult(kata, checks, str(impl_file))

    def finish(group: str, status: Status, message: str, **extra) -> None:
        points = kata.points.of(group) if status == Status.PASSED else 0
        checks[group] = CheckResult(group, status, message, points, kata.points.of(group), **extra)

    def refuse(group: str, refused: Refused) -> None:
        finish(group, Status.FAILED, refused.message, refusal=refused.refusal)

    if not impl_file.is_file():
        for g in groups:
            finish(g, Status.ERROR, f"missing file {impl_file}")
        return result
    if not visible_tests.is_file():
        for g in groups:
            finish(g, Status.ERROR, f"missing visible tests {visible_tests}")
        return result
    forbidden = _static_violations(kata, impl_file)
    if forbidden:
        for g in groups:
            refuse(g, forbidden)
        return result
    run_groups = list(groups)
    if "hidden" in groups and (hidden_tests is None or not kata.hidden_dir(hidden_tests).is_dir()):
        where = kata.hidden_dir(hidden_tests) if hidden_tests else "(none given)"
        finish(
            "hidden", Status.UNAVAILABLE, f"hidden tests not found at {where} (set --hidden or CVKATAS_HIDDEN_TESTS)"
        )
        run_groups.remove("hidden")
    if run_groups:
        run = _run_judge(
            kata,
            impl_file,
            visible_tests,
            hidden_tests,
            run_groups,
            time_limit or kata.time_limit,
            test_timeout or kata.test_timeout,
            exitfirst,
            sandbox,
            memory_bytes,
            explain,
        )
        result.output_tail = run.output_tail
        result.setup_error = run.setup_error
        for g in run_groups:
            rec = run.records.get(g)
            if rec is not None:
                extra = {
                    "passed_tests": rec.get("passed"),
                    "total_tests": rec.get("total"),
                    "failures": rec.get("failures", []),
                    "ratio": rec.get("ratio"),
                    "target": rec.get("target"),
                    "details": {
                        k: rec[k]
                        for k in ("baseline_ms", "submission_ms", "rounds", "ratios", "lower_bound", "workload")
                        if k in rec
                    },
                    "refusal": rec.get("refusal"),
                }
                finish(g, Status(rec["status"]), rec["message"], **extra)
            elif run.setup_error:
                finish(g, Status.ERROR, run.setup_error)
            else:
                finish(g, Status.ERROR, run.missing_reason(g))
    result.checks = {g: checks[g] for g in GROUPS if g in checks}
    result.seconds = time.monotonic() - started
    return result


def _static_violations(kata: Kata, impl_file: Path) -> Refused | None:
    """The first forbidden import or construct in the submission's source, as a one-line refusal."""
    try:
        found = scan_source(impl_file.read_text(encoding="utf-8", errors="replace"), kata.forbidden_imports)
    except (SyntaxError, ValueError):  # the worker reports the syntax error when it imports the file
        return None
    if not found:
        return None
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return Refused(Refusal.FORBIDDEN, found[0].message(impl_file.name) + more)


@dataclass
class JudgeRun:
    """What one run of the judge left behind: its records by group, and how its process ended."""

    groups: list[str]
    time_limit: float
    records: dict[str, dict] = field(default_factory=dict)
    output_tail: str = ""
    setup_error: str | None = None  # the grader's installation is broken: nothing says anything about the code
    stage: str = "import"  # what the process was doing last: importing the submission, or a group's checks
    returncode: int | None = None
    flooded: bool = False
    timed_out: bool = False

    def missing_reason(self, group: str) -> str:
        """Why ``group`` has no record: the way the process ended, and where."""
        where = "while importing the submission" if self.stage == "import" else f"during the {self.stage} checks"
        code = self.returncode
        if self.flooded:
            return f"stopped: the submission printed more than {OUTPUT_CAP // 2**20} MB {where}"
        if self.timed_out:
            return f"did not finish: grading hit the {self.time_limit:g} s limit {where} (an endless loop?)"
        if code is not None and code < 0:
            return f"crashed: the process was killed by {signal_name(-code)} {where}"
        if group != self.stage and self.stage in GROUPS and self.groups.index(group) > self.groups.index(self.stage):
            return f"not run: the process ended {where} (exit code {code})"
        return (
            f"did not complete: the process exited with code {code} {where} (sys.exit or os._exit in the submission?)"
        )


def _run_judge(
    kata,
    impl_file,
    visible_tests,
    hidden_tests,
    groups,
    time_limit,
    test_timeout,
    exitfirst,
    sandbox,
    memory_bytes,
    explain,
) -> JudgeRun:
    """Run the judge on ``groups`` of one kata, under ``time_limit`` seconds and the output cap."""
    read_fd, write_fd = os.pipe()
    spec = {
        "slug": kata.slug,
        "impl_file": str(impl_file),
        "visible_tests": str(visible_tests),
        "hidden_tests": str(kata.hidden_dir(hidden_tests)) if hidden_tests else None,
        "groups": groups,
        "exitfirst": exitfirst,
        "sandbox": sandbox.value,
        "memory_bytes": memory_bytes,
        "time_limit": time_limit,
        "test_timeout": test_timeout,
        "explain": explain,
        "channel_fd": write_fd,
    }
    # The judge's pytest is the grader's alone: no options or plugins from the environment (it loads no installed
    # plugin either: judge.run_tests). Nor the name of the test that pytest puts there when the grader is driven
    # from one (a test suite, a notebook's cell): it changes at every test, and a new environment means a new
    # zygote, so torch imported again per test.
    env = {**os.environ, **SINGLE_THREAD_ENV, "PYTHONUNBUFFERED": "1"}
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    out_read, out_write = os.pipe()  # the judge prints nothing; the submission's output arrives here
    # The hidden tests' imports are loaded once in the zygote. A speed check alone runs them only as its gate,
    # once the visible tests pass: its judge imports them itself if it gets there.
    hidden_file = kata.hidden_tests_path(hidden_tests) if hidden_tests and "hidden" in groups else None
    baseline = kata.baseline_module if "speed" in groups else None  # only the speed check runs the baseline
    run = JudgeRun(groups, time_limit)
    try:
        proc = zygote.start_judge(spec, env, out_write, write_fd, zygote.preloads(baseline, hidden_file, kata.module))
    except zygote.ZygoteGone as exc:
        run.setup_error = f"the grader could not start the kata's judge ({exc})"
        return run
    finally:
        os.close(write_fd)
        os.close(out_write)

    def read_channel():
        with os.fdopen(read_fd, "rb") as pipe:
            for line in pipe:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(rec, dict):
                    continue
                if "started" in rec:
                    run.stage = rec["started"]
                elif "setup_error" in rec:
                    run.setup_error = str(rec["setup_error"])
                elif rec.get("group") in groups and "status" in rec:
                    run.records[rec["group"]] = rec

    output = bytearray()
    total = 0

    def read_output():
        nonlocal total
        with os.fdopen(out_read, "rb", buffering=0) as pipe:
            for chunk in iter(lambda: pipe.read(65536), b""):
                total += len(chunk)
                output.extend(chunk)
                del output[:-TAIL]
                if total > OUTPUT_CAP and not run.flooded:
                    run.flooded = True
                    proc.kill()

    threads = [threading.Thread(target=read_channel, daemon=True), threading.Thread(target=read_output, daemon=True)]
    for t in threads:
        t.start()
    try:
        proc.wait(timeout=time_limit)
    except subprocess.TimeoutExpired:
        run.timed_out = True
    finally:
        proc.kill()  # also on Ctrl-C: nothing of the kata outlives it
        proc.wait()
    for t in threads:
        t.join(timeout=5)

    run.returncode = proc.returncode
    run.output_tail = output.decode("utf-8", "replace")
    return run
