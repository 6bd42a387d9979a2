"""``python -m grader classroom-check``: the teacher's dry run of an exported student repository's workflow, on a
course of two katas (one partly solved, one untouched), with the hidden tests and without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_impl
from test_classroom import copy_built_baselines, export

from grader import registry

IOU, NMS = registry.find("iou"), registry.find("nms")
# passes the visible tests, fails a hidden one: 3 points whatever the machine's load (speed is not timed)
PARTLY = REPO / "tests" / "submissions" / "iou" / "enclosing_not_clamped.py"


def classroom_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", "classroom-check", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("dry-run")
    student, hidden = base / "student", base / "hidden"
    export("student", student, IOU.slug, NMS.slug)
    export("hidden", hidden, IOU.slug, NMS.slug)
    copy_built_baselines(student)
    make_impl(student / "exercises", IOU.slug, PARTLY)
    return student, hidden


def test_prints_the_reporters_total_and_the_summary_table(course):
    student, hidden = course
    (student / ".hidden").mkdir()  # a fake one committed by the student: replaced by the given hidden tests
    (student / ".hidden" / "fake").write_text("")
    proc = classroom_check(str(student), "--hidden", str(hidden))
    assert proc.returncode == 0, proc.stderr[-3000:]
    total = IOU.points.total + NMS.points.total
    assert f"reporter: Points {IOU.points.visible}/{total}" in proc.stdout
    assert f"## CV Katas: {IOU.points.visible}/{total} points" in proc.stdout  # the job summary's table
    assert f"| {IOU.label} |" in proc.stdout and f"| {NMS.label} |" in proc.stdout
    assert f"[6/6] {NMS.label}: speed: 0/{NMS.points.speed}" in proc.stderr
    assert not (student / ".hidden" / "fake").exists()


def test_without_hidden_tests_it_takes_the_missing_secret_path(course):
    student, _ = course
    proc = classroom_check(str(student))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "hidden tests unavailable**: the CVKATAS_HIDDEN_TESTS_TOKEN secret is not set" in proc.stdout
    assert f"{IOU.label}: hidden tests: 0/{IOU.points.hidden}" in proc.stderr


def test_refuses_a_folder_without_the_workflow(tmp_path):
    proc = classroom_check(str(tmp_path))
    assert proc.returncode == 2 and "no .github/workflows/classroom.yml" in proc.stderr
    assert "Traceback" not in proc.stderr
