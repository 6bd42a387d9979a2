"""``python -m grader export student|hidden DIR [SLUG ...]``: the two repositories of a course.

``student`` writes a template repository for students: the katas' stubs (generated afresh from
``solutions/``), READMEs and visible tests, the grader with the compiled baselines' sources, the packaging
files, editor settings, a README for students and ``.github/workflows/classroom.yml``. Never solutions, hidden
tests, the project's own tests, benchmarks or CI scripts. ``hidden`` writes the private repository the
workflow checks out: ``hidden_tests/`` with its golden data and the scripts that made it.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from grader import registry
from grader.teacher import classroom
from grader.paths import repo_root
from grader.registry import Kata
from grader.dev.stubs import StubError, make_stub

USAGE_ERROR = 2
# Build products and local state: never part of a repository (the workflow builds the baselines itself).
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".grade", "build"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".nbi", ".nbc", ".egg-info")
HIDDEN_NAMES = ("golden.npz", "make_golden.py")
TOP_FILES = ("setup.py", "Makefile")
EDITOR_DIRS = (".vscode", ".devcontainer")


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


def prepare_target(target: Path, root: Path, force: bool) -> Path:
    """The resolved target, empty (but for a ``.git`` folder kept under ``--force``)."""
    target = target.resolve()
    root = root.resolve()
    if target == root or target in root.parents:
        raise ExportError(f"{target} holds this checkout: export to a folder of its own")
    for name in ("exercises", "grader", "solutions", "hidden_tests", *EDITOR_DIRS, ".github"):
        if (root / name) == target or (root / name) in target.parents:
            raise ExportError(f"{target} is inside the checkout's {name}/: export to a folder of its own")
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is not a folder")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise ExportError(f"{target} is not empty (--force replaces its contents, keeping only .git/)")
        for item in target.iterdir():
            if item.name == ".git":
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
    target.mkdir(parents=True, exist_ok=True)
    return target


def _registry_filter(katas: list[Kata]) -> str:
    slugs = ", ".join(repr(k.slug) for k in katas)
    return (
        "\n\n# Added by `python -m grader export student`: this course's katas (the others are not in this repository).\n"
        f"KATAS = tuple(k for k in KATAS if k.slug in ({slugs},))\n"
    )


def export_student(root: Path, target: Path, katas: list[Kata], hidden_repo: str | None, secret: str,
                   notes: list[str]) -> list[Path]:
    workflow = classroom.workflow(katas, hidden_repo, secret)  # first: bad names fail before anything is written
    written: list[Path] = []
    for kata in katas:
        solution = root / "solutions" / kata.folder / kata.filename
        if not solution.is_file():
            raise ExportError(f"no {solution}: export from the project's own checkout, which has solutions/")
        try:
            stub = make_stub(solution.read_text(), str(solution))
        except StubError as exc:
            raise ExportError(str(exc)) from None
        src = root / "exercises" / kata.folder
        if not (src / kata.visible_test_file).is_file():
            raise ExportError(f"no visible tests {src / kata.visible_test_file}")
        dst = target / "exercises" / kata.folder

        def skip(item: Path, src=src, kata=kata) -> bool:
            if item.parent == src and item.name == kata.filename:
                return True  # written below, from the solution
            if _is_hidden_test_file(item):
                notes.append(f"left out {item}: it looks like a hidden test")
                return True
            return False

        _copy_tree(src, dst, written, skip)
        current = src / kata.filename
        if current.is_file() and current.read_text() != stub:
            notes.append(f"{current} differs from its generated stub (your own work?): the export has the stub")
        _write(dst / kata.filename, stub, written)
    for item in sorted((root / "exercises").iterdir()):
        if item.is_file() and not _skipped(item):
            shutil.copy2(item, target / "exercises" / item.name)
            written.append(target / "exercises" / item.name)

    _copy_tree(root / "grader", target / "grader", written)
    if len(katas) < len(registry.KATAS):
        reg = target / "grader" / "registry.py"
        reg.write_text(reg.read_text().rstrip("\n") + _registry_filter(katas))

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
    _write(target / ".gitignore", ignore.rstrip("\n") + ("\n" if ignore else "") + "".join(f"{e}\n" for e in extra), written)
    editors = []
    for name in EDITOR_DIRS:
        if (root / name).is_dir():
            _copy_tree(root / name, target / name, written)
            editors.append(name)
    _write(target / "README.md", student_readme(katas, target, editors), written)
    _write(target / ".github" / "workflows" / "classroom.yml", workflow, written)
    return written


def export_hidden(root: Path, target: Path, katas: list[Kata], notes: list[str]) -> list[Path]:
    written: list[Path] = []
    for kata in katas:
        src = root / "hidden_tests" / kata.folder
        if not src.is_dir():
            raise ExportError(f"no {src}: export from the project's own checkout, which has hidden_tests/")
        _copy_tree(src, target / "hidden_tests" / kata.folder, written)
    _write(target / "README.md", hidden_readme(katas), written)
    _write(target / ".gitignore", "__pycache__/\n*.pyc\n", written)
    return written


def _command_exists(target: Path, module: str) -> bool:
    return (target / "grader" / "learner" / f"{module}.py").is_file()


def student_readme(katas: list[Kata], target: Path, editors: list[str]) -> str:
    total = sum(k.points.total for k in katas)
    first = katas[0]
    rows = "\n".join(
        f"| {k.label} | {', '.join(f'`{f}`' for f in k.functions)} | {k.points.visible} | {k.points.hidden} "
        f"| {k.points.speed} | {k.points.total} |"
        for k in katas
    )
    extras = []
    if _command_exists(target, "progress"):
        extras.append("python -m grader list               # every kata's state and the one to do next")
    if _command_exists(target, "hints"):
        extras.append(f"python -m grader hint {first.slug:<14}# the kata's hints, one at a time")
    if _command_exists(target, "watch"):
        extras.append("python -m grader watch              # re-runs the visible tests each time you save")
    extra_block = ("\n" + "\n".join(extras)) if extras else ""
    editor_note = ""
    if ".devcontainer" in editors:
        editor_note += ("\nOpening the repository in a Codespace (or a local dev container) sets all of this up for "
                        "you.")
    if ".vscode" in editors:
        editor_note += " VS Code lists the visible tests in its Testing panel."
    return f"""# CV Katas

Computer-vision interview katas, graded automatically: implement each kata in NumPy, push, and every push is
graded on GitHub for correctness (visible and hidden tests) and speed (against a compiled baseline).

## What to do

1. Start with `exercises/{first.folder}/`: read its `README.md` (the task, the maths with a worked example,
   pitfalls and hints).
2. Implement the functions in `exercises/{first.folder}/{first.filename}`: their signatures and docstrings are
   there, their bodies raise `NotImplementedError`. Write NumPy: importing a library that does the kata's work
   (torch, torchvision, OpenCV, pycocotools, ...) scores nothing.
3. Run the visible tests with `pytest exercises/{first.folder}` until they pass, then `make grade EX={first.slug}`.
4. Commit and push. Every push is graded; then move on to the next kata.

Change only the kata files (`exercises/NN_slug/slug.py`). Your teacher
regrades every repository with their own copy of the tests, the grader and the workflow, so editing those
changes nothing but your own feedback.

## The katas

| kata | what you write | visible | hidden | speed | points |
|---|---|--:|--:|--:|--:|
{rows}
| total | | | | | {total} |

## How grading works

Each kata has three checks, each worth its points all or nothing:

- **visible**: the tests in `exercises/NN_slug/test_slug.py`, which you can read and run.
- **hidden**: more tests you do not see (edge cases, dtypes, scale, agreement with the real libraries). They
  live in a private repository and run only on GitHub. A failing hidden test shows its name and a one-line
  message, never its source.
- **speed**: once the visible tests pass, your code and a compiled baseline run on the same fresh inputs; your
  time may be at most the kata's target multiple of the baseline's. Vectorised NumPy passes with margin; a
  plain Python loop does not.

## Running it locally

```
make grade                           # first run: sets up .venv (about a minute, ~1.2 GB), then grades every kata
make grade EX={first.slug:<18}# one kata
pytest exercises/{first.folder:<19}# its visible tests, in a second or two{extra_block}
```

Locally the hidden column reads "-" with a note that the hidden tests were not found: they only exist on
GitHub. Visible tests and speed are graded exactly as they are there.{editor_note}

## Where your scores appear

Open the **Actions** tab of your repository, then the latest **Autograding Tests** run:

- its **summary page** has a table of every kata and check, your points, and what to fix next;
- the annotation **Autograding complete** gives your total (`Points X/Y`);
- the **grade-report** artifact holds the full report as JSON;
- each grading step's log has the grader's report for that kata and check.

The run shows as failed (a red cross) until every check of every kata passes: that is expected while you work.
If the summary says the hidden tests are unavailable, the hidden checks score 0 for now: tell your teacher.
"""


def hidden_readme(katas: list[Kata]) -> str:
    folders = ", ".join(f"`{k.folder}`" for k in katas)
    return f"""# CV Katas: hidden tests

**Keep this repository private.** It holds the hidden tests of the katas ({folders}): for each kata the tests
(`hidden_tests/NN_slug/test_slug_hidden.py`), their golden data (`golden.npz`) and the script that made it
(`make_golden.py`, run with torch/torchvision in the full project: `make golden`).

The students' workflow (`.github/workflows/classroom.yml`) checks this repository out into
`{classroom.HIDDEN_PATH}/` with `actions/checkout`, using a token stored as a repository or organisation secret
(by default `{classroom.DEFAULT_SECRET}`), and grades with `--hidden {classroom.HIDDEN_TESTS}`. Without the
secret the workflow grades visible tests and speed only, and says so.

The token: a fine-grained personal access token with read-only access to the contents of this repository and
nothing else. A student who edits their workflow can read anything the token can: a course that must keep the
hidden tests secret from determined students regrades locally instead:

```
python -m grader regrade STUDENTS_DIR --hidden PATH/TO/THIS/REPOSITORY/hidden_tests --csv grades.csv
```

To change the tests or their golden data, edit them in the project's checkout and export again
(`python -m grader export hidden DIR --force` keeps `DIR/.git`).
"""


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
    s.add_argument("--hidden-repo", metavar="OWNER/NAME",
                   help=f"the private repository with the hidden tests (default: {classroom.DEFAULT_HIDDEN_REPO_NAME} "
                        "under the student repository's owner; NAME alone also takes that owner)")
    s.add_argument("--secret", default=classroom.DEFAULT_SECRET, metavar="NAME",
                   help=f"the secret holding a token that can read it (default: {classroom.DEFAULT_SECRET})")
    args = p.parse_args(argv)

    root = repo_root()
    notes: list[str] = []
    try:
        katas = registry.select(args.katas)
        if args.what == "student":
            classroom.workflow(katas, args.hidden_repo, args.secret)  # check the names before touching DIR
            target = prepare_target(args.dir, root, args.force)
            written = export_student(root, target, katas, args.hidden_repo, args.secret, notes)
        else:
            if not (root / "hidden_tests").is_dir():
                raise ExportError(f"no {root / 'hidden_tests'}: export from the project's own checkout")
            target = prepare_target(args.dir, root, args.force)
            written = export_hidden(root, target, katas, notes)
    except (registry.UnknownKata, ExportError, classroom.WorkflowError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    labels = ", ".join(k.slug for k in katas)
    print(f"wrote {len(written)} files to {target} ({labels})")
    if args.what == "student":
        repo = classroom.resolve_hidden_repo(args.hidden_repo).replace("${{ github.repository_owner }}", "<owner>")
        print(f"next: push it as a template repository; hidden tests come from {repo} through the "
              f"{args.secret} secret (see README: Teaching with CV Katas)")
    else:
        print("next: push it as a private repository; its name must match the students' workflow")
    return 0
