"""The grading loop a learner lives in, timed: ``pytest exercises/NN_slug``, a full grade, a fresh clone.

- ``pytest exercises/NN_slug`` for each kata, warm (one run first, not timed): as committed (the stub, whose
  tests fail) and with the reference solution copied in (a copy of the folder, outside the repository).
- A fresh clone to a first report: ``git clone`` of the repository's committed HEAD into a temporary folder,
  then ``make grade`` there (it creates the clone's ``.venv``, installs, builds the Cython baselines and grades
  the stubs). The clone is deleted afterwards.
- A full grade of every kata, warm, in that clone with its own ``.venv`` (as a learner runs it): ``make grade``
  (the stubs) and ``make grade ARGS="--impl solutions"`` (every kata solved, speed checks included), each
  after one untimed run (for the solutions, that run compiles the numba baselines into the clone's cache).
  Without the clone (``--skip-clone``): ``python -m grader`` in this tree with the bench's python.

Each figure is a wall-clock time of the whole command, as a learner waits for it.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.paths import REPO

TARGETS = {"pytest": 1.5, "grade": 45.0, "clone": 240.0}


def _katas():
    sys.path.insert(0, str(REPO))
    from grader import registry

    return list(registry.KATAS)


def _run(cmd, cwd, timeout=1800, env=None) -> tuple[float, int, str]:
    """(seconds, exit code, output) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - t0, proc.returncode, proc.stdout + proc.stderr


def _tail(output: str, lines: int = 3) -> str:
    """The last lines of an output, without this machine's folders (the tails are saved in loop.json)."""
    text = "\n".join(output.strip().splitlines()[-lines:])
    for folder, name in ((str(REPO), "<repo>"), (tempfile.gettempdir(), "<tmp>"), (str(Path.home()), "~")):
        text = text.replace(folder, name)
    return text


def _repeat(cmd, cwd, repeats: int, env=None, warm: bool = True) -> dict:
    if warm:
        _run(cmd, cwd, env=env)  # bytecode, numba cache, file cache
    runs = [_run(cmd, cwd, env=env) for _ in range(repeats)]
    times = [s for s, _, _ in runs]
    return {
        "median_s": statistics.median(times),
        "max_s": max(times),
        "min_s": min(times),
        "runs": len(times),
        "exit_codes": sorted({c for _, c, _ in runs}),
        "tail": _tail(runs[-1][2]),
    }


def pytest_times(python: str, repeats: int = 3, log=print) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kata in _katas():
            stub = _repeat([python, "-m", "pytest", f"exercises/{kata.folder}", "-q"], REPO, repeats)
            solved_dir = Path(tmp) / kata.folder
            shutil.copytree(REPO / "exercises" / kata.folder, solved_dir, ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(REPO / "solutions" / kata.folder / kata.filename, solved_dir / kata.filename)
            solved = _repeat([python, "-m", "pytest", kata.folder, "-q", "-p", "no:cacheprovider"], tmp, repeats)
            rows.append({"kata": kata.label, "stub": stub, "solved": solved})
            log(
                f"[loop] pytest exercises/{kata.folder}: stub {stub['median_s']:.2f} s, "
                f"solved {solved['median_s']:.2f} s (exit {solved['exit_codes']})"
            )
    return rows


def _grade_summary(report_path: Path) -> dict:
    report = json.loads(report_path.read_text())
    return {
        "points": report["points"],
        "max_points": report["max_points"],
        "katas": {
            k["kata"]: {
                "seconds": k["seconds"],
                "points": k["points"],
                "speed_ratio": k["checks"].get("speed", {}).get("ratio"),
            }
            for k in report["katas"]
        },
    }


def grade_times(python: str, repeats: int = 2, log=print) -> dict:
    """The warm grades in this tree, with ``python`` (when there is no clone to time them in)."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in (("stubs", []), ("solutions", ["--impl", "solutions"])):
            report = Path(tmp) / f"{label}.json"
            cmd = [python, "-m", "grader", *extra, "--quiet", "--json", str(report)]
            result = _repeat(cmd, REPO, repeats if label == "stubs" else 1)
            result.update(_grade_summary(report))
            out[label] = result
            log(
                f"[loop] python -m grader {' '.join(extra)}: {result['median_s']:.1f} s "
                f"({result['points']}/{result['max_points']} points)"
            )
    return out


def fresh_clone(repeats: int = 2, log=print) -> dict:
    """Clone, first ``make grade``, then the warm grades in the clone (with the learner's own venv)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL")}
    tmp = Path(tempfile.mkdtemp(prefix="cvkatas-clone-"))
    try:
        clone = tmp / "cv-katas"
        t_clone, code, output = _run(["git", "clone", "--quiet", str(REPO), str(clone)], tmp, env=env)
        if code:
            return {"error": f"git clone failed: {_tail(output)}"}
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True
        ).stdout.strip()
        first, code_first, output = _run(["make", "grade"], clone, env=env)
        # make exits 2 when the grader exits 1 (katas unsolved): the report is there if its total line is
        report_ok = any(line.startswith("total") for line in output.splitlines())
        log(
            f"[loop] fresh clone: git clone {t_clone:.1f} s, first make grade {first:.1f} s "
            f"({'report printed' if report_ok else 'NO REPORT'})"
        )
        out = {
            "commit": commit,
            "clone_s": t_clone,
            "first_grade_s": first,
            "first_report_s": t_clone + first,
            "first_exit": code_first,
            "first_report_ok": report_ok,
            "first_tail": _tail(output, 12),
            "grade": {},
        }
        for label, args in (("stubs", ""), ("solutions", "--impl solutions")):
            report = tmp / f"{label}.json"
            cmd = ["make", "grade", f"ARGS={args} --quiet --json {report}".strip()]
            warm_up, _, _ = _run(cmd, clone, env=env)  # stubs: already warm; solutions: numba fills its cache
            result = _repeat(cmd, clone, repeats if label == "stubs" else 1, env=env, warm=False)
            result.update(_grade_summary(report), first_s=warm_up)
            out["grade"][label] = result
            log(
                f"[loop] in the clone: make grade {args}: {result['median_s']:.1f} s warm "
                f"(first run {warm_up:.1f} s; {result['points']}/{result['max_points']} points)"
            )
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(python: str = sys.executable, clone: bool = True, log=print) -> dict:
    started = time.perf_counter()
    out = {"pytest": pytest_times(python, log=log)}
    if clone:  # the warm grades are timed in the clone, with the venv `make grade` made there
        out["clone"] = fresh_clone(log=log)
        if "error" not in out["clone"]:
            out["grade"], out["grade_where"] = out["clone"].pop("grade"), "clone"
    if "grade" not in out:
        out["grade"], out["grade_where"] = grade_times(python, log=log), "tree"
    out["seconds"] = time.perf_counter() - started
    return out
