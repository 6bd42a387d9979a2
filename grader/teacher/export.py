"""``python -m grader export student|hidden DIR [SLUG ...]``: the two repositories of a course.

``student`` writes a template repository for students: the katas' stubs (generated afresh from
``solutions/``), READMEs and visible tests, the grader with the compiled baselines' sources, the packaging
files, editor settings, a README for students and ``.github/workflows/classroom.yml``. Never solutions, hidden
tests, the project's own tests, benchmarks or CI scripts. ``hidden`` writes the private repository the
workflow checks out: ``hidden_tests/`` with its golden data and the scripts that made it, and
``.github/workflows/regrade.yml``, which regrades the students its roster lists (:mod:`regrade_workflow`); an
existing roster is kept.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.grading.oracle import ORACLE_FILE, asks_recorded_oracle
from grader.paths import CHECKOUT, HIDDEN_TESTS, repo_root
from grader.registry import Kata
from grader.stubs import StubError, make_stub
from grader.teacher import classroom, regrade_workflow
from grader.teacher.render import render

# Build products and local state: never part of a repository (the workflow builds the baselines itself).
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".grade", "build"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".nbi", ".nbc", ".egg-info")
HIDDEN_NAMES = ("golden.npz", "make_golden.py", ORACLE_FILE)
TOP_FILES = ("setup.py", "Makefile")
EDITOR_DIRS = (".vscode", ".devcontainer")
# What the student README says of each editor folder the export carries, in this order.
EDITOR_NOTES = {
    ".devcontainer": "\nOpening the repository in a Codespace (or a local dev container) sets all of this up for you.",
    ".vscode": " VS Code lists the visible tests in its Testing panel.",
}


class ExportError(Exception):
    pass


def _is_hidden_test_file(path: Path) -> bool:
    return path.name in HIDDEN_NAMES or path.name.endswith("_hidden.py")


def _skipped(path: Path) -> bool:
    if path.is_dir():
        return path.name in SKIP_DIRS or path.name.endswith(".egg-info")
    if path.name.endswith(SKIP_SUFFIXES) or path.name == ".DS_Store":
        return True
    # Cython writes X.c beside X.pyx: a build product too.
    return path.suffix == ".c" and path.with_suffix(".pyx").exists()


def _copy_tree(src: Path, dst: Path, written: list[Path], skip=lambda p: False) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for item in sorted(src.iterdir()):
        if _skipped(item) or skip(item):
            continue
        if item.is_dir():
            _copy_tree(item, dst / item.name, written, skip)
        else:
            shutil.copy2(item, dst / item.name)
            written.append(dst / item.name)


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    written.append(path)


def prepare_target(target: Path, root: Path, force: bool, keep: tuple[str, ...] = (".git",)) -> Path:
    """The resolved target, empty (but for the files named in ``keep``, kept under ``--force``)."""
    target = target.resolve()
    root = root.resolve()
    if target == root or target in root.parents:
        raise ExportError(f"{target} holds this checkout: export to a folder of its own")
    for name in ("exercises", "grader", "solutions", HIDDEN_TESTS, *EDITOR_DIRS, ".github"):
        if (root / name) == target or (root / name) in target.parents:
            raise ExportError(f"{target} is inside the checkout's {name}/: export to a folder of its own")
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is not a folder")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise ExportError(f"{target} is not empty (--force replaces its contents, keeping only {', '.join(keep)})")
        for item in target.iterdir():
            if item.name in keep:
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
    target.mkdir(parents=True, exist_ok=True)
    return target


def export_student(
    root: Path, target: Path, katas: list[Kata], hidden_repo: str | None, secret: str, notes: list[str]
) -> list[Path]:
    workflow = classroom.workflow(katas, hidden_repo, secret, root)  # first: bad names fail before anything is written
    written: list[Path] = []
    for kata in katas:
        solution = kata.solution_path(root)
        if not solution.is_file():
            raise ExportError(f"no {solution}: export from the project's own checkout, which has solutions/")
        try:
            stub = make_stub(solution.read_text(), str(solution))
        except StubError as exc:
            raise ExportError(str(exc)) from None
        src = kata.exercise_dir(root)
        if not kata.visible_tests_path(root).is_file():
            raise ExportError(f"no visible tests {kata.visible_tests_path(root)}")

        def skip(item: Path, kata=kata) -> bool:
            if item == kata.stub_path(root):
                return True  # written below, from the solution
            if _is_hidden_test_file(item):
                notes.append(f"left out {item}: it looks like a hidden test")
                return True
            return False

        _copy_tree(src, kata.exercise_dir(target), written, skip)
        current = kata.stub_path(root)
        if current.is_file() and current.read_text() != stub:
            notes.append(f"{current} differs from its generated stub (your own work?): the export has the stub")
        _write(kata.stub_path(target), stub, written)
    for item in sorted((root / "exercises").iterdir()):
        if item.is_file() and not _skipped(item):
            shutil.copy2(item, target / "exercises" / item.name)
            written.append(target / "exercises" / item.name)

    _copy_tree(root / "grader", target / "grader", written)
    if len(katas) < len(registry.KATAS):  # the other katas are not in this repository: the registry must skip them
        _write(target / "grader" / registry.COURSE_FILE.name, registry.course_text(katas), written)

    for name in TOP_FILES:
        if not (root / name).is_file():
            raise ExportError(f"no {root / name}")
        shutil.copy2(root / name, target / name)
        written.append(target / name)
    for lic in sorted(root.glob("LICENSE*")):
        if lic.is_file():
            shutil.copy2(lic, target / lic.name)
            written.append(target / lic.name)
    pyproject = (root / "pyproject.toml").read_text()
    # A bare `pytest` in the student repository runs the visible tests (it has no tests/ folder).
    _write(target / "pyproject.toml", pyproject.replace('testpaths = ["tests"]', 'testpaths = ["exercises"]'), written)
    ignore = (root / ".gitignore").read_text() if (root / ".gitignore").is_file() else ""
    extra = [line for line in (f"{classroom.HIDDEN_PATH}/", classroom.REPORT) if line not in ignore.splitlines()]
    _write(
        target / ".gitignore",
        ignore.rstrip("\n") + ("\n" if ignore else "") + "".join(f"{e}\n" for e in extra),
        written,
    )
    editors = []
    for name in EDITOR_DIRS:
        if (root / name).is_dir():
            _copy_tree(root / name, target / name, written)
            editors.append(name)
    _write(target / "README.md", student_readme(katas, editors), written)
    _write(target / ".github" / "workflows" / "classroom.yml", workflow, written)
    return written


def export_hidden(
    root: Path,
    target: Path,
    katas: list[Kata],
    notes: list[str],
    course_repo: str | None = None,
    shards: int = regrade_workflow.DEFAULT_SHARDS,
) -> list[Path]:
    workflow = regrade_workflow.workflow(root, course_repo, shards)  # first: bad names fail before anything is written
    written: list[Path] = []
    for kata in katas:
        src = kata.hidden_dir(root / HIDDEN_TESTS)
        if not src.is_dir():
            raise ExportError(f"no {src}: export from the project's own checkout, which has {HIDDEN_TESTS}/")
        _copy_tree(src, kata.hidden_dir(target / HIDDEN_TESTS), written)
        if asks_recorded_oracle(kata.hidden_tests_path(root / HIDDEN_TESTS)) and not (src / ORACLE_FILE).is_file():
            notes.append(
                f"{kata.slug}: this checkout has no recorded torch answers ({ORACLE_FILE}; `make setup` records "
                "them): its hidden tests will import torch in every grading step, which costs 2 s, not points"
            )
    _write(target / "README.md", hidden_readme(katas), written)
    _write(target / ".gitignore", "__pycache__/\n*.pyc\n", written)
    _write(target / regrade_workflow.WORKFLOW, workflow, written)
    if not (target / regrade_workflow.ROSTER).exists():  # the teacher's list of students: never overwritten
        _write(target / regrade_workflow.ROSTER, regrade_workflow.roster_template(), written)
    return written


def student_readme(katas: list[Kata], editors: list[str]) -> str:
    first = katas[0]
    first_dir = first.exercise_dir(CHECKOUT).as_posix()
    rows = "\n".join(
        f"| {k.label} | {', '.join(f'`{f}`' for f in k.functions)} | {k.points.visible} | {k.points.hidden} "
        f"| {k.points.speed} | {k.points.total} |"
        for k in katas
    )
    return render(
        "student_README.md",
        first_dir=first_dir,
        first_file=first.stub_path(CHECKOUT).as_posix(),
        first_slug=first.slug,
        rows=rows,
        total=sum(k.points.total for k in katas),
        # The code block's commands, padded to the columns of their comments.
        grade_one=f"make grade EX={first.slug}".ljust(32),
        test_one=f".venv/bin/pytest {first_dir}".ljust(36),
        hint_one=f"python -m grader hint {first.slug}".ljust(36),
        editor_note="".join(note for name, note in EDITOR_NOTES.items() if name in editors),
    )


def hidden_readme(katas: list[Kata]) -> str:
    return render(
        "hidden_README.md",
        folders=", ".join(f"`{k.folder}`" for k in katas),
        hidden_path=classroom.HIDDEN_PATH,
        default_secret=classroom.DEFAULT_SECRET,
        hidden_tests=classroom.HIDDEN_TESTS,
        roster=regrade_workflow.ROSTER,
        regrade_secret=regrade_workflow.DEFAULT_SECRET,
        regrade_workflow=regrade_workflow.WORKFLOW.as_posix(),
    )


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader export",
        description="Write the repositories of a course: the students' template and the private hidden tests.",
    )
    sub = p.add_subparsers(dest="what", required=True, metavar="student|hidden")
    s = sub.add_parser("student", help="the template repository students get (no solutions, no hidden tests)")
    h = sub.add_parser("hidden", help="the private repository holding the hidden tests and golden data")
    for q in (s, h):
        q.add_argument("dir", type=Path, metavar="DIR", help="an empty or new folder")
        q.add_argument("katas", nargs="*", metavar="SLUG", help="the course's katas (default: all)")
        q.add_argument("--force", action="store_true", help="replace what DIR holds (keeps DIR/.git)")
    s.add_argument(
        "--hidden-repo",
        metavar="OWNER/NAME",
        help=f"the private repository with the hidden tests (default: {classroom.DEFAULT_HIDDEN_REPO_NAME} "
        "under the student repository's owner; NAME alone also takes that owner)",
    )
    s.add_argument(
        "--secret",
        default=classroom.DEFAULT_SECRET,
        metavar="NAME",
        help=f"the secret holding a token that can read it (default: {classroom.DEFAULT_SECRET})",
    )
    h.add_argument(
        "--course-repo",
        metavar="OWNER/NAME",
        help="the students' template repository, whose grader the regrade workflow runs (default: "
        f"{regrade_workflow.DEFAULT_COURSE_REPO_NAME} under the hidden repository's owner; NAME alone also takes "
        "that owner)",
    )
    h.add_argument(
        "--shards",
        type=int,
        default=regrade_workflow.DEFAULT_SHARDS,
        metavar="N",
        help=f"the regrade workflow's jobs, each regrading a share of the students (default: "
        f"{regrade_workflow.DEFAULT_SHARDS})",
    )
    args = p.parse_args(argv)

    root = repo_root()
    notes: list[str] = []
    try:
        katas = registry.select(args.katas)
        if args.what == "student":
            classroom.workflow(katas, args.hidden_repo, args.secret, root)  # check the names before touching DIR
            target = prepare_target(args.dir, root, args.force)
            written = export_student(root, target, katas, args.hidden_repo, args.secret, notes)
        else:
            if not (root / HIDDEN_TESTS).is_dir():
                raise ExportError(f"no {root / HIDDEN_TESTS}: export from the project's own checkout")
            regrade_workflow.workflow(root, args.course_repo, args.shards)  # check the names before touching DIR
            target = prepare_target(args.dir, root, args.force, keep=(".git", regrade_workflow.ROSTER))
            written = export_hidden(root, target, katas, notes, args.course_repo, args.shards)
    except (registry.UnknownKata, ExportError, classroom.WorkflowError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    labels = ", ".join(k.slug for k in katas)
    print(f"wrote {len(written)} files to {target} ({labels})")
    if args.what == "student":
        repo = classroom.resolve_hidden_repo(args.hidden_repo).replace("${{ github.repository_owner }}", "<owner>")
        print(
            f"next: push it as a template repository; hidden tests come from {repo} through the "
            f"{args.secret} secret (see README: Teaching with CV Katas)"
        )
    else:
        print(
            "next: push it as a private repository; its name must match the students' workflow. To regrade on "
            f"GitHub: list the students in {regrade_workflow.ROSTER}, set the {regrade_workflow.DEFAULT_SECRET} "
            "secret, run the Regrade workflow (see README: Teaching with CV Katas)"
        )
    return ExitCode.OK
