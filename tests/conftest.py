"""Shared helpers for the grader's own tests: run the grader as a learner would, and lay out submissions."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = Path(__file__).with_name("submissions")


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


def run_grader(*args: str, tmp_path: Path, timeout: float = 900) -> GradeRun:
    """``python -m grader ARGS --json FILE`` from the repository root."""
    out = tmp_path / f"report-{len(list(tmp_path.glob('report-*.json')))}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args, "--json", str(out), "--quiet"],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )
    report = json.loads(out.read_text()) if out.exists() else None
    return GradeRun(proc.returncode, proc.stdout, proc.stderr, report)


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


def copy_solution(root: Path, slug: str) -> Path:
    folder = kata_folder(slug)
    (root / folder).mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "solutions" / folder / f"{slug}.py", root / folder / f"{slug}.py")
    return root


@pytest.fixture(scope="session")
def solutions_run(tmp_path_factory) -> GradeRun:
    """One full grading of the reference solutions, shared by the tests that read it."""
    return run_grader("--impl", "solutions", tmp_path=tmp_path_factory.mktemp("solutions"))


@pytest.fixture(scope="session")
def stubs_run(tmp_path_factory) -> GradeRun:
    """One full grading of the generated stubs in exercises/."""
    return run_grader(tmp_path=tmp_path_factory.mktemp("stubs"))
