"""Submissions that try to get points they have not earned score 0 on the checks they target, with a one-line
reason, while a correct submission for another kata graded in the same run gets full marks.

The cases live in tests/adversarial/ (see its README). They are graded as a course is: one ``regrade`` of a
folder holding a student per case (the case's kata file and the other kata's reference solution), which writes
each student's full report (``--reports``); each case is still a test of its own, reading its student's
report. Hangs, crashes, exits, output floods and printed fake results are in test_robustness.py.
"""

import ast
import json
import subprocess
import sys

import pytest
from conftest import REPO, copy_solution, kata_folder, make_impl

from grader.grading import sandbox

CASES = sorted((REPO / "tests" / "adversarial").glob("*.py"))

# Every case times a submission: the other kata's full marks include its speed check (and some tricks target the
# speed check itself), so these run in the serial part of the suite.
pytestmark = pytest.mark.timing


def constants(path):
    """KATA, AFFECTED, EXPECT of a case, read without running it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple):
            names = [t.id for t in node.targets[0].elts]
            if names == ["KATA", "AFFECTED", "EXPECT"]:
                return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} does not declare KATA, AFFECTED, EXPECT")


def helpers(path) -> dict[str, str]:
    """A case's ``HELPERS``: {file name: source} of modules laid beside the submission, as a student's folder
    may hold its own helper modules."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "HELPERS":
            return ast.literal_eval(node.value)
    return {}


def partner(slug: str) -> str:
    return "nms" if slug != "nms" else "iou"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """One regrade of every case: {case name: its student's report}, and regrade's own output."""
    tmp = tmp_path_factory.mktemp("adversarial")
    students = tmp / "students"
    katas = set()
    for path in CASES:
        slug = constants(path)[0]
        exercises = make_impl(students / path.stem / "exercises", slug, path)
        for name, text in helpers(path).items():  # modules a submission ships beside its kata file
            (exercises / kata_folder(slug) / name).write_text(text)
        copy_solution(exercises, partner(slug))
        katas |= {slug, partner(slug)}
    # the sandbox make grade would choose here (bwrap where it works), given explicitly as regrade wants it
    backend, _ = sandbox.choose(None, protect=False)
    reports = tmp / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "regrade", str(students), *sorted(katas), "--csv", str(tmp / "grades.csv")]
        + ["--reports", str(reports), "--sandbox", backend.value],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"reports": {p.stem: json.loads(p.read_text()) for p in reports.glob("*.json")}, "output": proc}


def test_the_course_run_ends_cleanly(course):
    assert len(course["reports"]) == len(CASES)
    assert "Traceback" not in course["output"].stdout + course["output"].stderr


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_trick_scores_nothing_and_the_other_kata_is_graded_normally(path, course):
    slug, affected, expect = constants(path)
    katas = {k["kata"]: k for k in course["reports"][path.stem]["katas"]}
    for group, check in katas[slug]["checks"].items():
        if group in affected:
            assert check["points"] == 0, (group, check["message"])
            assert check["status"] != "passed", (group, check["message"])
            if expect:
                assert expect in check["message"], (group, check["message"])
            assert "\n" not in check["message"]
        else:
            assert check["status"] == "passed", (group, check["message"])
    other = katas[partner(slug)]
    assert other["points"] == other["max_points"], json.dumps(other["checks"], indent=1)[:2000]
