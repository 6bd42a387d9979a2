"""The whole test suite in two lanes at once, each on its own CPUs: `make test` runs this.

The timing tests assert speed verdicts, which must hold with the machine's other cores busy; the rest of the
suite keeps them busy. So the timing tests run serially on the last CPU, while everything else runs on the
other CPUs (pytest-xdist, one worker per CPU, when there are several). Every process the grader starts
inherits its lane's CPUs, and each judge pins itself to one of them, so the lanes never share a core. A timing
test that needs the other cores busy starts a busy loop only once the other lane has ended
(``benchmarks/speed_stability.busy_core``); the others then run on a quiet machine, which their verdicts must
also survive.

Once the timing tests end, the untimed modules of ``AFTER_TIMING`` follow them on the last CPU (the nbgrader
course): chosen so that both lanes take about as long, as measured on a 2-core machine.

With a single CPU the tests that time nothing run first, then the timing tests. The timing lane's output
streams to the terminal; the other lane's goes to a log file, printed once both have ended. The exit status is
the first non-zero one of the two (pytest's 5, nothing selected, counts as success).

Usage: ``python tests/suite.py [PYTEST ARGS ...]``: the arguments go to both lanes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the checkout's benchmarks/ and grader/

from benchmarks.speed_stability import OTHER_CORES_LOADED  # noqa: E402
from grader.exits import ExitCode  # noqa: E402

NOTHING_SELECTED = 5
TIMING, UNTIMED = "timing", "not timing"
# Untimed modules that run after the timing tests, on their CPU: about 1.5 of the 6 minutes of untimed tests.
AFTER_TIMING = ("tests/test_notebooks.py",)


def pytest_command(marker: str, workers: int, extra: list[str], paths=("tests",), ignore=()) -> list[str]:
    command = [sys.executable, "-m", "pytest", *paths, "-q", "-m", marker, *extra]
    command += [f"--ignore={path}" for path in ignore]
    if workers > 1:
        # one worker per CPU, each taking a whole module (or class) at a time, the longest first
        command += ["-n", str(workers), "--dist", "loadscope", "--no-loadscope-reorder"]
    return command


def pinned(cpus: set[int]):
    return lambda: os.sched_setaffinity(0, cpus)


def status(code: int) -> int:
    return 0 if code == NOTHING_SELECTED else code


def main(extra: list[str]) -> int:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        print("tests: one CPU: the tests that time nothing, then the timing tests", flush=True)
        first = subprocess.call(pytest_command("not timing", 1, extra), cwd=REPO)
        second = subprocess.call(pytest_command(TIMING, 1, extra), cwd=REPO)
        return status(first) or status(second)

    timing_cpus, other_cpus = {cpus[-1]}, set(cpus[:-1])
    started = time.monotonic()
    with tempfile.NamedTemporaryFile("w+", prefix="cvkatas-tests-", suffix=".log") as log:
        print(
            f"tests: the timing tests, then {', '.join(Path(p).stem for p in AFTER_TIMING)}, on CPU {cpus[-1]}; "
            f"the others beside them on CPU "
            f"{', '.join(map(str, sorted(other_cpus)))} (their output follows when they end)",
            flush=True,
        )
        others = subprocess.Popen(
            pytest_command(UNTIMED, len(other_cpus), extra, ignore=AFTER_TIMING),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=pinned(other_cpus),
        )
        # the timing lane: the timing tests, then the untimed modules that follow them on the same CPU
        queued = [pytest_command(TIMING, 1, extra), pytest_command(UNTIMED, 1, extra, paths=AFTER_TIMING)]
        timing_env = {**os.environ, OTHER_CORES_LOADED: str(others.pid)}

        def start_timing_step() -> subprocess.Popen:
            return subprocess.Popen(queued.pop(0), cwd=REPO, env=timing_env, preexec_fn=pinned(timing_cpus))

        timing, timing_codes = start_timing_step(), []
        others_took = None
        try:
            while timing is not None or others.poll() is None:
                if others_took is None and others.poll() is not None:
                    others_took = time.monotonic() - started
                if timing is not None and timing.poll() is not None:
                    timing_codes.append(status(timing.returncode))
                    timing = start_timing_step() if queued else None
                time.sleep(0.5)
        except KeyboardInterrupt:
            for proc in (timing, others):
                if proc is not None:
                    proc.terminate()
            return ExitCode.INTERRUPTED
        others_took = others_took or time.monotonic() - started
        log.seek(0)
        print(f"\ntests that time nothing ({others_took:.0f} s):", flush=True)
        sys.stdout.write(log.read())
    return status(others.returncode) or next((code for code in timing_codes if code), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
