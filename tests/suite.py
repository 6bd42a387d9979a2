"""The whole test suite in two parts at once, each on its own CPUs: `make test` runs this.

The timing tests assert speed verdicts, which must hold with the machine's other cores busy; the rest of the
suite keeps them busy. So the timing tests run serially on the last CPU, then the notebook tests there, and
everything else runs beside them on the other CPUs (pytest-xdist, one worker per CPU, when there are several). Every process the grader starts
inherits its part's CPUs, and each judge pins itself to one of them, so the two parts never share a core. The
timing tests that need the other cores busy start a busy loop only once the other part has ended
(``benchmarks/speed_stability.busy_core``); the others run quiet after that, which their verdicts must also
survive.

With a single CPU the two parts run one after the other. The timing part's output streams to the terminal; the
other part's goes to a log file, printed once that part ends. The exit status is the first non-zero one of
the two (pytest's 5, nothing selected, counts as success).

Usage: ``python tests/suite.py [PYTEST ARGS ...]``: the arguments go to both parts.
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
OTHER_CORES_LOADED = "CVKATAS_OTHER_CORES_LOADED"
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
        # Then the notebook tests, on the same core: they fill the time the other part takes beyond the timing
        # tests (about two minutes), and the timing tests are then sure to have the other core busy throughout.
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
            return 130
        others_took = others_took or time.monotonic() - started
        log.seek(0)
        print(f"\ntests that time nothing ({others_took:.0f} s):", flush=True)
        sys.stdout.write(log.read())
    return status(others.returncode) or status(timing.returncode)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
