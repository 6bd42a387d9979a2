"""Submissions that try to get points they have not earned score 0 on the checks they target, with a one-line
reason, while a correct submission for another kata graded in the same run gets full marks.

The cases live in tests/adversarial/ (see its README). Hangs, crashes, exits, output floods and printed fake
results are in test_robustness.py.
"""

import ast
import json

import pytest
from conftest import REPO, copy_solution, kata_folder, make_impl, run_grader

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


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_trick_scores_nothing_and_the_other_kata_is_graded_normally(path, tmp_path):
    slug, affected, expect = constants(path)
    partner = "nms" if slug != "nms" else "iou"
    impl = make_impl(tmp_path / "impl", slug, path)
    for name, text in helpers(path).items():  # modules a submission ships beside its kata file
        (impl / kata_folder(slug) / name).write_text(text)
    copy_solution(impl, partner)
    run = run_grader(slug, partner, "--impl", str(impl), tmp_path=tmp_path)
    assert run.report is not None, run.stderr
    assert run.code == 1
    assert "Traceback" not in run.stdout
    checks = run.kata(slug)["checks"]
    for group, check in checks.items():
        if group in affected:
            assert check["points"] == 0, (group, check["message"])
            assert check["status"] != "passed", (group, check["message"])
            if expect:
                assert expect in check["message"], (group, check["message"])
            assert "\n" not in check["message"]
        else:
            assert check["status"] == "passed", (group, check["message"])
    other = run.kata(partner)
    assert other["points"] == other["max_points"], json.dumps(other["checks"], indent=1)[:2000]
