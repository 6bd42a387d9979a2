"""The learner's loop: `hint`, `list` (from the last grade), `watch` (real file events), and the editor settings.

Everything runs in a temporary copy of the repository's layout (``exercises/`` and ``solutions/``) with the
commands started from there, so the state files (``.grade/``) land in the copy, never in the checkout.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Watch

from grader import registry
from grader.results import CheckResult, KataResult

KATAS = {k.slug: k for k in registry.KATAS}


# ---------------------------------------------------------------------------------------------- helpers


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository's layout a learner works in: exercises/ (stubs, tests, READMEs), solutions/."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    shutil.copytree(REPO / "exercises", root / "exercises", ignore=ignore)
    shutil.copytree(REPO / "solutions", root / "solutions", ignore=ignore)
    return root


def env() -> dict:
    # The copy has no grader/ of its own: import the checkout's.
    return {**os.environ, "PYTHONPATH": str(REPO)}


def grader(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=root, env=env(), capture_output=True, text=True, timeout=timeout
    )


def exercise(root: Path, slug: str) -> Path:
    k = KATAS[slug]
    return root / "exercises" / k.folder / k.filename


def solve(root: Path, slug: str, edit=lambda s: s) -> Path:
    k = KATAS[slug]
    target = exercise(root, slug)
    target.write_text(edit((REPO / "solutions" / k.folder / k.filename).read_text()))
    return target


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def readme_hints(slug: str) -> list[str]:
    """The three hint texts, cut out of the README by plain string splitting (independently of grader.learner.hints)."""
    k = KATAS[slug]
    text = (REPO / "exercises" / k.folder / "README.md").read_text().split("## Hints", 1)[1]
    parts = re.split(r"^<details><summary>Hint \d+[^<]*</summary>\s*$", text, flags=re.MULTILINE)[1:]
    return [p.split("</details>", 1)[0].strip() for p in parts]


def one_line_error(proc) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


# ---------------------------------------------------------------------------------------------- hint


def test_hints_are_revealed_one_at_a_time(repo):
    hints = readme_hints("nms")
    assert len(hints) == 3
    for i in range(3):
        proc = grader(repo, "hint", "nms")
        assert proc.returncode == 0, proc.stderr
        assert f"Hint {i + 1} of 3" in proc.stdout
        assert hints[i] in proc.stdout
        for j, other in enumerate(hints):
            if j != i:
                assert other not in proc.stdout, f"hint {j + 1} leaked into call {i + 1}"
    done = grader(repo, "hint", "02")  # the number names the kata too
    assert done.returncode == 0 and "no hints left" in done.stdout
    assert not any(h in done.stdout for h in hints)
    # the count lives in the copy's .grade/, never in the checkout
    assert json.loads((repo / ".grade" / "hints.json").read_text())["revealed"]["nms"] == 3


def test_hint_all_and_reset(repo):
    hints = readme_hints("roi_align")
    everything = grader(repo, "hint", "roi_align", "--all")
    assert everything.returncode == 0
    assert all(h in everything.stdout for h in hints)
    assert "no hints left" in grader(repo, "hint", "roi_align").stdout
    reset = grader(repo, "hint", "roi_align", "--reset")
    assert reset.returncode == 0 and not any(h in reset.stdout for h in hints)
    again = grader(repo, "hint", "roi_align")
    assert hints[0] in again.stdout and hints[1] not in again.stdout
    # other katas keep their own count
    assert hints[0] not in grader(repo, "hint", "iou").stdout


@pytest.mark.parametrize("args", [["hint", "yolo"], ["hint", "yolo", "--all"], ["watch", "yolo"]])
def test_unknown_kata_is_a_one_line_usage_error(repo, args):
    proc = grader(repo, *args)
    assert proc.returncode == 2
    assert "unknown kata 'yolo'" in proc.stderr and "nms" in proc.stderr
    one_line_error(proc)


def test_hint_usage_errors(repo):
    assert grader(repo, "hint").returncode == 2
    assert grader(repo, "hint", "nms", "--all", "--reset").returncode == 2
    assert grader(repo, "list", "extra").returncode == 2


def test_readme_without_hints_is_a_clear_error(repo):
    readme = repo / "exercises" / KATAS["iou"].folder / "README.md"
    readme.write_text(readme.read_text().split("## Hints")[0])
    proc = grader(repo, "hint", "iou")
    assert proc.returncode == 1 and "no '## Hints' section" in proc.stderr
    one_line_error(proc)


def test_hint_parser_ignores_headings_in_code_and_stops_at_the_next_section():
    from grader.learner.hints import HintsError, parse_hints

    text = (
        "# 09 · X\n\n## Hints\n\n### Hint 1\n\nfirst\n\n```python\n## not a heading\n### Hint 7\n```\n\n"
        "### Hint 2\n\nsecond\n\n## Afterword\n\nnot a hint\n"
    )
    first, second = parse_hints(text)
    assert first.startswith("first") and "## not a heading" in first and "### Hint 7" in first
    assert second == "second"
    with pytest.raises(HintsError):
        parse_hints("## Hints\n\n### Hint 2\n\nout of order\n")
    with pytest.raises(HintsError):
        parse_hints("## Pitfalls\n\nnone\n")


# ---------------------------------------------------------------------------------------------- list


def check(status: str, points: int, max_points: int, **extra) -> dict:
    return {
        "status": status,
        "message": extra.pop("message", status),
        "points": points,
        "max_points": max_points,
        "passed_tests": None,
        "total_tests": None,
        "ratio": None,
        "target": None,
        **extra,
    }


def entry(path: Path, checks: dict, digest: str | None = None) -> dict:
    return {
        "number": 0,
        "file": "x",
        "sha256": digest or sha(path),
        "graded_at": "2026-01-01T10:00:00+00:00",
        "checks": checks,
        "points": sum(c["points"] for c in checks.values()),
        "max_points": sum(c["max_points"] for c in checks.values()),
    }


def rows(stdout: str) -> dict[str, str]:
    """Each kata's line of the `list` table, by slug."""
    found = {}
    for line in stdout.splitlines():
        for k in registry.KATAS:
            if line.startswith(k.label + " "):
                found[k.slug] = line
    return found


def test_list_reads_states_from_the_last_grade(repo):
    all_pass = {
        "visible": check("passed", 3, 3),
        "hidden": check("passed", 5, 5),
        "speed": check("passed", 2, 2, ratio=6.5, target=60.0),
    }
    last = {
        "iou": entry(solve(repo, "iou"), all_pass),
        "nms": entry(solve(repo, "nms"), {**all_pass, "speed": check("failed", 0, 2, ratio=31.0, target=15.0)}),
        # graded, then edited
        "anchors": entry(solve(repo, "anchors"), all_pass, digest="0" * 64),
        "conv2d": entry(
            solve(repo, "conv2d", lambda s: s + "\n# wip\n"),
            {
                "visible": check("failed", 0, 3, message="2 of 19 failed; first: test_stride: AssertionError"),
                "hidden": check("failed", 0, 5),
                "speed": check("skipped", 0, 2),
            },
        ),
        # a grade claiming success does not make an untouched stub started
        "focal_loss": entry(exercise(repo, "focal_loss"), all_pass),
    }
    solve(repo, "roi_align")  # edited, never graded
    (repo / ".grade").mkdir()
    (repo / ".grade" / "last.json").write_text(json.dumps({"version": 1, "katas": last}))

    proc = grader(repo, "list")
    assert proc.returncode == 0, proc.stderr
    table = rows(proc.stdout)
    expected = {
        "iou": "fast enough",
        "nms": "passing",
        "anchors": "not graded",
        "roi_align": "not graded",
        "conv2d": "failing",
        "focal_loss": "not started",
        "coco_map": "not started",
    }
    expected.update({k.slug: "not started" for k in KATAS.values() if k.slug not in expected})
    for slug, state in expected.items():
        assert re.match(rf"{re.escape(KATAS[slug].label)}\s+{state}\s", table[slug] + " "), table[slug]
    assert "10/10" in table["iou"] and "0/10" in table["conv2d"] and "8/10" in table["nms"]
    assert "too slow" in table["nms"] and "31.0x" in table["nms"]
    assert "edited since the last grade" in table["anchors"] and "never graded" in table["roi_align"]
    assert "test_stride" in table["conv2d"]
    # aligned: every state starts in the same column
    columns = {line.index(expected[slug], len(KATAS[slug].label)) for slug, line in table.items()}
    assert len(columns) == 1, proc.stdout
    # the kata in progress comes first: 03 anchors (edited, not graded) before 05 conv2d (failing)
    assert "next: 03 anchors" in proc.stdout and "make grade EX=anchors" in proc.stdout
    assert f"1 of {len(KATAS)} katas fast enough" in proc.stdout


def test_list_suggests_next_kata_and_command(repo):
    proc = grader(repo, "list")
    assert proc.returncode == 0
    assert all("not started" in line for line in rows(proc.stdout).values())
    assert "next: 01 iou" in proc.stdout and "make watch EX=iou" in proc.stdout

    solve(repo, "conv2d", lambda s: s.replace("return", "return  ", 1))
    assert "next: 05 conv2d (not graded): run `make grade EX=conv2d`" in grader(repo, "list").stdout


def test_list_without_solutions_recognises_untouched_stubs(repo):
    shutil.rmtree(repo / "solutions")  # a student's repository
    stub = exercise(repo, "nms")
    stub.write_text(stub.read_text().replace("raise NotImplementedError()", "return None", 1))
    table = rows(grader(repo, "list").stdout)
    assert "not started" in table["iou"] and "not started" not in table["nms"]


def test_list_survives_a_damaged_state_file(repo):
    (repo / ".grade").mkdir()
    (repo / ".grade" / "last.json").write_text("{not json")
    proc = grader(repo, "list")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "warning" in proc.stderr and len(rows(proc.stdout)) == len(registry.KATAS)


def test_grading_exercises_records_the_last_grade_per_kata(repo):
    target = solve(repo, "iou")
    first = grader(repo, "iou", "--only", "visible", "--quiet")
    assert first.returncode == 0, first.stdout + first.stderr
    last = json.loads((repo / ".grade" / "last.json").read_text())["katas"]
    assert set(last) == {"iou"}
    assert last["iou"]["sha256"] == sha(target) and last["iou"]["checks"]["visible"]["status"] == "passed"
    assert "T" in last["iou"]["graded_at"]

    grader(repo, "nms", "--only", "visible", "--quiet")  # another kata: iou's entry stays
    last = json.loads((repo / ".grade" / "last.json").read_text())["katas"]
    assert set(last) == {"iou", "nms"} and last["nms"]["checks"]["visible"]["status"] == "not_started"
    # grading anything other than exercises/ records nothing
    before = (repo / ".grade" / "last.json").read_text()
    grader(repo, "iou", "--impl", "solutions", "--only", "visible", "--quiet")
    assert (repo / ".grade" / "last.json").read_text() == before
    table = rows(grader(repo, "list").stdout)
    assert "visible tests pass; hidden and speed not graded" in table["iou"]


def _result(slug: str, path: Path, **statuses) -> KataResult:
    k = KATAS[slug]
    checks = {
        g: CheckResult(g, s, s, k.points.of(g) if s == "passed" else 0, k.points.of(g)) for g, s in statuses.items()
    }
    return KataResult(k, checks, str(path))


def test_state_merges_groups_of_an_unchanged_file_and_replaces_an_edited_one(repo):
    from grader.learner import state

    target = solve(repo, "iou")
    state.save([_result("iou", target, visible="passed", hidden="passed", speed="failed")], repo)
    state.save([_result("iou", target, speed="passed")], repo)  # --only speed, same file
    got = state.load(repo)["iou"]
    assert {g: c["status"] for g, c in got["checks"].items()} == {
        "visible": "passed",
        "hidden": "passed",
        "speed": "passed",
    }
    assert got["points"] == got["max_points"] == 10

    target.write_text(target.read_text() + "\n")
    state.save([_result("iou", target, visible="failed")], repo)
    assert list(state.load(repo)["iou"]["checks"]) == ["visible"]

    spoiled = _result("nms", exercise(repo, "nms"), visible="error")
    spoiled.setup_error = "the compiled baseline failed to load"
    state.save([spoiled], repo)
    assert "nms" not in state.load(repo)


# ---------------------------------------------------------------------------------------------- watch


def test_watch_reruns_the_visible_tests_of_the_saved_kata(repo):
    watch = Watch(repo, "nms", "--max-runs", "4", "--debounce", "50")
    try:
        assert "not started" in watch.wait_for(r"^\[.*\] 02 nms: ")
        watch.wait_for("^watching exercises/")
        # a wrong answer: one of the five visible tests fails, and the next step says which
        solve(repo, "nms", lambda s: s.replace("return keep[np.lexsort", "return keep[:1][np.lexsort"))
        line = watch.wait_for(r"\] 02 nms: ")
        assert "4/5 visible tests pass; first failure: test_batched_nms" in line, line
        assert "fix test_batched_nms" in watch.wait_for("next:") and "hint nms" in watch.seen[-1]
        # saving another kata's file runs that kata
        solve(repo, "iou")
        assert "01 iou: 7/7 visible tests pass" in watch.wait_for(r"\] 01 iou: ")
        solve(repo, "nms")
        assert "02 nms: 5/5 visible tests pass" in watch.wait_for(r"\] 02 nms: ")
        assert "make grade EX=nms" in watch.wait_for("next:")
        assert watch.finish() == 0
    finally:
        watch.finish(5)
    assert "Traceback" not in "\n".join(watch.seen)
    assert not list((repo / "exercises").rglob("__pycache__")), "the test runs wrote files under exercises/"


def test_watch_starts_on_the_first_kata_not_passing(repo):
    target = solve(repo, "iou")
    ok = {g: check("passed", p, p) for g, p in (("visible", 3), ("hidden", 5), ("speed", 2))}
    (repo / ".grade").mkdir()
    (repo / ".grade" / "last.json").write_text(json.dumps({"version": 1, "katas": {"iou": entry(target, ok)}}))
    watch = Watch(repo, "--max-runs", "1")
    assert watch.finish() == 0
    out = "\n".join(watch.seen)
    assert "02 nms: not started" in out and "01 iou" not in out


def test_watch_reports_a_broken_file_and_stops_cleanly_on_ctrl_c(repo):
    exercise(repo, "anchors").write_text("def cell_anchors(:\n")
    watch = Watch(repo, "anchors")
    try:
        line = watch.wait_for(r"\] 03 anchors: ")
        assert "could not be collected: SyntaxError" in line and "anchors.py, line 1" in line
        watch.wait_for("^watching exercises/")
        watch.proc.send_signal(signal.SIGINT)
        assert watch.finish() == 0
    finally:
        watch.finish(5)
    out = "\n".join(watch.seen)
    assert "stopped watching" in out and "Traceback" not in out and "KeyboardInterrupt" not in out


# ---------------------------------------------------------------------------------------------- editors


def load_json(relative: str) -> dict:
    return json.loads((REPO / relative).read_text())  # strict JSON (no comments), so any tool can read it


def makefile_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*:=\s*(\S+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert match, f"Makefile has no {name} :="
    return match.group(1)


def test_the_interpreter_path_is_the_one_make_setup_creates():
    venv_python = makefile_variable("PY").replace("$(VENV)", makefile_variable("VENV"))
    assert venv_python == ".venv/bin/python"
    settings = load_json(".vscode/settings.json")
    container = load_json(".devcontainer/devcontainer.json")
    assert settings["python.defaultInterpreterPath"] == "${workspaceFolder}/" + venv_python
    inner = container["customizations"]["vscode"]["settings"]
    assert inner["python.defaultInterpreterPath"] == "${containerWorkspaceFolder}/" + venv_python


def test_devcontainer_builds_the_environment_with_make_setup():
    container = load_json(".devcontainer/devcontainer.json")
    assert "3.11" in container["image"]
    assert container["postCreateCommand"] == "make setup"
    assert re.search(r"^setup:", (REPO / "Makefile").read_text(), re.MULTILINE)
    if shutil.which("make"):
        dry = subprocess.run(["make", "-n", "setup"], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert dry.returncode == 0, dry.stderr
    assert "ms-python.python" in container["customizations"]["vscode"]["extensions"]


@functools.lru_cache
def collect(args: tuple[str, ...]) -> subprocess.CompletedProcess:
    """What the editor runs: pytest from the workspace root, with the repository's own configuration."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "--collect-only", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("where", [".vscode/settings.json", ".devcontainer/devcontainer.json"])
def test_editor_pytest_discovery_collects_every_kata(where):
    settings = load_json(where)
    if where.startswith(".devcontainer"):
        settings = settings["customizations"]["vscode"]["settings"]
    assert settings["python.testing.pytestEnabled"] is True
    args = settings["python.testing.pytestArgs"]
    assert all((REPO / a).is_dir() for a in args if not a.startswith("-"))
    proc = collect(tuple(args))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    for kata in registry.KATAS:
        assert f"exercises/{kata.folder}/{kata.visible_test_file}::" in proc.stdout, kata.slug
    assert "tests/" not in proc.stdout.replace("tests collected", "")
