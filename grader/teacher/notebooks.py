"""``python -m grader notebooks DIR [SLUG ...] [--no-release]``: the katas as an nbgrader course.

Writes an nbgrader course directory in DIR: ``nbgrader_config.py`` and, per kata, the source notebook
``source/NN_slug/slug.ipynb`` (one assignment per kata), then runs ``nbgrader generate_assignment`` to make the
student version in ``release/``. Everything in a notebook comes from the repository, the one source of truth:

- the kata's README, one markdown cell per ``##`` section, the hints folded away one by one;
- the answer cell: the reference solution file with its solution blocks (nbgrader's own markers), which
  ``generate_assignment`` turns into exactly the stub of ``exercises/`` (``grader.stubs`` uses the same
  replacement);
- a read-only test-runner cell: it registers the answer cell's definitions as the module ``slug`` (so the
  tests' ``from slug import ...`` works unchanged), writes a test file to a fresh temporary folder and runs
  pytest on it inside the kernel;
- the visible tests, a read-only autograded cell worth the registry's visible points;
- the hidden tests (with their golden data, base64) inside a hidden-tests block of an autograded cell worth
  the hidden points. nbgrader keeps the original cell in ``gradebook.db`` and strips the block from the
  release, so the gradebook is the secret a teacher keeps.

Each test cell scores all of its points or none, as the grader scores its groups. Speed is not graded in
notebooks (a cell may run 30 s by default, and timing needs a quiet machine): that stays with ``make grade``.
"""

from __future__ import annotations

import argparse
import ast
import base64
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.grading.oracle import ORACLE_FILE
from grader.paths import CHECKOUT, HIDDEN_TESTS, repo_root
from grader.registry import Kata
from grader.stubs import BEGIN, END, make_stub
from grader.teacher.render import package_text, render

CONFIG = "nbgrader_config.py"  # the course's configuration, from the template of the same name
GRADEBOOK = "gradebook.db"
CONFIG_MARKER = "written by `python -m grader notebooks`"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
# nbgrader finds its markers as substrings of any line of any cell, so no other text may contain them.
MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
INSTALL_HINT = "pip install -e '.[notebooks]' (or `make notebooks`)"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# The read-only cell between the answer and the tests: the module notebook_runner.py, as it is but for its
# module name. It ships to students, who may not have the grader installed: it imports only the standard
# library and pytest, names none of the repository's folders, and spells out for itself what the grader
# shares through grader.results and grader.grading.outcomes (status words, failure lines, not started).
RUNNER = package_text("notebook_runner.py")
MODULE_PLACEHOLDER = "@MODULE@"


class NotebookError(Exception):
    """A problem with the course folder or the repository, reported as one line."""


def _lines(text: str) -> list[str]:
    """A cell's source as nbformat stores it: a list of lines, each keeping its newline."""
    return text.splitlines(keepends=True)


def _cell(kind: str, cell_id: str, text: str, nbgrader: dict | None = None, collapsed: bool = False) -> dict:
    metadata: dict = {}
    if collapsed:
        metadata["jupyter"] = {"source_hidden": True}
    if nbgrader is not None:
        metadata["nbgrader"] = {
            "schema_version": 3,
            "solution": False,
            "grade": False,
            "locked": False,
            "task": False,
            **nbgrader,
        }
    cell = {"cell_type": kind, "id": cell_id, "metadata": metadata, "source": _lines(text.rstrip("\n"))}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def split_sections(text: str, prefix: str) -> list[str]:
    """``text`` cut before each line starting with ``prefix`` outside fenced code blocks."""
    sections: list[list[str]] = [[]]
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith(prefix) and any(s.strip() for s in sections[-1]):
            sections.append([])
        sections[-1].append(line)
    return ["\n".join(s).strip("\n") for s in sections if any(ln.strip() for ln in s)]


def fold_hints(section: str) -> str:
    """The ``## Hints`` section with each ``### Hint N`` folded into a ``<details>`` block, opened one at a time."""
    parts = split_sections(section, "### ")
    out = [parts[0]] if not parts[0].startswith("### ") else []
    for part in parts[1:] if out else parts:
        title, _, body = part.partition("\n")
        out.append(
            f"<details><summary><b>{title.lstrip('#').strip()}</b> (click to open)</summary>\n\n{body.strip()}\n\n</details>"
        )
    return "\n\n".join(out)


def _literal(text: str) -> str:
    """``text`` as a readable Python string literal: a raw triple-quoted string when that round-trips."""
    candidate = "r'''\n" + text + "'''"
    if "'''" not in text and not text.endswith("\\"):
        try:
            if ast.literal_eval(candidate) == "\n" + text:
                return candidate
        except (SyntaxError, ValueError):
            pass
    return repr(text)


def _base64_literal(data: bytes) -> str:
    return '"""\n' + base64.encodebytes(data).decode("ascii") + '"""'


def _intro(kata: Kata) -> str:
    p = kata.points
    return render(
        "notebook_intro.md",
        number=f"{kata.number:02d}",
        slug=kata.slug,
        visible_tests=kata.visible_tests_path(CHECKOUT).as_posix(),
        visible_points=p.visible,
        hidden_points=p.hidden,
        speed_points=p.speed,
    )


def build_notebook(root: Path, kata: Kata) -> dict:
    """The source notebook of one kata, as an nbformat 4 document."""
    readme = kata.readme_path(root).read_text(encoding="utf-8")
    solution = kata.solution_path(root).read_text(encoding="utf-8")
    visible = kata.visible_tests_path(root).read_text(encoding="utf-8")
    hidden_dir = kata.hidden_dir(root / HIDDEN_TESTS)
    hidden = kata.hidden_tests_path(root / HIDDEN_TESTS).read_text(encoding="utf-8")
    # Data files beside the hidden tests (golden.npz) travel with them; scripts and caches do not, nor torch's
    # recorded answers (megabytes, base64 in every copy of the notebook): the kernel asks torch live.
    data = {
        p.name: p.read_bytes()
        for p in sorted(hidden_dir.iterdir())
        if p.is_file() and p.suffix not in (".py", ".pyc") and not p.name.startswith(".") and p.name != ORACLE_FILE
    }

    make_stub(solution, str(kata.solution_path(root)))  # raises on malformed blocks
    for line in solution.splitlines():
        if any(w in line for w in MARKER_WORDS) and line.strip() not in (BEGIN, END):
            raise NotebookError(
                f"{kata.solution_path(CHECKOUT).as_posix()}: a marker word outside a marker line: {line.strip()!r}"
            )

    points = kata.points
    data_arg = ""
    if data:
        items = ", ".join(f"{name!r}: {_base64_literal(blob)}" for name, blob in data.items())
        data_arg = f", data={{{items}}}"
    cells: list[tuple[str, str, dict | None, bool]] = [("markdown", _intro(kata), None, False)]
    for section in split_sections(readme, "## "):
        text = fold_hints(section) if section.startswith("## Hints") else section
        cells.append(("markdown", text, None, False))
    cells += [
        (
            "markdown",
            "## Your answer\n\nThe answer cell: write your code here (the docstrings state the shapes and dtypes).",
            None,
            False,
        ),
        ("code", solution, {"grade_id": "answer", "solution": True}, False),
        (
            "markdown",
            "## Tests\n\nRun the test runner first (it is folded: it only defines helpers), then the tests.",
            None,
            False,
        ),
        ("code", RUNNER.replace(MODULE_PLACEHOLDER, kata.module), {"grade_id": "test_runner", "locked": True}, True),
        (
            "code",
            f"# Visible tests: {kata.visible_tests_path(CHECKOUT).as_posix()}, {points.visible} points, all or nothing.\n"
            f"run_kata_tests({kata.visible_test_file!r}, {_literal(visible)})\n",
            {"grade_id": "visible_tests", "grade": True, "locked": True, "points": points.visible},
            False,
        ),
        (
            "code",
            f"# Hidden tests: {points.hidden} points, all or nothing. They run when the notebook is graded; a student's\n"
            "# copy does not contain them, and there this cell only checks that the kata is started.\n"
            "require_kata_started()\n"
            f"{HIDDEN_BEGIN}\n"
            f"run_kata_tests({kata.hidden_test_file!r}, {_literal(hidden)}, hidden=True{data_arg})\n"
            f"{HIDDEN_END}\n",
            {"grade_id": "hidden_tests", "grade": True, "locked": True, "points": points.hidden},
            False,
        ),
    ]

    for kind, text, nbgrader, _ in cells:
        markers = {w for w in MARKER_WORDS if w in text}
        allowed = {"BEGIN SOLUTION", "END SOLUTION"} if (nbgrader or {}).get("solution") else set()
        if (nbgrader or {}).get("grade_id") == "hidden_tests":
            allowed = {"BEGIN HIDDEN TESTS", "END HIDDEN TESTS"}
            # the markers must be the block's own lines, nowhere inside the tests
            if sum(w in ln for ln in text.splitlines() for w in allowed) != 2:
                raise NotebookError(
                    f"{kata.hidden_dir(CHECKOUT / HIDDEN_TESTS).as_posix()}: the tests contain nbgrader's "
                    "hidden-test marker words"
                )
        if markers - allowed:
            raise NotebookError(
                f"kata {kata.label}: nbgrader marker words {sorted(markers - allowed)} in a {kind} cell"
            )

    return {
        "cells": [
            _cell(kind, f"{kata.slug}-{i:02d}", text, nbgrader, collapsed)
            for i, (kind, text, nbgrader, collapsed) in enumerate(cells)
        ],
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_path(course: Path, kata: Kata, step: str = "source") -> Path:
    return course / step / kata.folder / f"{kata.slug}.ipynb"


def check_course_dir(course: Path) -> str:
    """Why ``course`` cannot be used (raises), or a note on what is kept from it."""
    if course.exists() and not course.is_dir():
        raise NotebookError(f"{course} exists and is not a folder")
    if not course.exists() or not any(course.iterdir()):
        return ""
    config = course / CONFIG
    if not config.is_file():
        raise NotebookError(
            f"{course} exists and is not an nbgrader course (it has no {CONFIG}): name a new folder, "
            "or an existing course to add the katas to"
        )
    if CONFIG_MARKER not in config.read_text(encoding="utf-8", errors="replace"):
        return f"{course} is an existing nbgrader course: its {CONFIG} is kept, the katas are added to it"
    return ""


def prepare_gradebook(course: Path) -> str:
    """Delete a gradebook left by an earlier build, so nbgrader starts a clean one; keep one with students.

    nbgrader silently reuses an existing ``gradebook.db``, even one a failed run left without its schema
    version (which happens when ``alembic`` was not on PATH). A gradebook without students or submissions
    holds nothing but an earlier build's cells: it is deleted. One that is not a database is moved aside.
    """
    db = course / GRADEBOOK
    if not db.exists():
        return ""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            versioned = (
                "alembic_version" in tables and con.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] > 0
            )
            people = sum(
                con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("student", "submitted_assignment")
                if table in tables
            )
        finally:
            con.close()
    except sqlite3.Error as exc:
        aside = db.with_name(f"{GRADEBOOK}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        db.rename(aside)
        return f"{db} could not be read ({exc}): moved to {aside.name}"
    damage = "" if versioned else " (it has no schema version: nbgrader once ran without alembic on PATH)"
    if people:
        return f"kept {db}: it holds students or submissions{damage}"
    db.unlink()
    return f"deleted the gradebook of an earlier build{damage}: {db}"


def write_course(root: Path, course: Path, katas: list[Kata], log) -> None:
    course.mkdir(parents=True, exist_ok=True)
    config = course / CONFIG
    if not config.exists():
        config.write_text(render(CONFIG, marker=CONFIG_MARKER), encoding="utf-8")
    for kata in katas:
        path = notebook_path(course, kata)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(build_notebook(root, kata), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {path}")


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader: this Python's scripts first on PATH (nbgrader runs ``alembic`` from PATH,
    and the kernel it starts is the ``python`` found there)."""
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, env.get("PATH", "")])
    return env


def nbgrader_available() -> str:
    """Empty when nbgrader can run here, else why not."""
    for name in ("nbgrader", "ipykernel"):
        if importlib.util.find_spec(name) is None:  # not imported here: importing nbgrader takes seconds
            return f"{name} is not installed: {INSTALL_HINT}"
    if not shutil.which("alembic", path=nbgrader_env()["PATH"]):
        return f"alembic (an nbgrader dependency) is not on PATH: {INSTALL_HINT}"
    return ""


def _tail(text: str, n: int = 15) -> str:
    return "\n".join("  " + ln for ln in text.strip().splitlines()[-n:])


def generate(course: Path, katas: list[Kata], log) -> None:
    """``nbgrader generate_assignment`` for each kata, in one nbgrader process (starting one costs seconds)."""
    env = nbgrader_env()
    package_parent = str(Path(__file__).resolve().parents[2])  # this grader, even when it is not installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    log(f"nbgrader generate_assignment for {len(katas)} kata(s) ...")
    proc = subprocess.run(
        [sys.executable, "-m", "grader.teacher.notebooks", *(k.folder for k in katas)],
        cwd=course,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        timeout=1800,
    )  # the child's progress lines go straight to our stderr; its stdout carries the error, if any
    missing = [k.folder for k in katas if not notebook_path(course, k, "release").is_file()]
    if proc.returncode != 0 or missing:
        raise NotebookError(f"nbgrader generate_assignment failed:\n{_tail(proc.stdout) or '  (no output)'}")


def _generate_here(assignments: list[str]) -> int:
    """The child process of :func:`generate`, run in the course folder: nbgrader's own API, one assignment
    at a time, with the course's ``nbgrader_config.py`` read as the command line reads it."""
    import logging

    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.nbgraderapp import NbGraderApp

    app = NbGraderApp(log_level=logging.WARNING)
    app.initialize([])
    api = NbGraderAPI(config=app.config, log_level=logging.WARNING)
    for i, assignment in enumerate(assignments, start=1):
        start = time.perf_counter()
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            error = (result.get("error") or "").strip().splitlines()  # a traceback: its last line says what
            print(f"{assignment}:\n{result.get('log') or ''}\n{error[-1] if error else ''}", flush=True)
            return ExitCode.FAILED
        print(
            f"[{i}/{len(assignments)}] release/{assignment} ({time.perf_counter() - start:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
    return ExitCode.OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader notebooks",
        description="Write an nbgrader course of the katas in DIR (source notebooks, nbgrader_config.py) and "
        "generate the student release with nbgrader.",
    )
    p.add_argument("course", type=Path, metavar="DIR", help="the course folder (created if missing)")
    p.add_argument("katas", nargs="*", metavar="SLUG", help="katas to include (default: all)")
    p.add_argument("--no-release", action="store_true", help="only write the source notebooks; do not run nbgrader")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        katas = registry.select(args.katas)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    course = args.course.resolve()
    try:
        if not args.no_release:
            problem = nbgrader_available()
            if problem:
                raise NotebookError(problem)
        note = check_course_dir(course)
        if note:
            log(note)
        write_course(repo_root(), course, katas, log)
        if args.no_release:
            return ExitCode.OK
        note = prepare_gradebook(course)
        if note:
            log(note)
        generate(course, katas, log)
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    log(
        f"course ready in {course}: source/ (with solutions and hidden tests), release/ (for students), {GRADEBOOK} (keep it private)"
    )
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(_generate_here(sys.argv[1:]))
