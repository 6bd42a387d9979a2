"""Interview practice: the mock interview (`mock`), the debrief (`debrief`), and the history `list` shows.

Everything runs in a temporary copy of the repository's layout (``exercises/`` and ``solutions/``) with the
commands started from there, so the state files (``.grade/``) land in the copy. The clock is stopped at a
chosen time for each command (``CVKATAS_NOW``), so a session of many minutes runs in seconds. The README of
01 iou in the copy gets follow-up questions and a debrief of the test's own, so that what is shown, and when,
can be checked word for word.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import REPO

from grader import registry
from grader.results import CheckResult, KataResult

KATAS = {k.slug: k for k in registry.KATAS}
T0 = datetime(2030, 1, 1, 10, 0, tzinfo=timezone.utc)

QUESTIONS = [
    ("How would you compute the IoU of 100k boxes against 100k boxes without the (N, M) matrix?", "Chunk-Q1"),
    ("What changes when boxes are given as (cx, cy, w, h)?", "Convert-Q2"),
    ("Why does GIoU help as a loss when boxes do not overlap?", "Gradient-Q3"),
]
ANSWERS = [f"ANSWER-{tag}: the answer, kept folded until the session ends." for _, tag in QUESTIONS]
DEBRIEF = "DEBRIEF-IOU: the (N, M) matrix costs O(NM) memory; production code tiles it."


# ---------------------------------------------------------------------------------------------- helpers


def _without_sections(markdown: str, titles: set[str]) -> str:
    """``markdown`` without its level-2 sections named ``titles`` (the copy gets the test's own)."""
    kept, skipping = [], False
    for line in markdown.splitlines():
        heading = re.match(r"^##\s+(.*?)\s*$", line)
        if heading:
            skipping = heading.group(1) in titles
        if not skipping:
            kept.append(line)
    return "\n".join(kept).rstrip() + "\n"


def interview_sections() -> str:
    follow = "".join(
        f"\n{question}\n\n<details><summary>Answer</summary>\n\n{answer}\n\n</details>\n"
        for (question, _), answer in zip(QUESTIONS, ANSWERS)
    )
    debrief = f"\n<details><summary>Debrief: IoU at scale</summary>\n\n{DEBRIEF}\n\n</details>\n"
    return f"\n## Follow-up questions\n{follow}\n## Debrief\n{debrief}"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository's layout a learner works in, 01 iou's README with the test's interview sections."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    shutil.copytree(REPO / "exercises", root / "exercises", ignore=ignore)
    shutil.copytree(REPO / "solutions", root / "solutions", ignore=ignore)
    readme = root / "exercises" / KATAS["iou"].folder / "README.md"
    text = _without_sections(readme.read_text(), {"Follow-up questions", "Debrief"})
    readme.write_text(text + interview_sections())
    return root


def at(minutes: float = 0, seconds: float = 0) -> str:
    return (T0 + timedelta(minutes=minutes, seconds=seconds)).isoformat()


def grader(root: Path, *args: str, now: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),  # the copy has no grader/ of its own
        "CVKATAS_HIDDEN_TESTS": str(REPO / "hidden_tests"),
        "TZ": "UTC",  # times of day in messages, as the tests expect them
    }
    env.pop("CVKATAS_NOW", None)
    if now:
        env["CVKATAS_NOW"] = now
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout
    )


def solve(root: Path, slug: str) -> Path:
    k = KATAS[slug]
    target = root / "exercises" / k.folder / k.filename
    shutil.copy(REPO / "solutions" / k.folder / k.filename, target)
    return target


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr.strip()


def history_lines(root: Path) -> list[dict]:
    path = root / ".grade" / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def field(scorecard: str, label: str) -> str:
    """The value of a scorecard line."""
    line = next(ln for ln in scorecard.splitlines() if ln.startswith(label))
    return line[len(label) :].strip()


# ---------------------------------------------------------------------------------------------- mock


def test_a_mock_interview_from_start_to_scorecard(repo):
    shown_before_end = []

    start = grader(repo, "mock", "iou", "--minutes", "30", now=at(0))
    assert start.returncode == 0, start.stderr
    assert "mock interview: 01 iou, 30 min left (ends at 10:30)" in start.stdout
    assert "python -m grader mock grade" in start.stdout and "python -m grader mock end" in start.stdout
    assert all(q in start.stdout for q, _ in QUESTIONS)  # the questions, to think about while coding
    shown_before_end.append(start.stdout)
    assert json.loads((repo / ".grade" / "mock.json").read_text())["slug"] == "iou"

    # Hints are locked, with one line saying why and when that ends.
    hint = grader(repo, "hint", "iou", now=at(1))
    assert hint.returncode == 1 and not hint.stdout
    line = one_line_error(hint)
    assert "locked during the mock interview on 01 iou" in line and "29 min (at 10:30)" in line
    assert "python -m grader mock end" in line
    assert not (repo / ".grade" / "hints.json").exists()
    debrief = grader(repo, "debrief", "iou", now=at(1))
    assert debrief.returncode == 1 and "locked during the mock interview" in one_line_error(debrief)

    # `make grade EX=iou` during the session counts as an attempt; `mock grade` prints what the grader prints.
    solve(repo, "iou")
    direct = grader(repo, "iou", "--only", "visible", now=at(7, 30))
    assert direct.returncode == 0, direct.stdout + direct.stderr
    again = grader(repo, "mock", "grade", "--only", "visible", now=at(9))
    assert again.returncode == 0
    assert again.stdout.startswith(direct.stdout) and "01 iou   7/7" in direct.stdout
    assert "visible tests first passed 7 min 30 s after the start; full marks not yet" in again.stdout
    assert "21 min left" in again.stdout

    full = grader(repo, "mock", "grade", now=at(12, 5))  # visible + hidden + speed, as `make grade EX=iou`
    assert full.returncode == 0, full.stdout + full.stderr
    assert re.search(r"01 iou   7/7\s+\d+/\d+\s+[\d.]+x cython baseline \(<= 60x\)\s+10/10", full.stdout), full.stdout
    assert "full marks 12 min 5 s after the start" in full.stdout
    ratio = history_lines(repo)[-1]["ratio"]
    assert isinstance(ratio, float) and [g["full"] for g in history_lines(repo)] == [False, False, True]
    shown_before_end += [direct.stdout, again.stdout, full.stdout]

    status = grader(repo, "mock", now=at(13))
    assert status.returncode == 0 and "01 iou, 17 min left" in status.stdout
    assert "graded 3 times; full marks 12 min 5 s after the start; last grade 10/10" in status.stdout
    listed = json.loads(grader(repo, "list", "--json", now=at(13)).stdout)
    assert listed["mock"] == {"kata": "iou", "deadline": "2030-01-01T10:30:00+00:00", "seconds_left": 17 * 60}
    shown_before_end += [status.stdout, json.dumps(listed)]
    busy = grader(repo, "mock", "nms", now=at(13))
    assert busy.returncode == 2 and "01 iou is running (17 min left)" in one_line_error(busy)
    assert not any(a in text for a in ANSWERS + [DEBRIEF] for text in shown_before_end)

    end = grader(repo, "mock", "end", now=at(14))
    assert end.returncode == 0, end.stderr
    card = end.stdout
    assert "mock interview scorecard: 01 iou" in card
    assert field(card, "session") == "30 min from 10:00; ended early at 10:14, after 14 min"
    assert field(card, "time to first passing visible tests") == "7 min 30 s after the start"
    assert field(card, "time to full marks") == "12 min 5 s after the start"
    assert field(card, "attempts") == "3 gradings"
    assert field(card, "best speed ratio") == f"{ratio:.1f}x the cython baseline (within the target, <= 60x)"
    assert field(card, "final grade") == "10/10"
    for i, ((question, _), answer) in enumerate(zip(QUESTIONS, ANSWERS), start=1):
        assert f"{i}. {question}\n   Answer: {answer}" in card
    assert DEBRIEF not in card

    # The session is over: hints open again, the debrief opens (a full pass was recorded), the scorecard stays.
    assert grader(repo, "hint", "iou", now=at(15)).returncode == 0
    shown = grader(repo, "debrief", "iou", now=at(15))
    assert shown.returncode == 0 and DEBRIEF in shown.stdout and "first full pass 2030-01-01" in shown.stdout
    solve(repo, "iou").write_text("def box_area(boxes):\n    return None\n")  # broken again: stays open
    assert grader(repo, "debrief", "iou", now=at(16)).returncode == 0
    again = grader(repo, "mock", "end", now=at(20))
    assert again.returncode == 0 and "no mock interview is running; the last one ended at 10:14" in again.stdout
    assert field(again.stdout, "attempts") == "3 gradings"


def test_time_up_ends_the_session_at_the_next_mock_command(repo):
    assert grader(repo, "mock", "iou", "--minutes", "1", now=at(0)).returncode == 0
    assert grader(repo, "hint", "iou", now=at(0, 30)).returncode == 1
    # Past the deadline the session is over for every command: hints open at once.
    assert grader(repo, "hint", "iou", now=at(1, 1)).returncode == 0

    late = grader(repo, "mock", "grade", now=at(2))  # pens down: no grade is made
    assert late.returncode == 0, late.stderr
    assert late.stdout.startswith("time is up: the mock interview ended at 10:01; this grade was not made")
    assert "kata " not in late.stdout and history_lines(repo) == []
    assert field(late.stdout, "session") == "1 min from 10:00; time up at 10:01, after 1 min"
    assert field(late.stdout, "time to first passing visible tests") == "not reached"
    assert field(late.stdout, "time to full marks") == "not reached"
    assert field(late.stdout, "attempts") == "0 gradings"
    assert field(late.stdout, "final grade") == "not graded"
    assert all(answer in late.stdout for answer in ANSWERS)

    # The next `mock` starts a new session, on a kata not started (none is solved here).
    fresh = grader(repo, "mock", now=at(3))
    assert fresh.returncode == 0
    picked = re.match(r"mock interview: (\d\d \w+), 45 min left", fresh.stdout)
    assert picked and picked.group(1) in {k.label for k in registry.KATAS}, fresh.stdout


def test_mock_usage_errors(repo):
    for args in (["mock", "grade"], ["mock", "end"]):
        proc = grader(repo, *args, now=at(0))
        assert proc.returncode == 2 and "no mock interview is running" in one_line_error(proc)
    assert grader(repo, "mock", "yolo", now=at(0)).returncode == 2
    assert grader(repo, "mock", "iou", "--minutes", "0", now=at(0)).returncode == 2
    assert not (repo / ".grade" / "mock.json").exists()


# ---------------------------------------------------------------------------------------------- debrief


def test_debrief_is_refused_before_a_full_pass_with_what_is_left(repo):
    before = grader(repo, "debrief", "iou")
    assert before.returncode == 1 and not before.stdout
    line = one_line_error(before)
    assert line.startswith("01 iou: the debrief opens after the kata's first full pass; left: every check")
    assert "exercises/01_iou/iou.py" in line

    # Graded for its visible tests only (as `--only visible` records it): not a full pass yet.
    target = solve(repo, "iou")
    entry = {
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "graded_at": at(5),
        "points": 3,
        "max_points": 3,
        "checks": {"visible": {"status": "passed", "points": 3, "max_points": 3}},
    }
    (repo / ".grade").mkdir()
    (repo / ".grade" / "last.json").write_text(json.dumps({"version": 1, "katas": {"iou": entry}}))
    partial = grader(repo, "debrief", "iou")
    assert partial.returncode == 1 and DEBRIEF not in partial.stdout + partial.stderr
    assert "hidden and speed not graded" in one_line_error(partial) and "make grade EX=iou" in partial.stderr


# ---------------------------------------------------------------------------------------------- list


def grade_line(slug: str, when: str, *, full: bool, visible: bool = True, ratio: float | None = None) -> str:
    return json.dumps(
        {
            "kata": slug,
            "at": when,
            "groups": ["visible", "hidden", "speed"],
            "visible": visible,
            "full": full,
            "points": 10 if full else 3,
            "max_points": 10,
            "ratio": ratio,
            "target": 60.0 if ratio else None,
        }
    )


def test_list_shows_the_history_and_json_for_tools(repo):
    iou, nms = solve(repo, "iou"), solve(repo, "nms")
    checks = {
        g: {
            "status": "failed" if g == "speed" else "passed",
            "points": 0,
            "max_points": 2,
            "ratio": 70.0,
            "target": 30.0,
        }
        for g in ("visible", "hidden", "speed")
    }
    last = {
        "iou": {
            "sha256": hashlib.sha256(iou.read_bytes()).hexdigest(),
            "graded_at": at(30),
            "points": 10,
            "max_points": 10,
            "checks": {g: {"status": "passed", "ratio": 9.0, "target": 60.0} for g in ("visible", "hidden", "speed")},
        },
        # nms: failing (in progress), graded before the history was kept
        "nms": {
            "sha256": hashlib.sha256(nms.read_bytes()).hexdigest(),
            "graded_at": at(5),
            "points": 8,
            "max_points": 10,
            "checks": {**checks, "hidden": {"status": "failed"}},
        },
    }
    (repo / ".grade").mkdir()
    (repo / ".grade" / "last.json").write_text(json.dumps({"version": 1, "katas": last}))
    (repo / ".grade" / "history.jsonl").write_text(
        "\n".join(
            [
                grade_line("iou", at(10), full=False, visible=False),
                grade_line("iou", at(20), full=True, ratio=12.5),
                '{"kata": "iou", "at": "cut sho',  # a line a crash cut short costs that line only
                grade_line("iou", at(30), full=True, ratio=9.0),
            ]
        )
        + "\n"
    )
    (repo / ".grade" / "hints.json").write_text(json.dumps({"version": 1, "revealed": {"iou": 2}}))

    proc = grader(repo, "list", "--json", now=at(60))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    katas = {k["kata"]: k for k in data["katas"]}
    assert list(katas) == [k.slug for k in registry.KATAS]
    assert katas["iou"] == {
        "kata": "iou",
        "number": 1,
        "file": "exercises/01_iou/iou.py",
        "state": "fast enough",
        "detail": "speed 9.0x the baseline, target <= 60x",
        "points": 10,
        "max_points": 10,
        "graded_at": at(30),
        "first_pass": "2030-01-01T10:20:00+00:00",
        "attempts": 3,
        "best_ratio": 9.0,
        "speed_target": 60.0,
        "hints_used": 2,
        "hints_total": 3,
    }
    assert katas["nms"]["state"] == "failing" and katas["nms"]["attempts"] == 1
    assert katas["nms"]["first_pass"] is None and katas["nms"]["best_ratio"] == 70.0
    assert katas["anchors"]["attempts"] == 0 and katas["anchors"]["first_pass"] is None
    assert data["fast_enough"] == 1 and data["mock"] is None
    # the kata in progress before a new one
    assert data["next"]["kata"] == "nms" and data["next"]["step"].endswith("finish it before starting a new kata")

    table = grader(repo, "list", now=at(60)).stdout
    header = table.splitlines()[0]
    assert re.match(r"kata\s+state\s+points\s+graded\s+first pass\s+attempts\s+best speed\s+hints\s+details", header)
    iou_row = next(line for line in table.splitlines() if line.startswith("01 iou "))
    assert re.search(r"fast enough\s+10/10\s+30 min ago\s+2030-01-01\s+3\s+9\.0x\s+2/3\s", iou_row), iou_row
    assert "next: 02 nms (failing)" in table


# ---------------------------------------------------------------------------------------------- the report


def _result(slug: str, **statuses: str) -> KataResult:
    k = KATAS[slug]
    checks = {
        g: CheckResult(
            g,
            s,
            "NotImplementedError" if s == "not_started" else s,
            k.points.of(g) if s == "passed" else 0,
            k.points.of(g),
        )
        for g, s in statuses.items()
    }
    return KataResult(k, checks, str(k.stub_path(Path("exercises"))))


def test_the_report_says_to_finish_the_kata_in_progress_first():
    from grader.reports import console

    fresh = _result("iou", visible="not_started", hidden="not_started", speed="not_started")
    failing = _result("nms", visible="failed", hidden="failed", speed="skipped")
    slow = _result("anchors", visible="passed", hidden="passed", speed="failed")
    steps = console.next_steps([fresh, failing, slow])
    assert steps.splitlines()[-1] == (
        "next: finish 03 anchors (8/10, in progress) before starting a new kata such as 01 iou: `make grade EX=anchors`"
    )
    assert console.next_steps([fresh, failing]).endswith("`make watch EX=nms`")
    # Nothing to choose between: no such line.
    assert "next:" not in console.next_steps([fresh])
    assert "next:" not in console.next_steps([failing, slow])
