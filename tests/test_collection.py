"""The grader's own pytest runs list the folder of the tests they run and nothing above it.

They run pytest with ``-c os.devnull`` (the repository's configuration is not the grader's). Without a
``--confcutdir`` pytest then lists every directory from ``/`` down to the tests before collecting them: all of
``/tmp`` for a course graded in a temporary folder, which took seconds per run on a busy machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.grading import judge
from grader.teacher import notebooks

PASSING = "def test_one():\n    assert 1 + 1 == 2\n"


@pytest.fixture
def listed(monkeypatch) -> list[Path]:
    """Every directory listed through ``os.scandir`` while the test runs."""
    seen: list[Path] = []
    scandir = os.scandir

    def recording(path="."):
        if not isinstance(path, int):  # a descriptor: shutil.rmtree's, below a folder already seen
            seen.append(Path(os.fsdecode(path)).resolve())
        return scandir(path)

    monkeypatch.setattr(os, "scandir", recording)
    return seen


def above(folder: Path, seen: list[Path]) -> list[Path]:
    return [p for p in seen if p in folder.resolve().parents]


def test_the_judge_lists_only_the_tests_folder(tmp_path, listed):
    folder = tmp_path / "deep" / "tests"
    folder.mkdir(parents=True)
    (folder / "test_sample.py").write_text(PASSING)
    record = judge.run_tests([str(folder / "test_sample.py")], hidden=False, timeout=30)
    assert record["status"] == "passed", record
    assert listed and not above(folder, listed), above(folder, listed)


def test_the_notebook_runner_lists_only_its_temporary_folder(listed):
    namespace: dict = {}
    exec(compile(notebooks.RUNNER.replace(notebooks.MODULE_PLACEHOLDER, "kata_sample"), "runner", "exec"), namespace)
    status, message, _ = namespace["_kata_run"]("test_sample.py", PASSING, False, None)
    assert status == "passed", message
    folders = {p for p in listed if p.name.startswith("kata-tests-")}
    assert len(folders) == 1, listed
    assert not above(folders.pop(), listed), listed
