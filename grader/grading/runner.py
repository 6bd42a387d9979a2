"""Grades each kata in a subprocess of its own (``grader.grading.harness``), under a time limit and an output cap.

A kata whose submission hangs, crashes the interpreter, exits, or floods its output loses the checks it
had not finished, with a one-line reason; the other katas are graded all the same. A submission whose source
imports a forbidden module is not run at all. Only records carrying the run's one-time token count; a
forged one voids the kata.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from grader.grading.guard import scan_source
from grader.registry import GROUPS, Kata
from grader.results import CheckResult, KataResult

OUTPUT_CAP = 16 * 2**20  # bytes a kata's process may print before it is stopped
TAIL = 4096

# One thread everywhere: the baselines are single-threaded, so the comparison is fair and stable even
# when the machine's other cores are busy.
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}


def grade_kata(
    kata: Kata,
    impl_file: Path,
    visible_tests: Path,
    hidden_tests: Path | None,
    groups: list[str],
    time_limit: float | None = None,
    exitfirst: bool = False,
) -> KataResult:
    """Grade ``groups`` of one kata; never raises for anything the submission does.

    ``time_limit`` (seconds) overrides the registry's limit for the kata's whole subprocess. ``exitfirst``
    stops each group of tests at its first failure: enough to know whether a submission is caught.
    """
    started = time.monotonic()
    checks: dict[str, CheckResult] = {}
    result = KataResult(kata, checks, str(impl_file))

    def finish(group: str, status: str, message: str, **extra) -> None:
        points = kata.points.of(group) if status == "passed" else 0
        checks[group] = CheckResult(group, status, message, points, kata.points.of(group), **extra)

    if not impl_file.is_file():
        for g in groups:
            finish(g, "error", f"missing file {impl_file}")
        return result
    if not visible_tests.is_file():
        for g in groups:
            finish(g, "error", f"missing visible tests {visible_tests}")
        return result
    forbidden = _static_violations(kata, impl_file)
    if forbidden:
        for g in groups:
            finish(g, "failed", forbidden)
        return result
    run_groups = list(groups)
    if "hidden" in groups and (hidden_tests is None or not (hidden_tests / kata.folder).is_dir()):
        where = hidden_tests / kata.folder if hidden_tests else "(none given)"
        finish("hidden", "unavailable", f"hidden tests not found at {where} (set --hidden or CVKATAS_HIDDEN_TESTS)")
        run_groups.remove("hidden")
    if run_groups:
        records, reason, tail, setup_error, void = _run_harness(
            kata, impl_file, visible_tests, hidden_tests, run_groups, time_limit or kata.time_limit, exitfirst
        )
        result.output_tail = tail
        result.setup_error = setup_error
        for g in run_groups:
            rec = records.get(g)
            if void:
                finish(g, "failed", void)
            elif rec is not None:
                extra = {
                    "passed_tests": rec.get("passed"),
                    "total_tests": rec.get("total"),
                    "failures": rec.get("failures", []),
                    "ratio": rec.get("ratio"),
                    "target": rec.get("target"),
                    "details": {k: rec[k] for k in ("baseline_ms", "submission_ms", "rounds", "ratios", "lower_bound", "workload") if k in rec},
                }
                finish(g, rec["status"], rec["message"], **extra)
            elif setup_error:
                finish(g, "error", setup_error)
            else:
                finish(g, "error", reason(g))
    result.checks = {g: checks[g] for g in GROUPS if g in checks}
    result.seconds = time.monotonic() - started
    return result


def _static_violations(kata: Kata, impl_file: Path) -> str | None:
    """The first forbidden import or construct in the submission's source, as a one-line message."""
    try:
        found = scan_source(impl_file.read_text(encoding="utf-8", errors="replace"), kata.forbidden_imports)
    except (SyntaxError, ValueError):  # the harness reports the syntax error when it imports the file
        return None
    if not found:
        return None
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return found[0].message(impl_file.name) + more


def _run_harness(kata, impl_file, visible_tests, hidden_tests, groups, time_limit, exitfirst=False):
    """Run the harness; return (records by group, reason-for-missing-group, output tail, setup error, void).

    ``void`` is a reason to fail every group whatever the records say: tampering the harness detected, or a
    record on the result channel without the run's token (written by the submission, not the harness).
    """
    token = secrets.token_hex(16)
    read_fd, write_fd = os.pipe()
    spec = {
        "slug": kata.slug,
        "impl_file": str(impl_file),
        "visible_tests": str(visible_tests),
        "hidden_tests": str(hidden_tests / kata.folder) if hidden_tests else None,
        "groups": groups,
        "exitfirst": exitfirst,
        "channel_fd": write_fd,
    }
    env = {**os.environ, **SINGLE_THREAD_ENV, "PYTHONUNBUFFERED": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.grading.harness", json.dumps(spec)],
        stdin=subprocess.PIPE,  # carries the token, read (and stdin closed) before the submission is imported
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        env=env,
        start_new_session=True,  # so a kill reaches anything the submission started too
    )
    os.close(write_fd)
    try:
        proc.stdin.write(token.encode() + b"\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass

    records: dict[str, dict] = {}
    state = {"current": "import", "setup_error": None, "done": False, "flooded": False, "void": None}
    forged = "tampering: records the grader did not write appeared on its result channel"

    def read_channel():
        with os.fdopen(read_fd, "rb") as pipe:
            for line in pipe:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(rec, dict):
                    continue
                if rec.pop("token", None) != token or state["done"]:
                    state["void"] = forged
                elif "void" in rec:
                    state["void"] = state["void"] or str(rec["void"])
                elif "started" in rec:
                    state["current"] = rec["started"]
                elif "setup_error" in rec:
                    state["setup_error"] = str(rec["setup_error"])
                elif rec.get("done"):
                    state["done"] = True
                elif rec.get("group") in groups and "status" in rec:
                    if rec["group"] in records:
                        state["void"] = forged
                    records[rec["group"]] = rec

    output = bytearray()
    total = [0]

    def read_output():
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):
            total[0] += len(chunk)
            output.extend(chunk)
            del output[:-TAIL]
            if total[0] > OUTPUT_CAP and not state["flooded"]:
                state["flooded"] = True
                _kill(proc)

    threads = [threading.Thread(target=read_channel, daemon=True), threading.Thread(target=read_output, daemon=True)]
    for t in threads:
        t.start()
    timed_out = False
    try:
        proc.wait(timeout=time_limit)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill(proc)
        proc.wait()
    for t in threads:
        t.join(timeout=5)

    stage = state["current"]
    where = "while importing the submission" if stage == "import" else f"during the {stage} checks"
    code = proc.returncode

    def reason(group: str) -> str:
        if state["flooded"]:
            return f"stopped: the submission printed more than {OUTPUT_CAP // 2**20} MB {where}"
        if timed_out:
            return f"did not finish: grading hit the {time_limit:g} s limit {where} (an endless loop?)"
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"crashed: the process was killed by {name} {where}"
        if group != stage and stage in GROUPS and groups.index(group) > groups.index(stage):
            return f"not run: the process ended {where} (exit code {code})"
        return f"did not complete: the process exited with code {code} {where} (sys.exit or os._exit in the submission?)"

    tail = output.decode("utf-8", "replace")
    return records, reason, tail, state["setup_error"], state["void"]


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
