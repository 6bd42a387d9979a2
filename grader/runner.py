"""Grades each kata in a subprocess of its own (``grader.harness``), under a time limit and an output cap.

A kata whose submission hangs, crashes the interpreter, exits, or floods its output loses the checks it
had not finished, with a one-line reason; the other katas are graded all the same.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

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
) -> KataResult:
    """Grade ``groups`` of one kata; never raises for anything the submission does.

    ``time_limit`` (seconds) overrides the registry's limit for the kata's whole subprocess.
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
    run_groups = list(groups)
    if "hidden" in groups and (hidden_tests is None or not (hidden_tests / kata.folder).is_dir()):
        where = hidden_tests / kata.folder if hidden_tests else "(none given)"
        finish("hidden", "unavailable", f"hidden tests not found at {where} (set --hidden or CVKATAS_HIDDEN_TESTS)")
        run_groups.remove("hidden")
    if run_groups:
        records, reason, tail, setup_error = _run_harness(
            kata, impl_file, visible_tests, hidden_tests, run_groups, time_limit or kata.time_limit
        )
        result.output_tail = tail
        result.setup_error = setup_error
        for g in run_groups:
            rec = records.get(g)
            if rec is not None:
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


def _run_harness(kata, impl_file, visible_tests, hidden_tests, groups, time_limit):
    """Run the harness; return (records by group, reason-for-missing-group, output tail, setup error)."""
    read_fd, write_fd = os.pipe()
    spec = {
        "slug": kata.slug,
        "impl_file": str(impl_file),
        "visible_tests": str(visible_tests),
        "hidden_tests": str(hidden_tests / kata.folder) if hidden_tests else None,
        "groups": groups,
        "channel_fd": write_fd,
    }
    env = {**os.environ, **SINGLE_THREAD_ENV, "PYTHONUNBUFFERED": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.harness", json.dumps(spec)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        env=env,
        start_new_session=True,  # so a kill reaches anything the submission started too
    )
    os.close(write_fd)

    records: dict[str, dict] = {}
    state = {"current": "import", "setup_error": None, "done": False, "flooded": False}

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
                    state["current"] = rec["started"]
                elif "setup_error" in rec:
                    state["setup_error"] = str(rec["setup_error"])
                elif rec.get("done"):
                    state["done"] = True
                elif rec.get("group") in groups and "status" in rec:
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
    return records, reason, tail, state["setup_error"]


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
