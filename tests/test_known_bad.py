"""Every known-bad submission in tests/submissions/ is caught by the check group it declares.

``CAUGHT_BY = "hidden"``: a wrong answer the hidden tests must catch. ``"speed"``: correct but slow, so
visible and hidden pass and the speed check fails. ``None``: a correct alternative that must score full marks.
"""
import ast

import pytest

from conftest import SUBMISSIONS, make_impl, run_grader

CASES = sorted(p for p in SUBMISSIONS.glob("*/*.py") if not p.name.startswith("_"))


def declared(path):
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CAUGHT_BY" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path} does not declare CAUGHT_BY")


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_submission_is_caught_as_declared(path, tmp_path):
    slug, caught_by = path.parent.name, declared(path)
    assert caught_by in ("hidden", "speed", None)
    impl = make_impl(tmp_path / "impl", slug, path)
    if caught_by == "hidden":
        run = run_grader(slug, "--impl", str(impl), "--only", "hidden", tmp_path=tmp_path)
        assert run.code == 1
        assert run.status(slug, "hidden") == "failed", run.message(slug, "hidden")
    else:
        run = run_grader(slug, "--impl", str(impl), tmp_path=tmp_path)
        checks = run.kata(slug)["checks"]
        for group in ("visible", "hidden"):
            assert checks[group]["status"] == "passed", (group, checks[group]["message"])
        expected = "failed" if caught_by == "speed" else "passed"
        assert checks["speed"]["status"] == expected, checks["speed"]["message"]
