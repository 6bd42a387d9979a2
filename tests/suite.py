"""The whole test suite in two lanes at once, each on its own CPUs: `make test` runs this.

The timing tests assert speed verdicts, which must hold with the machine's other cores busy; the rest of the
suite keeps them busy. So the timing tests run serially on the last CPU, followed there by the notebook tests,
while everything else runs on the other CPUs (pytest-xdist, one worker per CPU, when there are several). Every
process the grader starts inherits its lane's CPUs, and each judge pins itself to one of them, so the lanes
never share a core. A timing test that needs the other cores busy starts a busy loop only once the other lane
has ended (``benchmarks/speed_stability.busy_core``); the others then run on a quiet machine, which their
verdicts must also survive.

With a single CPU the tests that time nothing run first, then the timing tests. The timing lane's output
streams to the terminal; the other lane's goes to a log file, printed once both have ended. The exit status is
the first non-zero one of the two (pytest's 5, nothing selected, counts as success).

Usage: ``python tests/suite.py [PYTEST ARGS ...]``: the arguments go to both lanes.
"""

from __future__ import annotations

import os
import shlex
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
TIMING, NOTEBOOKS, OTHERS = "timing", "notebooks and not timing", "not timing and not notebooks"


def pytest_command(marker: str, workers: int, extra: list[str]) -> list[str]:
    command = [sys.executable, "-m", "pytest", "tests", "-q", "-m", marker, *extra]
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
            f"tests: the timing tests, then the notebook tests, on CPU {cpus[-1]}; the others beside them on CPU "
            f"{', '.join(map(str, sorted(other_cpus)))} (their output follows when they end)",
            flush=True,
        )
        others = subprocess.Popen(
            pytest_command(OTHERS, len(other_cpus), extra),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=pinned(other_cpus),
        )
        # The notebook tests follow on the same core: about two minutes that the other lane would otherwise add
        # after the timing tests end.
        timing = subprocess.Popen(
            [
                "/bin/sh",
                "-c",
                f"{shlex.join(pytest_command(TIMING, 1, extra))}; first=$?; "
                f"{shlex.join(pytest_command(NOTEBOOKS, 1, extra))}; second=$?; "
                f"[ $first -eq {NOTHING_SELECTED} ] && first=0; [ $second -eq {NOTHING_SELECTED} ] && second=0; "
                f"[ $first -ne 0 ] && exit $first; exit $second",
            ],
            cwd=REPO,
            env={**os.environ, OTHER_CORES_LOADED: str(others.pid)},
            preexec_fn=pinned(timing_cpus),
        )
        others_took = None
        try:
            while timing.poll() is None or others.poll() is None:
                if others_took is None and others.poll() is not None:
                    others_took = time.monotonic() - started
                time.sleep(0.5)
        except KeyboardInterrupt:
            for proc in (timing, others):
                proc.terminate()
            return ExitCode.INTERRUPTED
        others_took = others_took or time.monotonic() - started
        log.seek(0)
        print(f"\ntests that time nothing ({others_took:.0f} s):", flush=True)
        sys.stdout.write(log.read())
    return status(others.returncode) or status(timing.returncode)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
