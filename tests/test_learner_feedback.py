"""Feedback that says what to do: commands that work as printed, hangs that end, failure lines that keep the
numbers, a too-slow verdict that says where the time goes, a guess for a mistyped kata, stubs without
ambiguity."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SUBMISSIONS, Watch, make_impl, run_grader

from grader import registry
from grader.grading import profiling
from grader.grading.outcomes import one_line
from grader.reports import console
from grader.results import CheckResult, KataResult
from grader.stubs import OPTIONAL, StubError, make_stub

IOU = registry.find("iou")


def env(*paths: Path) -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (REPO, *paths))}


def learner_copy(tmp_path: Path, *katas: registry.Kata) -> Path:
    """exercises/ as a learner has it (the katas' folders and exercises/conftest.py), with solutions/ beside."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    for kata in katas:
        shutil.copytree(kata.exercise_dir(REPO), kata.exercise_dir(root), ignore=ignore)
        shutil.copytree(REPO / "solutions" / kata.folder, root / "solutions" / kata.folder, ignore=ignore)
    shutil.copy(REPO / "exercises" / "conftest.py", root / "exercises" / "conftest.py")
    return root


HANGING_BOX_AREA = """
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_solution", Path(__file__).parents[2] / "solutions/01_iou/iou.py")
_solution = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_solution)
box_iou, generalized_box_iou = _solution.box_iou, _solution.generalized_box_iou


def box_area(boxes):
    while True:
        pass
"""


# ------------------------------------------------------------------------------------ commands as printed


def test_reports_print_the_pytest_command_that_works_in_a_fresh_shell():
    assert console.pytest_command("exercises/01_iou", "-x") == ".venv/bin/pytest exercises/01_iou -x"
    checks = {g: CheckResult(g, "not_started", "not started", 0, IOU.points.of(g)) for g in registry.GROUPS}
    steps = console.next_steps([KataResult(IOU, checks, "exercises/01_iou/iou.py")])
    assert "then run `.venv/bin/pytest exercises/01_iou`." in steps
    readme = (REPO / "README.md").read_text()
    assert "then run `.venv/bin/pytest exercises/01_iou`" in readme  # the sample report, drawn by that code
    assert not re.search(r"(?m)(^|`)pytest exercises/", readme), "a bare `pytest exercises/...` in the README"


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_help_lists_setup_and_clean_and_grade_does_not_fail_on_unsolved_katas():
    out = subprocess.run(["make", "help"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    for target in ("setup", "grade", "watch", "clean"):
        assert re.search(rf"^make {target}\s", out, re.MULTILINE), target
    recipe = subprocess.run(["make", "-n", "grade"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    # unsolved katas (status 1) end the target quietly; a usage error (2) still fails it
    assert "-m grader" in recipe and "-eq 1" in recipe


# ------------------------------------------------------------------------------------ hangs in plain pytest


def test_plain_pytest_gives_each_visible_test_the_katas_time_limit(tmp_path):
    root = learner_copy(tmp_path, IOU)
    probe = tmp_path / "probe" / "timeout_probe.py"
    probe.parent.mkdir()
    probe.write_text(
        "import pytest\n\n\n@pytest.hookimpl(trylast=True)\ndef pytest_collection_modifyitems(items):\n"
        "    for item in items:\n        mark = item.get_closest_marker('timeout')\n"
        "        print('LIMIT', item.name, mark.args if mark else None)\n"
    )

    def limits(*options: str) -> list[str]:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "exercises/01_iou",
                "--collect-only",
                "-q",
                "-s",
                "-p",
                "timeout_probe",
                "-p",
                "no:cacheprovider",
                *options,
            ],
            cwd=root,
            env=env(probe.parent),
            capture_output=True,
            text=True,
            timeout=120,
        )
        return [ln for ln in proc.stdout.splitlines() if ln.startswith("LIMIT")]

    found = limits()
    assert len(found) == 7 and all(ln.endswith(f"({IOU.test_timeout},)") for ln in found), found
    assert all(ln.endswith("None") for ln in limits("--timeout", "5")), "an explicit --timeout must win"


def test_plain_pytest_reports_a_hung_test_as_timed_out_and_runs_the_others(tmp_path):
    root = learner_copy(tmp_path, IOU)
    (root / "exercises" / IOU.folder / IOU.filename).write_text(HANGING_BOX_AREA)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/01_iou", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env={**env(), "PYTEST_TIMEOUT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 60
    assert "FAILED exercises/01_iou/test_iou.py::test_box_area - Failed: timed out after 1 s" in proc.stdout, (
        proc.stdout
    )
    assert "1 failed, 6 passed" in proc.stdout
    # the traceback ends in the learner's loop, not in the time limit's code
    assert re.search(r"iou\.py:\d+: Failed", proc.stdout) and "+++ Timeout +++" not in proc.stdout


def test_the_grader_stops_a_group_at_its_first_timeout(tmp_path):
    # box_area hangs; every visible test after the first that calls it is left out, not run to its limit
    impl = make_impl(
        tmp_path / "impl", "iou", "from _reference import *\n\n\ndef box_area(boxes):\n    while True:\n        pass\n"
    )
    started = time.monotonic()
    run = run_grader("iou", "--impl", str(impl), "--only", "visible", "--test-timeout", "1", tmp_path=tmp_path)
    elapsed = time.monotonic() - started
    check = run.kata("iou")["checks"]["visible"]
    assert check["status"] == "failed", check
    assert "timed out after 1 s" in check["message"], check["message"]
    assert "the tests after a timeout were not run" in check["message"], check["message"]
    visible = len(re.findall(r"^def test_", IOU.visible_tests_path(REPO).read_text(), re.M))
    assert check["total_tests"] < visible, check
    assert elapsed < 60, elapsed


def test_watch_cancels_a_hung_run_when_the_file_is_saved_again(tmp_path):
    root = learner_copy(tmp_path, IOU)
    target = root / "exercises" / IOU.folder / IOU.filename
    watch = Watch(root, "iou", "--debounce", "50")
    try:
        watch.wait_for(r"\] 01 iou: not started", 60)
        watch.wait_for("^watching exercises/", 30)
        target.write_text(HANGING_BOX_AREA)  # its run hangs for the kata's 30 s per test
        time.sleep(2)
        shutil.copy(root / "solutions" / IOU.folder / IOU.filename, target)
        saved = time.monotonic()
        watch.wait_for(r"\] 01 iou: saved again while its tests ran: that run is cancelled", 20)
        assert "01 iou: 7/7 visible tests pass" in watch.wait_for(r"\] 01 iou: \d", 20)
        assert time.monotonic() - saved < 20, "the fix waited for the hung run"
        assert watch.stop() == 0
    finally:
        watch.stop()
    assert "Traceback" not in "\n".join(watch.seen)


# ------------------------------------------------------------------------------------ failure lines


def numpy_message(actual, desired) -> str:
    with pytest.raises(AssertionError) as raised:
        np.testing.assert_allclose(actual, desired)
    return f"AssertionError: {raised.value}"


@pytest.mark.parametrize("limit", [300, 200, 120])
def test_a_failure_line_keeps_the_first_mismatch_and_the_largest_differences(limit):
    line = one_line(numpy_message(np.array([1.0, 0.3, 3.0]), np.array([1.0, 0.2, 3.0])), limit)
    assert len(line) <= limit and "\n" not in line
    assert line.startswith("AssertionError: ")
    assert "first mismatch at [1]: 0.3 (actual) vs 0.2 (desired)" in line
    assert "max abs difference 0.1" in line and "max rel difference 0.5" in line
    if limit >= 200:
        assert "Not equal to tolerance rtol=1e-07, atol=0" in line and "mismatched elements: 1 / 3 (33.3%)" in line


def test_a_failure_line_keeps_shapes_and_other_messages_as_they_were():
    assert "(shapes (2, 3), (3, 2) mismatch)" in one_line(numpy_message(np.zeros((2, 3)), np.zeros((3, 2))), 300)
    assert one_line("ValueError: boom\nsecond line", 300) == "ValueError: boom"
    assert one_line("assert 3 == 4\n +  where 3 = f()", 300) == "assert 3 == 4"
    assert len(one_line("x" * 1000, 300)) == 300


def result_with(messages: dict[str, str], **extra) -> KataResult:
    checks = {g: CheckResult(g, "error", m, 0, IOU.points.of(g), **extra) for g, m in messages.items()}
    return KataResult(IOU, checks, "exercises/01_iou/iou.py")


def test_one_cause_for_every_check_is_said_once():
    error = "importing iou.py failed: SyntaxError: '(' was never closed (iou.py, line 3)"
    steps = console.next_steps([result_with(dict.fromkeys(registry.GROUPS, error))])
    assert steps.count("SyntaxError") == 1 and steps.startswith("01 iou: importing iou.py failed")


def test_a_deleted_kata_file_says_how_to_restore_it():
    steps = console.next_steps([result_with(dict.fromkeys(registry.GROUPS, "missing file /x/exercises/01_iou/iou.py"))])
    assert steps.count("\n") == 0, steps
    assert "exercises/01_iou/iou.py is missing" in steps
    assert "`git checkout -- exercises/01_iou/iou.py`" in steps and "`.venv/bin/python -m grader stubs iou`" in steps


# ------------------------------------------------------------------------------------ too slow: where the time goes


@pytest.mark.timing
def test_a_too_slow_verdict_names_where_the_time_goes(tmp_path):
    impl = make_impl(tmp_path / "impl", "iou", SUBMISSIONS / "iou" / "python_loop.py")
    run = run_grader(
        "iou",
        "--impl",
        str(impl),
        "--only",
        "speed",
        "--hidden",
        str(tmp_path / "no-hidden-tests"),
        "--explain",
        tmp_path=tmp_path,
    )
    speed = run.kata("iou")["checks"]["speed"]
    assert speed["status"] == "failed" and speed["points"] == 0, speed
    message = speed["message"]
    assert message.startswith("too slow: ") and len(message) <= 500, message
    assert "; where the time goes (one round under cProfile" in message, message
    # the learner's own function, its line and seconds, and the call inside it that took the most
    assert re.search(r"_pairs \(line \d+\) \d+\.\d\d s, \d+\.\d\d s in its own code", message), message
    assert re.search(r"in [\d,]+ calls to builtins\.(max|min)", message), message
    assert message.endswith("; see Hint 1 in exercises/01_iou/README.md"), message


def test_profile_rows_from_the_worker_are_checked_capped_and_escaped():
    collected = profiling._Collected()
    good = ["_pairs", 8, "iou.py", 2, 1.5, 1.0, "builtins.max", 1000, 0.4]
    collected.add(
        [
            good,
            good,  # added up: one function, two calls
            ["box_iou", 24, "iou.py", 1, 3.5, 0.0, "", 0, 0.0],
            ["evil\x1b[2J;name" * 20, 1, "iou.py", 1, 2.0, 2.0, "x", 1, 0.0],
            ["bad", "8", "iou.py", 1, 1.0, 1.0, "", 0, 0.0],  # a line that is not an int
            ["bad", 8, "iou.py", 1, float("nan"), 1.0, "", 0, 0.0],
            ["short row"],
            "not a row",
        ]
    )
    lines = collected.lines(IOU, room=500)
    assert lines[0] == "box_iou (line 24) 3.50 s"
    assert (
        lines[1] == "_pairs (line 8) 3.00 s over 4 calls, 2.00 s in its own code, 0.80 s in 2,000 calls to builtins.max"
    )
    assert "\x1b" not in lines[2] and ";" not in lines[2] and len(lines[2]) <= 110
    assert len(lines) == 3 and not any("bad" in ln for ln in lines)
    assert collected.lines(IOU, room=40) == ["box_iou (line 24) 3.50 s"]
    profiling._Collected().add(None)  # nothing to add: no error


def test_the_readme_pointer_finds_the_advice_on_speed(tmp_path):
    assert profiling.readme_pointer(registry.find("nms")) == 'see the pitfall "Speed." in exercises/02_nms/README.md'
    readme = IOU.readme_path(tmp_path)
    readme.parent.mkdir(parents=True)
    for heading in ("### Hint {}", "<details><summary>Hint {}: a title</summary>"):
        hints = "\n\n".join(f"{heading.format(i)}\n\n{text}" for i, text in enumerate(["Read.", "Broadcast it."], 1))
        readme.write_text(f"# IoU\n\n## Pitfalls\n\n- **Empty input.** Fine.\n\n## Hints\n\n{hints}\n")
        assert profiling.readme_pointer(IOU, tmp_path) == "see Hint 2 in exercises/01_iou/README.md"
    readme.write_text("# IoU\n\n## Hints\n\n### Hint 1\n\nRead the maths.\n")
    assert profiling.readme_pointer(IOU, tmp_path) == "see the Hints in exercises/01_iou/README.md"


def test_the_report_shows_the_profile_under_the_speed_line():
    message = (
        "too slow: 250.3x the baseline (2600.0 ms vs 10.4 ms; target <= 60x); where the time goes (one round "
        "under cProfile): box_iou (line 24) 2.41 s; _pairs (line 8) 2.40 s, 1.50 s in its own code; "
        "see Hint 1 in exercises/01_iou/README.md"
    )
    check = CheckResult("speed", "failed", message, 0, IOU.points.speed, ratio=250.3, target=60.0)
    steps = console.next_steps([KataResult(IOU, {"speed": check}, "exercises/01_iou/iou.py")])
    assert steps.splitlines()[1:] == [
        "  speed: too slow: 250.3x the baseline (2600.0 ms vs 10.4 ms; target <= 60x)",
        "    where the time goes (one round under cProfile):",
        "      box_iou (line 24) 2.41 s",
        "      _pairs (line 8) 2.40 s, 1.50 s in its own code",
        "    see Hint 1 in exercises/01_iou/README.md",
    ]


# ------------------------------------------------------------------------------------ did you mean


@pytest.mark.parametrize(
    ("name", "guess"), [("nsm", "nms"), ("roialign", "roi_align"), ("map", "coco_map"), ("giou", "iou")]
)
def test_a_mistyped_kata_gets_a_guess(name, guess):
    with pytest.raises(registry.UnknownKata) as raised:
        registry.find(name)
    assert str(raised.value).startswith(f"unknown kata {name!r}; did you mean {guess}? valid katas: iou, nms")


def test_a_name_like_no_kata_gets_the_list_only():
    proc = subprocess.run([sys.executable, "-m", "grader", "yolo"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: unknown kata 'yolo'; valid katas: " + ", ".join(
        k.slug for k in registry.KATAS
    )


# ------------------------------------------------------------------------------------ stubs without ambiguity


def solution(helper_doc: str, module_doc: str = "Kata 99.") -> str:
    return (
        f'"""{module_doc}"""\n\n\ndef f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return _g(x)\n'
        f'    ### END SOLUTION\n\n\ndef _g(x):\n    """{helper_doc}"""\n    ### BEGIN SOLUTION\n    return x\n'
        "    ### END SOLUTION\n\n\ndef _given(x):\n    return x\n"
    )


def test_private_helpers_left_to_write_are_marked_optional():
    assert '"""Optional helper: double it."""\n    # YOUR CODE HERE' in make_stub(
        solution("Optional helper: double it.")
    )
    with pytest.raises(StubError, match=r"<solution>:11: _g is a private helper left to write"):
        make_stub(solution("Double it."))


@pytest.mark.parametrize(
    "text",
    [
        "This solution also places the samples in order.",
        "As the reference does, sort first.",
        "Same as the reference solution.",
    ],
)
def test_no_text_about_the_solution_in_a_stub(text):
    with pytest.raises(StubError, match=r"<solution>:1: the stub would show text about the solution"):
        make_stub(solution("Optional helper: x.", module_doc=text))
    make_stub(solution("Optional helper: x.", module_doc="A few reference boxes per cell."))  # a term, not the answer


@pytest.mark.parametrize("kata", registry.KATAS, ids=lambda k: k.slug)
def test_every_stub_follows_the_rule(kata):
    stub = kata.stub_path(REPO).read_text()
    for node in ast.parse(stub).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_"):
            assert (ast.get_docstring(node) or "").startswith(f"{OPTIONAL}: "), (kata.slug, node.name)
    assert not re.search(r"(?i)this solution|the reference (solution|implementation)", stub)
