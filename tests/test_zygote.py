"""Judges forked from the zygote: a fresh process per kata, whatever happened to the zygote or to the last judge."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_solution

from grader.grading import runner, zygote
from grader.grading.sandbox import Backend
from grader.registry import find
from grader.results import Status


def grade_visible(impl, slug="iou"):
    kata = find(slug)
    return runner.grade_kata(
        kata,
        kata.impl_path(impl),
        kata.visible_tests_path(REPO),
        None,
        ["visible"],
        sandbox=Backend.NONE,
    )


@pytest.fixture
def solved(tmp_path):
    return copy_solution(tmp_path / "impl", "iou")


def test_each_kata_gets_a_judge_of_its_own(solved, monkeypatch):
    seen = []
    start = zygote.start_judge

    def recording(*args, **kwargs):
        judge = start(*args, **kwargs)
        seen.append(judge.pid)
        return judge

    monkeypatch.setattr(zygote, "start_judge", recording)
    for _ in range(2):
        assert grade_visible(solved).checks["visible"].status == Status.PASSED
    assert len(set(seen)) == 2 and os.getpid() not in seen
    assert not zygote._running  # each was waited for


def test_a_killed_zygote_is_started_again(solved):
    assert grade_visible(solved).checks["visible"].status == Status.PASSED
    first = zygote._zygote
    os.kill(first._proc.pid, signal.SIGKILL)
    first._proc.wait()
    assert grade_visible(solved).checks["visible"].status == Status.PASSED
    assert zygote._zygote is not first and zygote._zygote.alive()


def test_a_new_environment_gets_a_new_zygote(solved, monkeypatch):
    grade_visible(solved)
    first = zygote._zygote
    monkeypatch.setenv("CVKATAS_TEST_MARK", "1")
    grade_visible(solved)
    assert zygote._zygote is not first and not first.alive()


def test_the_zygote_outlives_the_test_that_started_it(solved, monkeypatch):
    """pytest names the running test in the environment; the judge's environment leaves it out, so a grader
    driven from a test suite keeps its zygote (and the torch it imported) from one test to the next."""
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/test_a.py::test_one (setup)")
    grade_visible(solved)
    first = zygote._zygote
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/test_b.py::test_two (call)")
    assert grade_visible(solved).checks["visible"].status == Status.PASSED
    assert zygote._zygote is first and first.alive()


def test_stop_all_kills_the_running_judges_and_the_next_kata_is_graded(tmp_path, solved):
    hang = tmp_path / "hang"
    folder = hang / find("iou").folder
    folder.mkdir(parents=True)
    (folder / "iou.py").write_text("def box_area(b):\n    while True: pass\nbox_iou = generalized_box_iou = box_area\n")
    started = time.monotonic()
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("r", grade_visible(hang)))
    thread.start()
    while not zygote._running and time.monotonic() - started < 30:
        time.sleep(0.05)
    time.sleep(1)
    zygote.stop_all()
    thread.join(30)
    check = result["r"].checks["visible"]
    assert check.status == Status.ERROR and "SIGKILL" in check.message, check.message
    assert time.monotonic() - started < 20  # well before the kata's 30 s per-test limit
    assert grade_visible(solved).checks["visible"].status == Status.PASSED


def test_the_zygote_ends_with_the_process_that_started_it():
    code = textwrap.dedent(
        """
        import os, sys
        from grader.grading import zygote
        z = zygote.Zygote(dict(os.environ))
        print(z._proc.pid, flush=True)
        os._exit(0)  # no close(): the runner died
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    pid = int(proc.stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except OSError:
            return
        if state == "Z":
            return
        time.sleep(0.1)
    raise AssertionError(f"zygote {pid} outlived its runner")


def test_preloads_are_the_judge_the_baseline_and_the_hidden_tests_imports(tmp_path):
    hidden = tmp_path / "test_x_hidden.py"
    hidden.write_text(
        "import numpy as np\nimport torch.nn.functional as F\nfrom iou import box_area\nfrom iou.sub import x\n"
        "from . import y\nfrom grader.grading.checks import check_array\ndef test():\n    import scipy\n"
    )
    assert zygote.preloads("grader.baselines.iou", hidden, "iou") == [
        zygote.JUDGE,
        "grader.baselines.iou",
        "numpy",
        "torch.nn.functional",
        "grader.grading.checks",
        "grader.grading.checks.check_array",  # not a module: the zygote's import of it fails quietly
    ]
    assert zygote.preloads("grader.baselines.iou", None, "iou") == [zygote.JUDGE, "grader.baselines.iou"]
    # no speed check: no baseline, but the one the hidden tests import
    hidden.write_text("from grader.baselines import iou as baseline\n")
    assert zygote.preloads(None, hidden, "iou") == [zygote.JUDGE, "grader.baselines", "grader.baselines.iou"]
    hidden.write_text("def broken(:\n")
    assert zygote.preloads("grader.baselines.iou", hidden, "iou") == [zygote.JUDGE, "grader.baselines.iou"]
