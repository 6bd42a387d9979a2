"""End to end: the reference solutions score full marks, the stubs score 0 cleanly, and the CLI behaves."""

import subprocess
import sys
import xml.etree.ElementTree as ET

from conftest import REPO, copy_solution, run_grader

from grader import registry


def test_solutions_score_full_marks(solutions_run):
    assert solutions_run.code == 0, solutions_run.stdout + solutions_run.stderr
    report = solutions_run.report
    assert report["points"] == report["max_points"] == sum(k.points.total for k in registry.KATAS)
    for kata in registry.KATAS:
        for group, check in solutions_run.kata(kata.slug)["checks"].items():
            assert check["status"] == "passed", (kata.slug, group, check["message"])
        speed = solutions_run.kata(kata.slug)["checks"]["speed"]
        # the reference must pass with margin, not scrape by
        assert speed["ratio"] * 2 <= speed["target"], (kata.slug, speed["ratio"], speed["target"])


def test_stubs_score_zero_as_not_started(stubs_run):
    assert stubs_run.code == 1
    assert stubs_run.report["points"] == 0
    for kata in registry.KATAS:
        for group, check in stubs_run.kata(kata.slug)["checks"].items():
            assert check["status"] == "not_started", (kata.slug, group, check["message"])
    assert "Traceback" not in stubs_run.stdout + stubs_run.stderr
    assert "not started" in stubs_run.stdout


def test_report_table_lists_every_kata(solutions_run):
    for kata in registry.KATAS:
        assert kata.label in solutions_run.stdout
    assert "total" in solutions_run.stdout


def test_unknown_kata_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grader", "yolo"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown kata 'yolo'" in proc.stderr and "iou" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_impl_folder_is_a_usage_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "--impl", str(tmp_path / "nowhere")], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 2 and "no folder" in proc.stderr


def test_missing_file_fails_that_kata_only(tmp_path):
    impl = copy_solution(tmp_path / "impl", "nms")  # no 01_iou/iou.py at all
    run = run_grader("iou", "nms", "--impl", str(impl), "--only", "visible", tmp_path=tmp_path)
    assert run.code == 1
    assert run.status("iou", "visible") == "error" and "missing file" in run.message("iou", "visible")
    assert run.status("nms", "visible") == "passed"


def test_only_one_group_and_junit(tmp_path):
    junit = tmp_path / "grade.xml"
    run = run_grader("nms", "--impl", "solutions", "--only", "hidden", "--junit", str(junit), tmp_path=tmp_path)
    assert run.code == 0
    assert list(run.kata("nms")["checks"]) == ["hidden"]
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["hidden"]
    assert not root.findall(".//failure")


def test_missing_hidden_tests_never_pass(tmp_path):
    run = run_grader("iou", "--impl", "solutions", "--hidden", str(tmp_path / "none"), tmp_path=tmp_path)
    assert run.code == 1
    assert run.status("iou", "hidden") == "unavailable"
    assert run.status("iou", "visible") == "passed"


def test_speed_alone_still_requires_correct_visible_tests(tmp_path):
    run = run_grader("iou", "--only", "speed", tmp_path=tmp_path)  # the stub
    assert run.status("iou", "speed") == "not_started"
