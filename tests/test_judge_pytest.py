"""The grader's own pytest runs: what they read besides the tests.

- They run pytest with ``-c os.devnull`` (the repository's configuration is not the grader's). Without a
  ``--confcutdir`` pytest then lists every directory from ``/`` down to the tests before collecting them: all of
  ``/tmp`` for a course graded in a temporary folder, which took seconds per run on a busy machine.
- They load no pytest plugin of the environment's: one installed beside the grader could decide the outcomes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from grader import registry
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
    (folder / "test_judged.py").write_text(PASSING)
    record = judge.run_tests([str(folder / "test_judged.py")], hidden=False, timeout=30)
    assert record["status"] == "passed", record
    assert listed and not above(folder, listed), above(folder, listed)


def test_the_notebook_runner_lists_only_its_temporary_folder(listed):
    status, message = run_notebook_tests("test_listed.py", PASSING)
    assert status == "passed", message
    folders = {p for p in listed if p.name.startswith("kata-tests-")}
    assert len(folders) == 1, listed
    assert not above(folders.pop(), listed), listed


# A plugin as an installed distribution announces it (an entry point in the pytest11 group): every test passes.
EVERYTHING_PASSES = """
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""


@pytest.fixture
def plugin_site(tmp_path) -> Path:
    """A folder that, on the module search path, has pytest find the plugin above and load it by itself."""
    site = tmp_path / "site"
    (site / "everything_passes-1.0.dist-info").mkdir(parents=True)
    (site / "everything_passes-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: everything-passes\nVersion: 1.0\n"
    )
    (site / "everything_passes-1.0.dist-info" / "entry_points.txt").write_text(
        "[pytest11]\neverything_passes = everything_passes\n"
    )
    (site / "everything_passes.py").write_text(EVERYTHING_PASSES)
    return site


def run_notebook_tests(filename: str, source: str) -> tuple[str, str]:
    """The notebook runner's (status, message) for a test file, run in this process as in a kernel (each test
    its own file name: a module imported under that name stays in this process)."""
    namespace: dict = {}
    exec(compile(notebooks.RUNNER.replace(notebooks.MODULE_PLACEHOLDER, "kata_sample"), "runner", "exec"), namespace)
    status, message, _ = namespace["_kata_run"](filename, source, False, None)
    return status, message


def test_an_installed_pytest_plugin_decides_nothing(tmp_path, plugin_site):
    installed_plugin = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_site), str(REPO)])}
    kata = registry.KATAS[0]
    folder = kata.exercise_dir(REPO)
    # plain pytest, in this environment, loads it: the untouched stub's visible tests "pass"
    plain = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider", "-c", os.devnull],
        cwd=tmp_path,
        env=installed_plugin,
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 0 and " passed" in plain.stdout, plain.stdout[-800:]
    report = tmp_path / "report.json"
    subprocess.run(
        [sys.executable, "-m", "grader", kata.slug, "--only", "visible", "--json", str(report), "--quiet"],
        cwd=REPO,
        env=installed_plugin,
        capture_output=True,
        timeout=120,
    )
    (graded,) = json.loads(report.read_text())["katas"]
    assert graded["checks"]["visible"]["status"] == "not_started", graded["checks"]["visible"]
    assert graded["points"] == 0


def test_the_notebook_runner_loads_no_installed_plugin(plugin_site, monkeypatch):
    monkeypatch.syspath_prepend(str(plugin_site))
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    status, message = run_notebook_tests("test_plugins.py", "def test_one():\n    assert 1 + 1 == 3\n")
    assert status == "failed", message
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ  # the kernel's environment is left as it was
