"""Shared helpers for the grader's own tests: run the grader as a learner would, and lay out submissions."""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = Path(__file__).with_name("submissions")
KNOWN_BAD = sorted(p for p in SUBMISSIONS.glob("*/*.py") if not p.name.startswith("_"))


def caught_by(path: Path):
    """A known-bad submission's ``CAUGHT_BY``: "hidden", "speed" or None."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CAUGHT_BY" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path} does not declare CAUGHT_BY")


def batches(paths: list[Path]) -> list[dict[str, Path]]:
    """Known-bad submissions in batches for one grader run each: batch k holds the k-th submission of each kata
    (``{slug: file}``)."""
    out: list[dict[str, Path]] = []
    seen: dict[str, int] = {}
    for path in paths:
        slug = path.parent.name
        k = seen[slug] = seen.get(slug, -1) + 1
        if k == len(out):
            out.append({})
        out[k][slug] = path
    return out


# The known-bad submissions whose speed check runs: correct, so visible and hidden pass.
SPEED_BATCHES = batches([p for p in KNOWN_BAD if caught_by(p) != "hidden"])


def load_speed_stability():
    spec = importlib.util.spec_from_file_location("speed_stability", REPO / "benchmarks" / "speed_stability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_configure(config):
    """Under pytest-xdist, each worker keeps to its own share of the CPUs. The grader pins each kata's judge
    and worker to the highest CPU it may use, so without this every worker's grading would share one core."""
    worker, count = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if worker and count and hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        index, count = int(worker.removeprefix("gw")), int(count)
        if len(cpus) > 1 and count > 1:
            os.sched_setaffinity(0, set(cpus[index % len(cpus) :: count]))


# Fixtures that study speed verdicts with the machine's other core kept busy: every test using one is a timing
# test. (A test that only expects a reference solution's clear verdict, as the classroom's solved course does,
# needs no more than a core of its own, which every part of the suite has; the stability study shows those
# verdicts hold with the other cores busy.)
TIMING_FIXTURES = {"solutions_run", "busy_speed_checks"}


def pytest_collection_modifyitems(config, items):
    """Mark ``timing`` every test that reads a timing fixture, so that it runs in the timing part of the suite
    (``make test``: serially, on a core no other test uses; tests/suite.py); under pytest-xdist they are skipped,
    since a speed verdict measured beside other tests on the same cores proves nothing. Then put the modules with the longest work first (those with
    ``notebooks`` tests, then those with ``slow`` ones), each module kept whole: pytest-xdist (``--dist loadscope
    --no-loadscope-reorder``) hands out work in this order, so that no long module starts last."""
    beside_others = os.environ.get("PYTEST_XDIST_WORKER") is not None
    for item in items:
        if TIMING_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.timing)
        if beside_others and item.get_closest_marker("timing"):
            item.add_marker(pytest.mark.skip(reason="a timing test: run it without -n, alone (make test does)"))
    rank: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        weight = 0 if item.get_closest_marker("notebooks") else 1 if item.get_closest_marker("slow") else 2
        rank[module] = min(rank.get(module, 2), weight)
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])  # stable: each module's order is kept


@dataclass
class GradeRun:
    code: int
    stdout: str
    stderr: str
    report: dict | None

    def kata(self, slug: str) -> dict:
        return next(k for k in self.report["katas"] if k["kata"] == slug)

    def status(self, slug: str, group: str) -> str:
        return self.kata(slug)["checks"][group]["status"]

    def message(self, slug: str, group: str) -> str:
        return self.kata(slug)["checks"][group]["message"]


def run_grader(*args: str, tmp_path: Path) -> GradeRun:
    """``python -m grader ARGS --json FILE``, run in this process as the command line runs it.

    The grader only judges here: each kata is graded in a judge forked from its zygote, where the submission
    runs in its own process, as from the command line. The zygote stays with this test process from one call to
    the next, so a batch of katas graded against torch imports it once per test process, not once per call."""
    from grader import cli

    out = tmp_path / f"report-{len(list(tmp_path.glob('report-*.json')))}.json"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = cli.main([*args, "--json", str(out), "--quiet"])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    report = json.loads(out.read_text()) if out.exists() else None
    return GradeRun(int(code), stdout.getvalue(), stderr.getvalue(), report)


def kata_folder(slug: str) -> str:
    from grader.registry import find

    return find(slug).folder


def make_impl(root: Path, slug: str, source: str | Path) -> Path:
    """Lay out a submission for ``slug`` under ``root`` as exercises/ is laid out, with the reference
    solution beside it as ``_reference.py`` (the known-bad submissions import from it)."""
    folder = root / kata_folder(slug)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "solutions" / folder.name / f"{slug}.py", folder / "_reference.py")
    target = folder / f"{slug}.py"
    if isinstance(source, Path):
        shutil.copy(source, target)
    else:
        target.write_text(source)
    return root


def make_batch(root: Path, submissions: dict[str, Path]) -> Path:
    """One folder laid out like exercises/ holding one submission for each of several katas (``{slug: file}``):
    one grader run grades them all, each kata still in a subprocess of its own."""
    for slug, path in submissions.items():
        make_impl(root, slug, path)
    return root


def copy_solution(root: Path, slug: str) -> Path:
    folder = kata_folder(slug)
    (root / folder).mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "solutions" / folder / f"{slug}.py", root / folder / f"{slug}.py")
    return root


@pytest.fixture(scope="session")
def solutions_run(tmp_path_factory) -> GradeRun:
    """One full grading of the reference solutions, with the machine's other core kept busy (the harder case for
    the speed checks), shared by the tests that read it."""
    with load_speed_stability().busy_core(True):
        return run_grader("--impl", "solutions", tmp_path=tmp_path_factory.mktemp("solutions"))


@pytest.fixture(scope="session")
def stubs_run(tmp_path_factory) -> GradeRun:
    """One full grading of the generated stubs in exercises/."""
    return run_grader(tmp_path=tmp_path_factory.mktemp("stubs"))


@pytest.fixture(scope="session")
def busy_speed_checks() -> dict[tuple[str, str], dict]:
    """The speed check of every known-bad submission that reaches it (``CAUGHT_BY = "speed"`` or None), graded
    once, ``--only speed``, with the machine's other core kept busy: ``{(slug, "known-bad-K"): check}`` (batch K
    of ``SPEED_BATCHES``). Read by test_known_bad.py and test_speed_stability.py.

    Their hidden tests are checked apart (test_known_bad.py, with the tests that time nothing), so the speed
    check's gate runs the visible tests only here (``hidden_gate=False``): the hidden ones are not run twice."""
    from grader import registry

    variants = {f"known-bad-{k}": batch for k, batch in enumerate(SPEED_BATCHES)}
    results = load_speed_stability().study(
        list(registry.KATAS), runs=1, busy=True, variants=variants, hidden_gate=False
    )
    return {key: checks[0] for key, checks in results.items()}


class Watch:
    """``python -m grader watch ARGS`` in a learner's copy at ``root`` (importing this checkout's grader), its
    output read line by line as it comes."""

    def __init__(self, root: Path, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader", "watch", *args],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(REPO)},  # the copy has no grader/ of its own
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # a terminal's Ctrl-C must reach it even when the test runner ignores SIGINT
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30) -> str:
        """The next line matching ``pattern``; the process is killed if none comes within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.proc.kill()
                raise AssertionError(
                    f"no line matching {pattern!r} within {timeout} s; output:\n" + "\n".join(self.seen)
                )
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def finish(self, timeout: float = 30) -> int:
        """Its exit status once it stops by itself (``--max-runs``)."""
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            while not self.lines.empty():
                self.seen.append(self.lines.get())

    def stop(self) -> int:
        """Ctrl-C, as a learner stops it; its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.finish(20)
