"""``regrade`` at course scale: every folder gets a row, ``--jobs N`` gives the CSV of ``--jobs 1``, the shards of a
course merge into the CSV of one regrade, and the hidden repository's workflow that runs the shards on GitHub.

Most tests replace the runner by a fake whose points depend only on the student, the kata and the group (the
regrade's own logic is what they test); one grades real submissions, speed included.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from grader import registry
from grader.exits import ExitCode
from grader.results import CheckResult, KataResult, Status
from grader.teacher import classroom, merge, regrade, regrade_workflow, shards

IOU, NMS = registry.find("iou"), registry.find("nms")
HIDDEN = REPO / "hidden_tests"
# A note a student's code chooses: commas, quotes and a line break (written as its escape: a row is one line).
AWKWARD = "ValueError: a, \"b\", 'c'\nsecond line"


def _points(student: str, kata: registry.Kata, group: str, hidden: bool = True) -> int:
    """Each student's own points, the same whichever way the checks are graded; speed follows the speed rule:
    timed once the visible tests and, where they are given, the hidden tests pass (as the judge does)."""
    if group == "speed" and any(not _points(student, kata, g) for g in ("visible", "hidden")[: 1 + hidden]):
        return 0
    return kata.points.of(group) if (len(student) + len(group) + kata.number) % 3 else 0


class FakeRunner:
    """Stands in for ``runner.grade_kata``: records every call, and how many ran at once."""

    def __init__(self, pause: float = 0.0, interrupt_on: int | None = None):
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []
        self.pause, self.interrupt_on = pause, interrupt_on
        self.running = self.most_at_once = 0
        self.speed_most_at_once = 0
        self.hidden_given: list[bool] = []
        self.lock = threading.Lock()

    def __call__(self, kata, *, impl_file, groups, hidden_tests, **kwargs):
        repo = impl_file.parents[2]
        student = repo.name
        with self.lock:
            self.calls.append((student, kata.slug, tuple(groups)))
            self.hidden_given.append(hidden_tests is not None)
            if self.interrupt_on is not None and len(self.calls) == self.interrupt_on:
                raise KeyboardInterrupt
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            if "speed" in groups:
                self.speed_most_at_once = max(self.speed_most_at_once, self.running)
        time.sleep(self.pause)
        with self.lock:
            self.running -= 1
        checks = {}
        for g in groups:
            points = _points(student, kata, g, hidden=hidden_tests is not None)
            if student.startswith("broken"):
                checks[g] = CheckResult(g, Status.ERROR, f"{repo}/{kata.filename}: {AWKWARD}", 0, kata.points.of(g))
            else:
                status = Status.PASSED if points else Status.FAILED
                checks[g] = CheckResult(g, status, "ok" if points else "no", points, kata.points.of(g))
        return KataResult(kata, checks, str(impl_file))


@pytest.fixture
def fake(monkeypatch):
    from grader.grading import runner

    def install(**kwargs) -> FakeRunner:
        f = FakeRunner(**kwargs)
        monkeypatch.setattr(runner, "grade_kata", f)
        return f

    return install


def _course(root: Path, students: list[str], katas=(IOU, NMS)) -> Path:
    """A folder of student repositories (each kata's stub copied in): the fake grades by name only."""
    for name in students:
        for kata in katas:
            target = kata.stub_path(root / name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("")
    return root


def _regrade(folder: Path, out: Path, *extra: str) -> int:
    return regrade.main([str(folder), "iou", "nms", "--hidden", str(HIDDEN), "--csv", str(out), *extra])


def _rows(path: Path) -> dict[str, dict]:
    return {row["student"]: row for row in csv.DictReader(path.open(encoding="utf-8", newline=""))}


# ------------------------------------------------------------------------------------------ every folder


def test_every_folder_gets_a_row_and_one_that_is_not_a_repository_scores_zero(tmp_path, fake, capsys):
    fake()
    folder = _course(tmp_path / "students", ["alice"])
    (folder / "clone-gone-wrong" / ".git").mkdir(parents=True)  # cloned, but no exercises/
    (folder / "stray").mkdir()  # not a repository at all: dropped without a trace before
    (folder / ".cache").mkdir()  # hidden: not a student
    (folder / "roster.txt").write_text("a file, not a student\n")
    out = tmp_path / "grades.csv"
    assert _regrade(folder, out) == ExitCode.OK
    rows = _rows(out)
    assert list(rows) == ["alice", "clone-gone-wrong", "stray"]
    assert rows["clone-gone-wrong"]["note"] == regrade.NOT_A_CLONE
    assert rows["stray"]["note"] == regrade.NOT_A_REPOSITORY
    for name in ("clone-gone-wrong", "stray"):
        assert {rows[name][col] for col in regrade.header([IOU, NMS])[1:-2]} == {"0"}, rows[name]
        assert rows[name]["max"] == str(IOU.points.total + NMS.points.total)
    err = capsys.readouterr().err
    assert "[3/3] stray: not a student repository" in err and "[1/3] alice" in err
    assert "summary: 3 students" in err and "failures 2" in err


def test_a_student_repository_given_as_the_course_is_refused(tmp_path, fake, capsys):
    fake()
    folder = _course(tmp_path / "students", ["alice"])
    assert _regrade(folder / "alice", tmp_path / "grades.csv") == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "is a student repository itself" in err and "Traceback" not in err
    assert not (tmp_path / "grades.csv").exists()


def test_the_csv_has_a_fixed_column_order_and_notes_round_trip(tmp_path, fake):
    fake()
    folder = _course(tmp_path / "students", ["broken-bob", "alice"])
    out = tmp_path / "grades.csv"
    assert _regrade(folder, out) == ExitCode.OK
    reader = csv.DictReader(out.open(encoding="utf-8", newline=""))
    assert reader.fieldnames == regrade.header([IOU, NMS])
    assert reader.fieldnames[:5] == ["student", "iou_visible", "iou_hidden", "iou_speed", "iou"]
    assert reader.fieldnames[-3:] == ["total", "max", "note"]
    note = {row["student"]: row["note"] for row in reader}["broken-bob"]
    # the repository's path is cut, the commas and quotes survive the CSV, the line break is its escape
    awkward = "ValueError: a, \"b\", 'c'\\nsecond line"
    assert note == f"iou: iou.py: {awkward}; nms: nms.py: {awkward}"
    assert len(out.read_text().splitlines()) == 3  # one line per row


def test_the_summary_counts_students_mean_median_and_failures():
    rows = [
        {"student": "a", "total": 10, "max": 20, "note": ""},
        {"student": "b", "total": "4", "max": "20", "note": "iou: broken"},
        {"student": "c", "total": 1, "max": 20, "note": ""},
        {"student": "d", "total": "", "max": 20, "note": regrade.NOT_GRADED},
    ]
    assert regrade.course_summary(rows) == (
        "summary: 4 students, mean 5.0/20, median 4/20, failures 2 (rows with a note)"
    )


# ------------------------------------------------------------------------------------------------ --jobs


def test_jobs_grades_correctness_side_by_side_then_speed_alone_and_writes_the_same_csv(tmp_path, fake, capsys):
    names = ["alice", "broken-bob", "carol", "dan"]
    folder = _course(tmp_path / "students", names)
    (folder / "stray").mkdir()
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    fake()
    assert _regrade(folder, one) == ExitCode.OK
    f = fake(pause=0.2)
    assert _regrade(folder, two, "--jobs", "2") == ExitCode.OK
    assert two.read_bytes() == one.read_bytes()
    assert f.most_at_once == 2 and f.speed_most_at_once == 1
    correctness = [c for c in f.calls if c[2] == regrade.CORRECTNESS]
    speed = [c for c in f.calls if c[2] == ("speed",)]
    assert len(correctness) == 2 * len(names) and len(f.calls) == len(correctness) + len(speed)
    assert all(c[2] != ("speed",) for c in f.calls[: len(correctness)])  # every speed check after the tests
    # timed only where the visible and hidden tests passed, and then gated by the visible tests alone
    timed = {(n, k.slug) for n in names for k in (IOU, NMS) if all(_points(n, k, g) for g in regrade.CORRECTNESS)}
    assert {(c[0], c[1]) for c in speed} == timed and 0 < len(timed) < len(correctness)
    assert not any(f.hidden_given[len(correctness) :]) and all(f.hidden_given[: len(correctness)])
    err = capsys.readouterr().err
    assert "speed checks, one at a time" in err and "[4/5] dan: total" in err


def test_jobs_runs_each_grading_thread_on_a_core_of_its_own(tmp_path, fake):
    import os

    if not hasattr(os, "sched_getaffinity") or (os.cpu_count() or 1) < 2:
        pytest.skip("needs a machine with two cores")
    # make test may have kept this process to one core (tests/suite.py); the stand-in grading only sleeps
    mine = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(range(os.cpu_count())))
    try:
        _grade_two_at_a_time_recording_cores(tmp_path, fake)
    finally:
        os.sched_setaffinity(0, mine)


def _grade_two_at_a_time_recording_cores(tmp_path, fake):
    import os

    seen = set()
    f = fake(pause=0.2)
    plain = f.__call__

    def record_core(kata, **kwargs):
        if "speed" not in kwargs["groups"]:
            seen.add(frozenset(os.sched_getaffinity(0)))
        return plain(kata, **kwargs)

    from grader.grading import runner

    runner.grade_kata = record_core  # restored by the fixture's monkeypatch
    folder = _course(tmp_path / "students", ["alice", "bob", "carol"])
    assert _regrade(folder, tmp_path / "g.csv", "--jobs", "2") == ExitCode.OK
    assert len(seen) == 2 and all(len(cores) == 1 for cores in seen), seen


def test_ctrl_c_under_jobs_writes_what_was_graded(tmp_path, fake, capsys):
    folder = _course(tmp_path / "students", ["alice", "bob", "carol", "dan", "erin"])
    fake(interrupt_on=3)
    out = tmp_path / "grades.csv"
    assert _regrade(folder, out, "--jobs", "2") == ExitCode.INTERRUPTED
    rows = _rows(out)
    assert list(rows) == ["alice", "bob", "carol", "dan", "erin"]  # nobody dropped
    assert all(r["total"] == "" for r in rows.values())  # nobody's speed was graded
    notes = [r["note"] for r in rows.values()]
    assert any("interrupted while grading" in n for n in notes)
    assert regrade.NOT_GRADED in notes
    assert "interrupted: 0 of 5 students graded" in capsys.readouterr().err


def _solution(kata: registry.Kata) -> Path:
    return kata.solution_path(REPO)


@pytest.mark.timing  # speed verdicts are compared
def test_jobs_2_gives_the_csv_of_jobs_1_on_real_submissions(tmp_path):
    """An honest student, a wrong one (caught by the hidden tests) and a slow one (caught by speed), on the kata
    whose known-bad submissions grade fastest."""
    kata = registry.find("anchors")
    subs = REPO / "tests" / "submissions" / kata.slug
    folder = tmp_path / "students"
    for name, source in (
        ("honest", _solution(kata)),
        ("slow", subs / "python_loop.py"),
        ("wrong", subs / "plus_one_pixel.py"),
    ):
        target = kata.stub_path(folder / name)
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
        shutil.copy(_solution(kata), target.parent / "_reference.py")  # the known-bad files import the rest
    csvs, reports = {}, {}
    for jobs in ("1", "2"):
        csvs[jobs], reports[jobs] = tmp_path / f"jobs{jobs}.csv", tmp_path / f"reports{jobs}"
        cmd = [sys.executable, "-m", "grader", "regrade", str(folder), kata.slug, "--hidden", str(HIDDEN)]
        proc = subprocess.run(
            [*cmd, "--csv", str(csvs[jobs]), "--jobs", jobs, "--reports", str(reports[jobs])],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    rows = _rows(csvs["1"])
    assert rows["honest"][kata.slug] == str(kata.points.total), rows
    assert rows["slow"][f"{kata.slug}_speed"] == "0" and rows["slow"][f"{kata.slug}_hidden"] != "0", rows
    assert rows["wrong"][f"{kata.slug}_hidden"] == "0", rows
    assert csvs["2"].read_bytes() == csvs["1"].read_bytes()
    # each student's report holds every check with its message, the speed checks of --jobs 2 graded apart too
    for jobs, where in reports.items():
        checks = {p.stem: json.loads(p.read_text())["katas"][0]["checks"] for p in where.glob("*.json")}
        assert sorted(checks) == ["honest", "slow", "wrong"], jobs
        for name, row in rows.items():
            assert {g: c["points"] for g, c in checks[name].items()} == {
                g: int(row[f"{kata.slug}_{g}"]) for g in registry.GROUPS
            }, (jobs, name)
        assert "too slow" in checks["slow"]["speed"]["message"], jobs
        assert checks["wrong"]["hidden"]["status"] == "failed" and checks["wrong"]["speed"]["status"] == "skipped"


# ------------------------------------------------------------------------------------------ shards, merge


def test_the_sharded_regrade_merges_to_the_csv_of_one_regrade(tmp_path, fake, capsys):
    fake()
    names = ["alice", "broken-bob", "carol", "dan", "erin", "frank", "grace"]
    folder = _course(tmp_path / "students", names)
    (folder / "stray").mkdir()
    whole = tmp_path / "whole.csv"
    assert _regrade(folder, whole) == ExitCode.OK
    parts = []
    for k in (1, 2, 3):
        parts.append(tmp_path / f"shard{k}.csv")
        assert _regrade(folder, parts[-1], "--shard", f"{k}/3") == ExitCode.OK
    sizes = [len(_rows(p)) for p in parts]
    assert sum(sizes) == len(names) + 1 and max(sizes) - min(sizes) <= 1
    merged = tmp_path / "grades.csv"
    capsys.readouterr()
    assert merge.main([str(p) for p in reversed(parts)] + ["-o", str(merged)]) == ExitCode.OK
    assert merged.read_bytes() == whole.read_bytes()
    out = capsys.readouterr().out
    assert "summary: 8 students" in out and "failures 2" in out


def test_a_shard_picks_from_the_roster_the_folders_it_picks_from_the_clones(tmp_path):
    repos = ["org/zoe", "org/adam", "other-org/mia", "org/bob", "org/lee"]
    roster = tmp_path / "students.txt"
    roster.write_text("# the course\n" + "\n".join(repos[:3]) + "\n\n  org/bob  # late\norg/lee\norg/lee\n")
    folder = tmp_path / "clones"
    for r in repos:
        (folder / shards.folder_name(r)).mkdir(parents=True)
    assert shards.read_roster(roster) == repos
    for k in (1, 2, 3):
        shard = shards.Shard(k, 3)
        from_roster = [shards.folder_name(r) for r in shard.select(repos, key=shards.folder_name)]
        from_clones = [f.name for f in shard.select(regrade.student_folders(folder), key=lambda f: f.name)]
        assert from_roster == from_clones
    assert shards.Shard(6, 6).select(repos, key=shards.folder_name) == []  # more shards than students


def test_regrade_shard_prints_one_repository_a_line(tmp_path, capsys):
    roster = tmp_path / "students.txt"
    roster.write_text("org/b\norg/a\norg/c\n")
    assert shards.main([str(roster), "1/2"]) == ExitCode.OK
    assert capsys.readouterr().out == "org/a\norg/c\n"


@pytest.mark.parametrize(
    "line, words",
    [
        ("org/a; rm -rf /", "expected OWNER/NAME"),
        ("org/..", "expected OWNER/NAME"),
        ("https://example.org/x/y", "expected OWNER/NAME"),
        ("-org/a", "expected OWNER/NAME"),
        ("one/x\ntwo/x", "share the folder x"),
    ],
)
def test_a_bad_roster_is_one_line_naming_the_line(tmp_path, capsys, line, words):
    roster = tmp_path / "students.txt"
    roster.write_text(f"org/ok\n{line}\n")
    assert shards.main([str(roster), "1/1"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert words in err and f"{roster}:" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", ""])
def test_a_bad_shard_is_refused(tmp_path, capsys, text):
    with pytest.raises(SystemExit) as exc:
        regrade.main([str(tmp_path), "--shard", text])
    assert exc.value.code == ExitCode.USAGE and "K/N" in capsys.readouterr().err


def test_an_empty_shard_writes_the_header(tmp_path, fake):
    fake()
    folder = _course(tmp_path / "students", ["alice"])
    out = tmp_path / "g.csv"
    assert _regrade(folder, out, "--shard", "2/2") == ExitCode.OK
    assert out.read_text().splitlines() == [",".join(regrade.header([IOU, NMS]))]


def test_merge_refuses_other_columns_and_a_student_twice(tmp_path, capsys):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("student,x,total,max,note\nann,1,1,2,\n")
    b.write_text("student,y,total,max,note\nben,1,1,2,\n")
    c.write_text("student,x,total,max,note\nann,2,2,2,\n")
    for inputs, words in (([a, b], "other columns"), ([a, c], "ann is in both"), ([tmp_path / "no.csv"], "cannot")):
        assert merge.main([*map(str, inputs), "-o", str(tmp_path / "out.csv")]) == ExitCode.USAGE
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_merge_with_the_roster_gives_a_row_to_a_student_no_shard_has(tmp_path, capsys):
    a = tmp_path / "a.csv"
    a.write_text('student,x,total,max,note\nann,1,1,2,"iou: a, ""b"""\n')
    roster = tmp_path / "students.txt"
    roster.write_text("org/ann\norg/cat\n")
    out = tmp_path / "grades.csv"
    assert merge.main([str(a), "--roster", str(roster), "-o", str(out)]) == ExitCode.OK
    rows = _rows(out)
    assert rows["ann"]["note"] == 'iou: a, "b"'  # the quotes round-trip
    assert rows["cat"] == {"student": "cat", "x": "", "total": "", "max": "2", "note": merge.NO_SHARD}
    assert "summary: 2 students, mean 1.0/2" in capsys.readouterr().out


# ------------------------------------------------------------------------------------ the GitHub workflow


def _export_hidden(target: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", "export", "hidden", str(target), "iou", "nms", *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_export_hidden_writes_the_regrade_workflow_and_keeps_the_roster(tmp_path):
    hidden = tmp_path / "hidden"
    assert _export_hidden(hidden, "--shards", "3").returncode == 0
    text = (hidden / regrade_workflow.WORKFLOW).read_text()
    flow = yaml.safe_load(text)
    job, last = flow["jobs"]["regrade"], flow["jobs"]["merge"]
    assert job["strategy"]["matrix"]["shard"] == [1, 2, 3] and job["strategy"]["fail-fast"] is False
    assert last["needs"] == "regrade" and last["if"] == "always()"
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    (download,) = [s for s in last["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    assert uploads[0]["with"]["name"].startswith(download["with"]["pattern"].rstrip("*"))
    scripts = "\n".join(s.get("run", "") for j in flow["jobs"].values() for s in j["steps"])
    assert "${{" not in scripts  # matrix values, names and secrets reach the shell through env only
    for command in ("regrade-shard", "regrade --", "regrade-merge", "--sandbox bwrap", "--roster", "bubblewrap"):
        assert command in scripts.replace('regrade "$RUNNER_TEMP/students" --', "regrade --"), command
    assert "apparmor_restrict_unprivileged_userns=0" in scripts
    for step in (s for j in flow["jobs"].values() for s in j["steps"] if "uses" in s):
        name, major = step["uses"].split("@")
        assert major == regrade_workflow.ACTIONS[name.split("/")[1].replace("-", "_")], step["uses"]
    torch = next(s for s in job["steps"] if "torch" in s.get("run", ""))
    assert classroom.TORCH_INDEX_DEFAULT in torch["env"]["TORCH_INDEX_URL"]
    assert "--extra-index-url" in torch["run"] and "torch==" in text
    assert (hidden / regrade_workflow.ROSTER).read_text().startswith("#")

    (hidden / regrade_workflow.ROSTER).write_text("org/alice\n")
    assert _export_hidden(hidden, "--force").returncode == 0
    assert (hidden / regrade_workflow.ROSTER).read_text() == "org/alice\n"  # the teacher's list survives
    assert yaml.safe_load((hidden / regrade_workflow.WORKFLOW).read_text())["jobs"]["regrade"]["strategy"]["matrix"][
        "shard"
    ] == [1, 2, 3, 4]


@pytest.mark.parametrize("extra, words", [(["--shards", "0"], "--shards"), (["--course-repo", "a b"], "--course-repo")])
def test_export_hidden_refuses_bad_options_before_writing(tmp_path, extra, words):
    proc = _export_hidden(tmp_path / "hidden", *extra)
    assert proc.returncode == ExitCode.USAGE and words in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "hidden").exists()


def test_the_regrade_workflow_names_the_course_repository(tmp_path):
    flow = yaml.safe_load(regrade_workflow.workflow(REPO, "course-org/katas-2026"))
    assert flow["env"]["COURSE_REPO"] == "course-org/katas-2026"
    flow = yaml.safe_load(regrade_workflow.workflow(REPO))
    assert flow["env"]["COURSE_REPO"] == "${{ github.repository_owner }}/" + regrade_workflow.DEFAULT_COURSE_REPO_NAME
    assert re.fullmatch(r"\d+", str(flow["jobs"]["regrade"]["timeout-minutes"]))
    assert io.StringIO(regrade_workflow.roster_template()).readline().startswith("# ")


def test_the_workflow_clones_its_shard_and_an_unclonable_repository_still_gets_a_folder(tmp_path):
    """The clone step's script, run as the runner runs it, with a stand-in for `gh` that copies local folders."""
    workspace, temp, remote, bin_dir = (tmp_path / d for d in ("workspace", "temp", "remote", "bin"))
    for d in (workspace, temp, bin_dir):
        d.mkdir()
    (workspace / regrade_workflow.COURSE).symlink_to(REPO)  # the course's grader: this checkout's
    (workspace / regrade_workflow.ROSTER).write_text("org/ann\norg/ben\nother/cat\norg/gone\n")
    for name in ("ann", "ben", "cat"):
        _course(remote, [name], katas=(IOU,))
    gh = bin_dir / "gh"
    gh.write_text(
        f'#!/bin/sh\n[ "$1 $2" = "repo clone" ] && [ -d "{remote}/${{3#*/}}" ] && cp -r "{remote}/${{3#*/}}" "$4"\n'
    )
    gh.chmod(0o755)
    flow = yaml.safe_load(regrade_workflow.workflow(REPO))
    step = next(s for s in flow["jobs"]["regrade"]["steps"] if "regrade-shard" in s.get("run", ""))
    cloned = {}
    for k in (1, 2):
        env = {
            "PATH": f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "RUNNER_TEMP": str(temp),
            "GITHUB_WORKSPACE": str(workspace),
            "GH_TOKEN": "token",
            "SHARD": f"{k}/2",
        }
        cwd = workspace / step["working-directory"]
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        cloned[k] = sorted(p.name for p in (temp / "students").iterdir())
        if k == 2:
            assert "::warning title=Clone failed::org/gone" in proc.stdout
        shutil.rmtree(temp / "students")
    assert cloned == {1: ["ann", "cat"], 2: ["ben", "gone"]}  # every other name, sorted: ann ben cat gone
