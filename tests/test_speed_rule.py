"""One scoring rule for speed wherever it is graded: speed counts only once the visible tests and, where hidden
tests are available, the hidden tests pass. The same partly-correct submissions are graded three ways (the full
checkout's grader with its hidden tests, as `make grade` runs it; every grading step of the students' workflow,
run as the command grader runs it; `regrade`) and must get the same points for every check.

A copy of the reference that passes the visible tests and fails a hidden one (NaN GIoU for degenerate boxes) must not
get its speed points in any of them: the workflow once timed it on its visible tests alone and gave 5/10 where regrade gave 3/10. A
correct but slow submission passes both test groups and fails speed everywhere.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_impl
from test_classroom import copy_built_baselines, export

from grader import registry
from grader.registry import GROUPS
from grader.teacher import dry_run

pytestmark = pytest.mark.timing  # the slow submission's speed check is timed

KATA = registry.find("iou")
# Correct and vectorised, but on large inputs it does its work a hundred times over: as quick as the reference
# on the tests' inputs, far too slow on the speed workload (1500 x 1500 boxes: cut at the time budget). A Python
# loop over the pairs would take seconds on the hidden tests, which this test runs four times.
REPEATED = """
from _reference import box_area, box_iou as _iou, generalized_box_iou as _giou


def _repeats(boxes1, boxes2):
    return 100 if len(boxes1) * len(boxes2) >= 10**6 else 1


def box_iou(boxes1, boxes2):
    for _ in range(_repeats(boxes1, boxes2) - 1):
        _iou(boxes1, boxes2)
    return _iou(boxes1, boxes2)


def generalized_box_iou(boxes1, boxes2):
    for _ in range(_repeats(boxes1, boxes2) - 1):
        _giou(boxes1, boxes2)
    return _giou(boxes1, boxes2)
"""
SUBMISSIONS = {
    "nangiou": REPO / "tests" / "submissions" / "iou" / "enclosing_not_clamped.py",  # passes visible, fails hidden
    "loop": REPEATED,  # correct, far too slow
}
EXPECTED = {
    "nangiou": {"visible": KATA.points.visible, "hidden": 0, "speed": 0},
    "loop": {"visible": KATA.points.visible, "hidden": KATA.points.hidden, "speed": 0},
}


def grade_as_make_grade(exercises: Path, out: Path) -> dict[str, int]:
    """The full checkout's grader with its hidden tests (`make grade EX=iou ARGS=--impl ...`)."""
    subprocess.run(
        [sys.executable, "-m", "grader", KATA.slug, "--impl", str(exercises), "--json", str(out), "--quiet"],
        cwd=REPO,
        capture_output=True,
        timeout=600,
    )
    (kata,) = json.loads(out.read_text())["katas"]
    return {g: kata["checks"][g]["points"] for g in GROUPS}


def grade_as_workflow(student: Path, home: Path) -> dict[str, int]:
    """Every grading step of the exported workflow, as the command grader runs it."""
    workflow = dry_run.load_workflow(student)
    runs = [
        dry_run.run_grading_step(step, student, dry_run.step_env(str(home))) for step in dry_run.grading_steps(workflow)
    ]
    assert len(runs) == len(GROUPS)
    return {group: run.points for group, run in zip(GROUPS, runs)}


def grade_as_regrade(students: Path, out: Path) -> dict[str, dict[str, int]]:
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "regrade", str(students), KATA.slug, "--csv", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    return {name: {g: int(rows[name][f"{KATA.slug}_{g}"]) for g in GROUPS} for name in SUBMISSIONS}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("speed-rule")
    students = base / "students"
    for name, source in SUBMISSIONS.items():
        make_impl(students / name / "exercises", KATA.slug, source)
    student = base / "course" / "student"
    export("student", student, KATA.slug)
    export("hidden", student / ".hidden", KATA.slug)  # where the workflow's checkout puts it
    copy_built_baselines(student)
    dry_run.build_baselines(student)
    home = base / "home"
    home.mkdir()

    make_grade, workflow = {}, {}
    for name in SUBMISSIONS:
        submitted = students / name / "exercises" / KATA.folder
        make_grade[name] = grade_as_make_grade(students / name / "exercises", base / f"{name}.json")
        for file in submitted.iterdir():
            if file.is_file():
                (student / "exercises" / KATA.folder / file.name).write_bytes(file.read_bytes())
        workflow[name] = grade_as_workflow(student, home)
    return {"make grade": make_grade, "workflow": workflow, "regrade": grade_as_regrade(students, base / "grades.csv")}


@pytest.mark.parametrize("name", list(SUBMISSIONS))
def test_speed_is_scored_the_same_by_make_grade_the_workflow_and_regrade(graded, name):
    points = {way: graded[way][name] for way in graded}
    assert all(p == EXPECTED[name] for p in points.values()), points
