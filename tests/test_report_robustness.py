"""A report that cannot be broken: whatever a submission's messages hold, however long they are, a closed pipe,
a failing write or Ctrl-C, the terminal, JSON, JUnit and CSV reports come out whole and readable.

Most tests build results directly (no grading); the last ones run the grader in a subprocess.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, copy_solution, make_impl

from grader import cli, registry, text
from grader.exits import ExitCode
from grader.reports import console, files
from grader.results import CheckResult, KataResult, Status
from grader.teacher import regrade, summary

IOU, NMS, ANCHORS = registry.find("iou"), registry.find("nms"), registry.find("anchors")
# What a submission can put in an exception message: a lone surrogate (undecodable bytes read with
# surrogateescape), terminal escapes, NUL and BEL, a bidirectional override, a line break, a noncharacter.
NASTY = "ValueError: caf\udce9 \x1b[2J\x00\x07 \u202egnp.exe\r\nsecond line \ufffe end"
HUGE = "x" * 100_000
KATA_BUDGET = 8_000  # characters of a kata's texts in a report, whatever the submission said


def _result(kata: registry.Kata, message: str, *, tail: str = "", failures: int = 3) -> KataResult:
    fails = [{"test": f"test_{i}_{message}", "message": message} for i in range(failures)]
    checks = {
        "visible": CheckResult(
            "visible", Status.FAILED, message, 0, kata.points.visible, passed_tests=1, total_tests=7, failures=fails
        ),
        "hidden": CheckResult("hidden", Status.ERROR, message, 0, kata.points.hidden),
        "speed": CheckResult("speed", Status.SKIPPED, message, 0, kata.points.speed),
    }
    return KataResult(kata, checks, f"exercises/{kata.folder}/{kata.filename}", output_tail=tail, seconds=1.0)


def _assert_printable(out: str, *, lines: bool = True) -> None:
    out.encode("utf-8")  # a lone surrogate would raise here
    bad = [ch for ch in out if unicodedata.category(ch) in ("Cc", "Cs", "Cf", "Cn") and not (lines and ch in "\n\t")]
    assert not bad, bad


def _reports(results: list[KataResult], folder: Path) -> dict[str, str]:
    """Every report of ``results``, as text: the terminal's, the classroom summary, and the three files."""
    files.write_json(results, folder / "r.json")
    files.write_junit(results, folder / "r.xml")
    rows = [{"student": "st\udce9\x1b", "total": 0, "note": results[0].checks["hidden"].message}]
    files.write_csv(rows, ["student", "total", "note"], folder / "r.csv")
    return {
        "table": console.table(results),
        "next steps": console.next_steps(results),
        "summary": summary.markdown(results, []),
        "json": (folder / "r.json").read_bytes().decode("utf-8"),
        "junit": (folder / "r.xml").read_bytes().decode("utf-8"),
        "csv": (folder / "r.csv").read_bytes().decode("utf-8"),
    }


# ------------------------------------------------------------------------------------- what messages hold


def test_surrogates_and_control_characters_survive_every_report(tmp_path):
    results = [_result(IOU, NASTY, tail="ok\n" + NASTY), _result(NMS, "plain")]
    for name, out in _reports(results, tmp_path).items():
        _assert_printable(out)
        if name not in ("table", "summary"):  # the table shows no messages; the summary shows no tails
            assert "caf\\udce9" in out.replace("\\\\", "\\"), name  # shown as its escape, not dropped

    check = results[0].checks["visible"]
    assert check.message == ("ValueError: caf\\udce9 \\x1b[2J\\x00\\x07 \\u202egnp.exe\\r\\nsecond line \\ufffe end")
    assert "\n" not in check.message and "\n" not in check.failures[0]["message"]
    assert results[0].output_tail.startswith("ok\n")  # an output keeps its lines

    data = json.loads((tmp_path / "r.json").read_text())
    assert data["katas"][0]["checks"]["hidden"]["message"] == check.message
    junit = ET.parse(tmp_path / "r.xml").getroot()  # well-formed XML: no control character, no surrogate
    assert junit.find(".//testcase[@name='hidden']/error").get("message") == check.message
    (row,) = csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8"))
    assert row["student"] == "st\\udce9\\x1b" and row["note"] == check.message


def test_the_terminal_prints_them(tmp_path):
    """The table and next steps, printed to a real UTF-8 stream: what crashed the report before."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # errors="strict", as a pipe's stdout
    print(console.table([_result(IOU, NASTY)]), file=out)
    print(console.next_steps([_result(IOU, NASTY, tail=NASTY)]), file=out)
    out.flush()


def test_a_100kb_message_is_capped_everywhere(tmp_path):
    result = _result(IOU, HUGE, tail=HUGE, failures=1000)
    for check in result.checks.values():
        assert len(check.message) <= text.MESSAGE_LIMIT and check.message.endswith("characters cut]")
        assert sum(len(v) for f in check.failures for v in f.values()) <= text.FAILURES_LIMIT
    assert len(result.output_tail) <= text.OUTPUT_LIMIT
    for name, out in _reports([result], tmp_path).items():
        assert len(out) < KATA_BUDGET + 2_000, (name, len(out))  # the report's own words on top
    assert len(json.dumps(result.to_json())) < KATA_BUDGET


def test_a_message_changed_later_or_read_back_from_json_is_capped_too():
    check = CheckResult("visible", Status.FAILED, "short", 0, 3)
    check.message = HUGE + "\udce9"
    assert len(check.message) <= text.MESSAGE_LIMIT
    result = KataResult(IOU, {"visible": check}, "x.py")
    result.output_tail, result.setup_error = HUGE + "\x00", HUGE
    assert len(result.output_tail) <= text.OUTPUT_LIMIT and "\x00" not in result.output_tail
    assert len(result.setup_error) <= text.MESSAGE_LIMIT
    again = CheckResult.from_json("visible", {"status": "error", "message": NASTY * 1000, "points": 0, "max_points": 3})
    assert len(again.message) <= text.MESSAGE_LIMIT
    _assert_printable(again.message, lines=False)


def test_cleaning_is_idempotent_and_leaves_ordinary_text_alone():
    plain = "3 of 7 failed; first: test_iou_sorted: Arrays are not almost equal to 6 decimals — naïve ✓ 中文"
    assert text.clean_message(plain) == plain
    once = text.clean_message(NASTY * 100)
    assert text.clean_message(once) == once
    assert text.clean_output("a\n\tb\n") == "a\n\tb\n"


# ----------------------------------------------------------------------------------- files written whole


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
@pytest.mark.parametrize("fmt", ["json", "junit", "csv"])
def test_a_write_that_fails_midway_leaves_the_previous_file_whole(tmp_path, monkeypatch, fmt, fail_at):
    writers = {
        "json": lambda rs, p: files.write_json(rs, p),
        "junit": lambda rs, p: files.write_junit(rs, p),
        "csv": lambda rs, p: files.write_csv([{"student": r.kata.slug} for r in rs], ["student"], p),
    }
    path = tmp_path / f"report.{fmt}"
    writers[fmt]([_result(IOU, "first")], path)
    before = path.read_bytes()

    def fail(*args):
        if fail_at == "fsync":
            raise OSError(errno.ENOSPC, "No space left on device")
        raise KeyboardInterrupt  # Ctrl-C between the write and the rename

    monkeypatch.setattr(os, fail_at, fail)
    with pytest.raises((OSError, KeyboardInterrupt)):
        writers[fmt]([_result(IOU, "second " + HUGE)], path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def _fake_grading(monkeypatch, results: dict[str, KataResult], interrupt_at: str | None = None) -> list[str]:
    """Replace the runner: each kata gets its prepared result, and grading ``interrupt_at`` raises Ctrl-C."""
    from grader.grading import runner

    graded = []

    def grade_kata(kata, **kwargs):
        graded.append(kata.slug)
        if kata.slug == interrupt_at:
            raise KeyboardInterrupt
        return results[kata.slug]

    monkeypatch.setattr(runner, "grade_kata", grade_kata)
    return graded


def _closed_stdout(monkeypatch) -> None:
    """Standard output is a pipe whose reader has gone: every flush raises BrokenPipeError."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.FileIO(write_end, "w"), encoding="utf-8"))


def test_the_files_are_written_before_printing_and_a_closed_stdout_keeps_the_grade(tmp_path, monkeypatch):
    _fake_grading(monkeypatch, {"iou": _result(IOU, NASTY + HUGE), "nms": _result(NMS, "plain")})
    _closed_stdout(monkeypatch)
    code = cli.main(
        [
            "iou",
            "nms",
            "--impl",
            str(tmp_path),
            "--quiet",
            "--json",
            str(tmp_path / "r.json"),
            "--junit",
            str(tmp_path / "r.xml"),
        ]
    )
    assert code == ExitCode.FAILED  # the grade's own exit code: the closed pipe is not an error
    assert [k["kata"] for k in json.loads((tmp_path / "r.json").read_text())["katas"]] == ["iou", "nms"]
    assert len(ET.parse(tmp_path / "r.xml").getroot().findall("testsuite")) == 2


def test_a_file_that_cannot_be_written_is_an_error_and_the_report_still_prints(tmp_path, monkeypatch, capsys):
    _fake_grading(monkeypatch, {"iou": _result(IOU, "plain")})
    json_path = tmp_path / "missing" / "r.json"
    code = cli.main(
        ["iou", "--impl", str(tmp_path), "--quiet", "--json", str(json_path), "--junit", str(tmp_path / "r.xml")]
    )
    out, err = capsys.readouterr()
    assert code == ExitCode.USAGE and "01 iou" in out
    assert f"error: cannot write {json_path}" in err and "Traceback" not in err
    assert (tmp_path / "r.xml").is_file()  # the other file is written all the same


def test_ctrl_c_reports_what_was_graded(tmp_path, monkeypatch, capsys):
    graded = _fake_grading(monkeypatch, {"iou": _result(IOU, "plain")}, interrupt_at="nms")
    code = cli.main(["iou", "nms", "anchors", "--impl", str(tmp_path), "--json", str(tmp_path / "r.json")])
    assert code == ExitCode.INTERRUPTED and graded == ["iou", "nms"]
    out, err = capsys.readouterr()
    assert "interrupted: 1 of 3 katas graded" in err and "Traceback" not in err
    assert "02 nms" in out and "03 anchors" in out  # the table shows every kata asked for
    katas = {k["kata"]: k for k in json.loads((tmp_path / "r.json").read_text())["katas"]}
    assert katas["iou"]["checks"]["visible"]["message"] == "plain"
    assert {c["status"] for c in katas["nms"]["checks"].values()} == {"error"}
    assert katas["nms"]["checks"]["visible"]["message"].startswith("interrupted")
    assert katas["anchors"]["checks"]["hidden"]["message"].startswith("not graded")
    assert katas["anchors"]["max_points"] == ANCHORS.points.total and katas["anchors"]["points"] == 0


# --------------------------------------------------------------------------------------------- regrade


def _students(tmp_path: Path, *names: str | bytes) -> Path:
    folder = tmp_path / "students"
    for name in names:
        path = os.path.join(os.fsencode(folder), os.fsencode(name), b"exercises")  # a name may not be UTF-8
        os.makedirs(path)
    return folder


def _regrade(folder: Path, out: Path, *katas: str) -> int:
    return regrade.main([str(folder), *katas, "--hidden", str(REPO / "hidden_tests"), "--csv", str(out)])


def test_regrade_writes_a_whole_csv_whatever_the_messages_and_folder_names(tmp_path, monkeypatch):
    folder = _students(tmp_path, "ann", b"b\xe9a")  # a Latin-1 folder name
    _fake_grading(monkeypatch, {"iou": _result(IOU, NASTY + HUGE)})
    out = tmp_path / "grades.csv"
    assert _regrade(folder, out, "iou") == ExitCode.OK
    raw = out.read_bytes().decode("utf-8")
    _assert_printable(raw)
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(raw))}
    assert set(rows) == {"ann", "b\\udce9a"}
    assert "caf\\udce9" in rows["ann"]["note"] and len(rows["ann"]["note"]) <= 300


def test_ctrl_c_during_regrade_writes_the_students_graded_so_far(tmp_path, monkeypatch, capsys):
    folder = _students(tmp_path, "ann", "ben", "cat")
    graded = _fake_grading(monkeypatch, {"iou": _result(IOU, "plain"), "nms": _result(NMS, "plain")})
    from grader.grading import runner

    calls = iter(range(100))
    plain = runner.grade_kata

    def interrupt_on_the_fourth_kata(kata, **kwargs):  # ben's nms
        if next(calls) == 3:
            raise KeyboardInterrupt
        return plain(kata, **kwargs)

    monkeypatch.setattr(runner, "grade_kata", interrupt_on_the_fourth_kata)
    out = tmp_path / "grades.csv"
    assert _regrade(folder, out, "iou", "nms") == ExitCode.INTERRUPTED
    assert graded == ["iou", "nms", "iou"]
    assert "interrupted: 1 of 3 students graded" in capsys.readouterr().err
    rows = {r["student"]: r for r in csv.DictReader(out.open())}
    assert rows["ann"]["total"] == "0" and "interrupted" not in rows["ann"]["note"]
    assert rows["ben"]["iou"] == "0" and rows["ben"]["nms"] == "" and rows["ben"]["total"] == ""
    assert rows["ben"]["note"].endswith("interrupted while grading nms: not graded from there on")
    assert rows["cat"]["iou"] == rows["cat"]["total"] == "" and rows["cat"]["note"] == regrade.NOT_GRADED


# ----------------------------------------------------------------------------- the grader as a command


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipeError" not in err, err


@pytest.mark.parametrize("read_first_line", [False, True])
def test_a_closed_stdout_is_not_an_error(read_first_line):
    """``python -m grader list | head -1``: the reader leaves before (or after) the first line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "list"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    if read_first_line:
        assert proc.stdout.readline().startswith(b"kata")
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == ExitCode.OK
    _no_traceback(err)


def _descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid`` (pid -> its process group), read from /proc."""
    parents, groups = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            parents[int(entry.name)], groups[int(entry.name)] = int(fields[1]), int(fields[2])
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = groups[child]
                todo.append(child)
    return found


def _left_over(processes: dict[int, int]) -> list[int]:
    """Processes (zombies aside) among ``processes`` (pid -> process group) or in any of their groups."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, _, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue
            if (int(entry.name) in processes or int(pgrp) in processes.values()) and state != "Z":
                alive.append(int(entry.name))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_ctrl_c_stops_cleanly_writes_the_report_and_leaves_no_process(tmp_path):
    impl = make_impl(tmp_path / "impl", "iou", "while True:\n    pass\n")
    copy_solution(impl, "nms")
    report = tmp_path / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "iou", "nms", "--impl", str(impl), "--json", str(report)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal of its own: Ctrl-C goes to its whole foreground group
        # Python turns SIGINT into KeyboardInterrupt only when it is not ignored, as a test runner may do
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        kata = {}
        while not kata and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            kata = _descendants(proc.pid)
        assert kata, "the kata's process never started"
        time.sleep(1)
        kata.update(_descendants(proc.pid))
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "interrupted: 0 of 2 katas graded" in err
    data = json.loads(report.read_text())
    assert [k["kata"] for k in data["katas"]] == ["iou", "nms"]
    assert data["katas"][0]["checks"]["visible"]["message"].startswith("interrupted")
    kata[proc.pid] = proc.pid
    deadline = time.monotonic() + 10
    while _left_over(kata) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _left_over(kata), "a kata process outlived Ctrl-C"
