"""``python -m grader notebooks DIR [SLUG ...] [--no-release]``: the katas as an nbgrader course.

Writes an nbgrader course directory in DIR: ``nbgrader_config.py`` and, per kata, the source notebook
``source/NN_slug/slug.ipynb`` (one assignment per kata), then runs ``nbgrader generate_assignment`` to make the
student version in ``release/``. Everything in a notebook comes from the repository, the one source of truth:

- the kata's README, one markdown cell per ``##`` section, the hints folded away one by one;
- the answer cell: the reference solution file with its solution blocks (nbgrader's own markers), which
  ``generate_assignment`` turns into exactly the stub of ``exercises/`` (``grader.dev.stubs`` uses the same
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
from grader.paths import repo_root
from grader.registry import Kata
from grader.dev.stubs import BEGIN, END, make_stub

USAGE_ERROR = 2
CONFIG = "nbgrader_config.py"
GRADEBOOK = "gradebook.db"
CONFIG_MARKER = "written by `python -m grader notebooks`"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
# nbgrader finds its markers as substrings of any line of any cell, so no other text may contain them.
MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
INSTALL_HINT = "pip install -e '.[notebooks]' (or `make notebooks`)"

CONFIG_TEXT = f'''\
# nbgrader configuration of the CV Katas course, {CONFIG_MARKER}. Rebuilding the
# notebooks keeps this file: edit it freely. Each kata is one assignment named after its folder (01_iou, ...)
# holding one notebook (iou.ipynb). The secret of the course is gradebook.db: generate_assignment stores the
# hidden tests there, and autograde needs it.
c = get_config()  # noqa: F821

# Needed only to release through nbgrader's exchange on a JupyterHub:
# c.CourseDirectory.course_id = "cv-katas"

# How long one cell may run when nbgrader validates or autogrades (nbgrader's default: 30 s). The hidden tests
# of one kata take up to 16 s on a busy 2-core machine (conv2d), and 15 s (nms) the first time, while numba
# compiles the baselines: 120 s leaves room for a crowded grading server.
c.ExecutePreprocessor.timeout = 120
'''

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# The read-only cell between the answer and the tests. Kept free of the names of the repository's folders:
# it ships to students as it is.
RUNNER = '''\
# Test runner (read-only). The test cells below call it: it registers the definitions of the answer cell as
# the module `@MODULE@`, so the tests' `from @MODULE@ import ...` finds them, writes the tests to a fresh
# temporary folder and runs pytest on them in this kernel. A test cell scores all of its points or none.
import base64 as _kata_base64
import os as _kata_os
import shutil as _kata_shutil
import sys as _kata_sys
import tempfile as _kata_tempfile
import types as _kata_types

KATA_MODULE = "@MODULE@"
_KATA_NOT_EXPORTED = {"In", "Out", "get_ipython", "exit", "quit"}


def _kata_reason(report, max_lines):
    """Why a test failed: the first lines of pytest's crash message, never the test's source."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is None:  # a collection error: keep the final "E   SomeError: ..." line of its traceback
        lines = [ln[1:].strip() for ln in str(report.longrepr).splitlines() if ln.startswith("E ")]
        text = lines[-1] if lines else str(report.longrepr)
    else:
        text = crash.message
    lines = [ln.rstrip()[:200] for ln in text.strip().splitlines() if ln.strip()] or ["failed"]
    if max_lines == 1:  # numpy.testing puts its explanation on the lines after "AssertionError:"
        return " ".join(ln.strip() for ln in lines[:3]) if lines[0].endswith(":") else lines[0]
    return "\\n".join(lines[:max_lines])


class _KataOutcomes:
    """A pytest plugin recording each test's outcome and, for a failure, its reason."""

    def __init__(self, max_lines):
        self.max_lines = max_lines
        self.outcomes = {}
        self.errors = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(_kata_reason(report, 1))

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split("::", 1)[-1]
        if report.failed:
            if self.outcomes.get(name, ("",))[0] != "failed":  # a failing teardown after a failing call adds nothing
                self.outcomes[name] = ("failed", _kata_reason(report, self.max_lines))
        elif report.when == "call" and report.passed:
            self.outcomes.setdefault(name, ("passed", ""))


def _kata_run(filename, source, hidden, data):
    """Run one test file; return (status, one-line summary, [(test, reason) of each failure])."""
    import pytest

    module = _kata_types.ModuleType(KATA_MODULE)
    module.__dict__.update(
        {k: v for k, v in globals().items() if not k.startswith("__") and k not in _KATA_NOT_EXPORTED}
    )
    _kata_sys.modules[KATA_MODULE] = module  # a fresh snapshot each run: the latest answer is tested
    folder = _kata_tempfile.mkdtemp(prefix="kata-tests-")
    plugin = _KataOutcomes(max_lines=1 if hidden else 8)
    try:
        path = _kata_os.path.join(folder, filename)
        with open(path, "w", encoding="utf-8") as f:
            f.write(source[1:] if source.startswith("\\n") else source)
        for name, text in (data or {}).items():
            with open(_kata_os.path.join(folder, name), "wb") as f:
                f.write(_kata_base64.b64decode(text))
        args = [
            path, "-c", _kata_os.devnull, "--rootdir", folder, "--import-mode=importlib",
            "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:faulthandler", "--capture=sys",
            "-W", "ignore::pytest.PytestAssertRewriteWarning",
        ]
        if hidden:
            args.append("--assert=plain")
        exit_code = int(pytest.main(args, plugins=[plugin]))
    finally:
        # test modules imported from the folder would otherwise shadow the next run's
        for name, mod in list(_kata_sys.modules.items()):
            if str(getattr(mod, "__file__", None) or "").startswith(folder):
                del _kata_sys.modules[name]
        _kata_shutil.rmtree(folder, ignore_errors=True)
    failed = [(name, reason) for name, (outcome, reason) in plugin.outcomes.items() if outcome == "failed"]
    passed = sum(outcome == "passed" for outcome, _ in plugin.outcomes.values())
    total = len(plugin.outcomes)
    if plugin.errors:
        return "error", f"the tests could not be collected: {plugin.errors[0]}", failed
    if total == 0 or exit_code not in (0, 1):
        return "error", f"no test ran to completion (pytest exit code {exit_code})", failed
    if not failed:
        return "passed", f"{passed}/{total} tests passed", failed
    if passed == 0 and all(reason.startswith("NotImplementedError") for _, reason in failed):
        return "not_started", "not started: every function still raises NotImplementedError", failed
    name, reason = failed[0]
    return "failed", f"{len(failed)} of {total} failed; first: {name}: {reason.splitlines()[0]}", failed


def run_kata_tests(filename, source, hidden=False, data=None):
    """Run one pytest file on the answer cell's functions; raise AssertionError unless every test passes."""
    global _KATA_VISIBLE_TESTS
    if not hidden:
        _KATA_VISIBLE_TESTS = (filename, source)
    status, message, failed = _kata_run(filename, source, hidden, data)
    kind = "hidden" if hidden else "visible"
    if status == "passed":
        print(f"{kind} tests: {message}")
        return
    if status == "failed":
        print(f"{kind} tests: {len(failed)} failed")
        for name, reason in failed[:10]:
            print(f"- {name}\\n" + "\\n".join("    " + ln for ln in reason.splitlines()))
        if len(failed) > 10:
            print(f"... and {len(failed) - 10} more")
    raise AssertionError(f"{kind} tests: {message}")


def require_kata_started():
    """Fail while every function of the kata still raises NotImplementedError (reruns the visible tests)."""
    visible = globals().get("_KATA_VISIBLE_TESTS")
    if visible is None:
        raise RuntimeError("run the visible tests cell first: this cell reuses its tests")
    status, message, _ = _kata_run(*visible, hidden=False, data=None)
    if status == "not_started":
        raise AssertionError(message)
    print("started: the hidden tests run when the notebook is graded")
'''


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
        metadata["nbgrader"] = {"schema_version": 3, "solution": False, "grade": False, "locked": False, "task": False, **nbgrader}
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
        out.append(f"<details><summary><b>{title.lstrip('#').strip()}</b> (click to open)</summary>\n\n{body.strip()}\n\n</details>")
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
    return f"""\
**CV Katas · kata {kata.number:02d} `{kata.slug}`, as an nbgrader notebook.** It is generated from the CV Katas
repository: the kata's README below, its reference solution (the answer cell) and its tests.

- Write your code in the **answer cell** after the hints: replace each `raise NotImplementedError()` and keep
  the signatures. Then run the cells below it in order (or *Run All*): the test runner, then the tests.
- **Visible tests, {p.visible} points**: the tests of `exercises/{kata.folder}/{kata.visible_test_file}`, shown in full.
- **Hidden tests, {p.hidden} points**: edge cases, dtypes and checks against the real libraries. They run when
  your notebook is graded; in your copy that cell only checks that you have started.
- Each test cell scores all of its points or none, as `make grade` scores its groups.
- **Speed is not graded here** (the repository's speed check is worth {p.speed} more points). It times your code
  against a compiled baseline over several rounds, which needs a quiet machine and more time than a notebook
  cell gets (nbgrader stops a cell after 30 s by default). Run `make grade EX={kata.slug}` in a clone of the
  repository for it.
- The README's commands (`pytest exercises/...`, `make grade`) are for the repository; here the test cells do
  that work. The kernel needs numpy and pytest."""


def build_notebook(root: Path, kata: Kata) -> dict:
    """The source notebook of one kata, as an nbformat 4 document."""
    readme = (root / "exercises" / kata.folder / "README.md").read_text(encoding="utf-8")
    solution = (root / "solutions" / kata.folder / kata.filename).read_text(encoding="utf-8")
    visible = (root / "exercises" / kata.folder / kata.visible_test_file).read_text(encoding="utf-8")
    hidden_dir = root / "hidden_tests" / kata.folder
    hidden_file = f"test_{kata.slug}_hidden.py"
    hidden = (hidden_dir / hidden_file).read_text(encoding="utf-8")
    # Data files beside the hidden tests (golden.npz) travel with them; scripts and caches do not.
    data = {
        p.name: p.read_bytes()
        for p in sorted(hidden_dir.iterdir())
        if p.is_file() and p.suffix not in (".py", ".pyc") and not p.name.startswith(".")
    }

    make_stub(solution, str(root / "solutions" / kata.folder / kata.filename))  # raises on malformed blocks
    for line in solution.splitlines():
        if any(w in line for w in MARKER_WORDS) and line.strip() not in (BEGIN, END):
            raise NotebookError(f"solutions/{kata.folder}/{kata.filename}: a marker word outside a marker line: {line.strip()!r}")

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
        ("markdown", "## Your answer\n\nThe answer cell: write your code here (the docstrings state the shapes and dtypes).", None, False),
        ("code", solution, {"grade_id": "answer", "solution": True}, False),
        ("markdown", "## Tests\n\nRun the test runner first (it is folded: it only defines helpers), then the tests.", None, False),
        ("code", RUNNER.replace("@MODULE@", kata.module), {"grade_id": "test_runner", "locked": True}, True),
        (
            "code",
            f"# Visible tests: exercises/{kata.folder}/{kata.visible_test_file}, {points.visible} points, all or nothing.\n"
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
            f"run_kata_tests({hidden_file!r}, {_literal(hidden)}, hidden=True{data_arg})\n"
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
                raise NotebookError(f"hidden_tests/{kata.folder}: the tests contain nbgrader's hidden-test marker words")
        if markers - allowed:
            raise NotebookError(f"kata {kata.label}: nbgrader marker words {sorted(markers - allowed)} in a {kind} cell")

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
            versioned = "alembic_version" in tables and con.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] > 0
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
        config.write_text(CONFIG_TEXT, encoding="utf-8")
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
        cwd=course, env=env, stdout=subprocess.PIPE, text=True, timeout=1800,
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
            return 1
        print(f"[{i}/{len(assignments)}] release/{assignment} ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    return 0


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
        return USAGE_ERROR
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
            return 0
        note = prepare_gradebook(course)
        if note:
            log(note)
        generate(course, katas, log)
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    log(f"course ready in {course}: source/ (with solutions and hidden tests), release/ (for students), {GRADEBOOK} (keep it private)")
    return 0


if __name__ == "__main__":
    sys.exit(_generate_here(sys.argv[1:]))
