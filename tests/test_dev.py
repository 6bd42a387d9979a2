"""``python -m grader dev check`` finds every kind of problem, one exact line each; ``dev new`` scaffolds a kata
that ``dev check`` then lists as exactly what is left to write.

Breakages are made in a copy of the repository (the parts a kata lives in, without the venv or build
products). Checks of files run in this process; commands run in the copy, with the copy's grader.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO

from grader import registry, stubs
from grader.dev import check, commands
from grader.exits import ExitCode

KATAS = registry.KATAS
# the number `dev new` gives a new kata: the next free one
NEXT = f"{max(k.number for k in registry.KATAS) + 1:02d}"
COPIED = ("exercises", "solutions", "hidden_tests", "grader", "tests/submissions", "benchmarks/cases", "README.md")
_BUILD_PRODUCTS = ("__pycache__", "*.c", "*.nbi", "*.nbc", "*.egg-info")


def copy_repo(target: Path, compiled: bool = False) -> Path:
    """The parts of the repository a kata lives in; ``compiled``: with the built Cython baselines, which
    only a command importing the copy's baselines needs."""
    ignore = shutil.ignore_patterns(*_BUILD_PRODUCTS, *(() if compiled else ("*.so",)))
    for name in COPIED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, target / name)
    return target


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def compiled_repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo", compiled=True)


def dev(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m grader dev ARGS`` in ``root``, with ``root``'s own grader."""
    return subprocess.run(
        [sys.executable, "-m", "grader", "dev", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
        timeout=120,
    )


def lines_for(root: Path, kata: registry.Kata) -> list[str]:
    return [str(p) for p in check.problems(root, [kata], KATAS)]


def kata(slug: str) -> registry.Kata:
    return registry.find(slug)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def edit_solution(root: Path, slug: str, old: str, new: str) -> None:
    """Edit a solution and regenerate its stub, so that only the edit itself is a problem."""
    edit(kata(slug).solution_path(root), old, new)
    stubs.sync(root, [kata(slug)], check=False)


# --- the repository itself ---------------------------------------------------------------------------------


def test_the_repository_passes():
    run = dev(REPO, "check")
    summary = f"dev check: {len(KATAS)} katas complete and consistent\n"
    assert (run.returncode, run.stdout, run.stderr) == (0, summary, "")


def test_required_sections_are_those_every_kata_readme_shares():
    shared = None
    for k in KATAS:
        titles = [title for level, title, _ in check.sections(k.readme_path(REPO).read_text()) if level == 2]
        shared = [t for t in titles if shared is None or t in shared]
    assert tuple(shared) == check.REQUIRED_SECTIONS


# --- one breakage, one line --------------------------------------------------------------------------------


def unlink(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def rmtree(rel: str) -> Callable[[Path], None]:
    return lambda root: shutil.rmtree(root / rel)


def write(rel: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).write_text(text)


def replace_in(rel: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda root: edit(root / rel, old, new)


def drop_block(rel: str, opening: str) -> Callable[[Path], None]:
    """Removes the <details> block whose first line starts with ``opening``, up to its </details>."""

    def drop(root: Path) -> None:
        text = (root / rel).read_text()
        start = text.index(opening)
        end = text.index("</details>\n", start) + len("</details>\n")
        (root / rel).write_text(text[:start] + text[end:])

    return drop


def unmatched_end(root: Path) -> int:
    path = kata("nms").solution_path(root)
    path.write_text(path.read_text() + "\n\ndef extra():\n    pass\n    ### END SOLUTION\n")
    return len(path.read_text().splitlines())


def todo_in_solution(root: Path) -> int:
    edit_solution(root, "anchors", "### END SOLUTION", "# TODO: faster\n    ### END SOLUTION")
    text = kata("anchors").solution_path(root).read_text()
    return next(n for n, line in enumerate(text.splitlines(), start=1) if "TODO" in line)


_NO_SPEED = (
    "no known-bad submission caught by the speed check: add one that declares CAUGHT_BY = 'speed' "
    "(a correct but slow one, e.g. a Python loop)"
)
_NO_HIDDEN = "no known-bad submission caught by the hidden check: add one that declares CAUGHT_BY = 'hidden'"
_SET_CAUGHT_BY = "set CAUGHT_BY = 'hidden' or 'speed', or None for a correct alternative"
_NO_GOLDEN_SCRIPT = "missing: commit the script that makes golden.npz, so that `make golden` can rebuild it"

# name: (the kata, what breaks it (returning what the expected lines are formatted with), the expected lines)
BREAKAGES: dict[str, tuple[str, Callable[[Path], object], list[str]]] = {
    "stub-out-of-date": (
        "iou",
        replace_in("solutions/01_iou/iou.py", '"""Kata 01:', '"""Kata 01, edited:'),
        ["01 iou: exercises/01_iou/iou.py: out of date with its solution: run `python -m grader stubs`"],
    ),
    "unmatched-marker": (
        "nms",
        unmatched_end,
        [
            "02 nms: solutions/02_nms/nms.py: line {}: ### END SOLUTION without ### BEGIN SOLUTION: "
            "fix the solution markers"
        ],
    ),
    "function-not-defined": (
        "nms",
        lambda root: edit_solution(root, "nms", "def batched_nms(", "def batched_nms_("),
        [
            "02 nms: solutions/02_nms/nms.py: does not define batched_nms, which grader/registry.py lists: "
            "define it at module level"
        ],
    ),
    "solution-todo": (
        "anchors",
        todo_in_solution,
        [
            "03 anchors: solutions/03_anchors/anchors.py: TODO at line {}: write the reference solution and its "
            "docstrings, then run `python -m grader stubs`"
        ],
    ),
    "readme-section-missing": (
        "roi_align",
        replace_in("exercises/04_roi_align/README.md", "## Pitfalls\n", ""),
        ["04 roi_align: exercises/04_roi_align/README.md: no section ## Pitfalls: add it"],
    ),
    "readme-two-hints": (
        "roi_align",
        drop_block("exercises/04_roi_align/README.md", "<details><summary>Hint 3:"),
        ["04 roi_align: exercises/04_roi_align/README.md: 2 hints under ## Hints: write 3, from gentle to explicit"],
    ),
    "readme-hints-out-of-order": (
        "roi_align",
        replace_in("exercises/04_roi_align/README.md", "<summary>Hint 2:", "<summary>Hint 3:"),
        [
            "04 roi_align: exercises/04_roi_align/README.md: '<details><summary>Hint 3: Group the RoIs by sample "
            "grid</summary>' is out of order (expected Hint 2): fix the hints"
        ],
    ),
    "readme-todo": (
        "conv2d",
        replace_in("exercises/05_conv2d/README.md", "## Pitfalls\n", "## Pitfalls\n\nTODO: one more.\n"),
        ["05 conv2d: exercises/05_conv2d/README.md: unwritten (TODO): Pitfalls: write it"],
    ),
    "readme-title": (
        "conv2d",
        replace_in("exercises/05_conv2d/README.md", "# 05 · ", "# 5 · "),
        [
            "05 conv2d: exercises/05_conv2d/README.md: the title should read '# 05 · ...' (its number, a middle dot, "
            "its title): fix it"
        ],
    ),
    "exercise-folder-missing": (
        "iou",
        rmtree("exercises/01_iou"),
        [
            "01 iou: exercises/01_iou/: missing, yet grader/registry.py names this kata's folder 01_iou: create it, "
            "or fix the kata's number or slug"
        ],
    ),
    "visible-tests-missing": (
        "focal_loss",
        unlink("exercises/06_focal_loss/test_focal_loss.py"),
        ["06 focal_loss: exercises/06_focal_loss/test_focal_loss.py: missing: write the visible tests"],
    ),
    "visible-tests-empty": (
        "focal_loss",
        write("exercises/06_focal_loss/test_focal_loss.py", "import numpy\n"),
        ["06 focal_loss: exercises/06_focal_loss/test_focal_loss.py: defines no test: write the visible tests"],
    ),
    "hidden-tests-missing": (
        "coco_map",
        unlink("hidden_tests/07_coco_map/test_coco_map_hidden.py"),
        ["07 coco_map: hidden_tests/07_coco_map/test_coco_map_hidden.py: missing: write the hidden tests"],
    ),
    "hidden-tests-broken": (
        "coco_map",
        write("hidden_tests/07_coco_map/test_coco_map_hidden.py", "def test(:\n"),
        [
            "07 coco_map: hidden_tests/07_coco_map/test_coco_map_hidden.py: does not parse (line 1: invalid syntax): "
            "fix it"
        ],
    ),
    "golden-missing": (
        "iou",
        unlink("hidden_tests/01_iou/golden.npz"),
        ["01 iou: hidden_tests/01_iou/golden.npz: missing: run `make golden` (it runs make_golden.py)"],
    ),
    "make-golden-missing": (
        "nms",
        unlink("hidden_tests/02_nms/make_golden.py"),
        [f"02 nms: hidden_tests/02_nms/make_golden.py: {_NO_GOLDEN_SCRIPT}"],
    ),
    "golden-unread": (
        "conv2d",
        lambda root: shutil.copy(root / "hidden_tests/01_iou/golden.npz", root / "hidden_tests/05_conv2d"),
        [
            "05 conv2d: hidden_tests/05_conv2d/golden.npz: test_conv2d_hidden.py never reads it: load it there, "
            "or delete it and make_golden.py",
            f"05 conv2d: hidden_tests/05_conv2d/make_golden.py: {_NO_GOLDEN_SCRIPT}",
        ],
    ),
    "baseline-missing": (
        "focal_loss",
        unlink("grader/baselines/focal_loss.py"),
        [
            "06 focal_loss: grader/baselines/focal_loss.py: missing: write the kata's baseline module "
            "(see grader/baselines/contract.py)"
        ],
    ),
    "no-speed-submission": (
        "iou",
        unlink("tests/submissions/iou/python_loop.py"),
        [f"01 iou: tests/submissions/iou/: {_NO_SPEED}"],
    ),
    "no-submissions": (
        "anchors",
        rmtree("tests/submissions/anchors"),
        [
            f"03 anchors: tests/submissions/anchors/: {_NO_HIDDEN}",
            f"03 anchors: tests/submissions/anchors/: {_NO_SPEED}",
        ],
    ),
    "caught-by-visible": (
        "nms",
        write("tests/submissions/nms/oops.py", 'CAUGHT_BY = "visible"\n'),
        [f"02 nms: tests/submissions/nms/oops.py: CAUGHT_BY is 'visible': {_SET_CAUGHT_BY}"],
    ),
    "caught-by-undeclared": (
        "nms",
        write("tests/submissions/nms/oops.py", "x = 1\n"),
        [f"02 nms: tests/submissions/nms/oops.py: declares no CAUGHT_BY: {_SET_CAUGHT_BY}"],
    ),
    "benchmark-missing": (
        "anchors",
        unlink("benchmarks/cases/anchors.py"),
        [
            "03 anchors: benchmarks/cases/anchors.py: missing: write the kata's benchmark case (`cases(quick)` and "
            "NOTE, as the others)"
        ],
    ),
    "benchmark-without-cases": (
        "anchors",
        replace_in("benchmarks/cases/anchors.py", "def cases(", "def all_cases("),
        ["03 anchors: benchmarks/cases/anchors.py: defines no `cases(quick) -> list[Case]`: define it"],
    ),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_each_problem_is_one_exact_line(name, repo):
    slug, breakage, expected = BREAKAGES[name]
    assert lines_for(repo, kata(slug)) == []
    value = breakage(repo)
    assert lines_for(repo, kata(slug)) == [line.format(value) for line in expected]


@pytest.fixture
def no_tables(monkeypatch):
    """The README tables' check left out: it collects every visible test, which takes a second."""
    monkeypatch.setattr(check, "tables_module", lambda: None)


def test_a_renumbered_folder_is_missing_on_one_side_and_an_orphan_on_the_other(repo, no_tables):
    (repo / "solutions/03_anchors").rename(repo / "solutions/09_anchors")
    assert [str(p) for p in check.problems(repo, KATAS, KATAS)] == [
        (
            "03 anchors: solutions/03_anchors/: missing, yet grader/registry.py names this kata's folder 03_anchors: "
            "create it, or fix the kata's number or slug"
        ),
        "repo: solutions/09_anchors/: no kata in grader/registry.py has this folder: add its entry, or rename or remove it",
    ]


def test_the_readme_tables_check_is_included(repo, monkeypatch):
    stale = "README.md: the kata table is out of date; run `python -m grader dev tables`"
    monkeypatch.setattr(check, "tables_module", lambda: types.SimpleNamespace(problems=lambda root: [stale]))
    assert [str(p) for p in check.problems(repo, KATAS, KATAS)] == [f"repo: {stale}"]
    assert [str(p) for p in check.problems(repo, KATAS[:1], KATAS)] == []  # repository-wide: only in a full check


def test_a_checkout_without_the_tables_module_skips_that_check(monkeypatch):
    monkeypatch.setitem(sys.modules, "grader.dev.tables", None)  # as if the module did not exist
    assert check.tables_module() is None


# --- the registry entry -------------------------------------------------------------------------------------

REGISTRY_BREAKAGES = {
    "points": (
        {"points": registry.Points(visible=3, hidden=0, speed=2)},
        "points (visible=3, hidden=0, speed=2) must all be positive: give each check group its points",
    ),
    "speed-target": (
        {"speed_target": 0.0},
        (
            "speed_target 0 is not positive: set it from measurements, so that a vectorised NumPy solution "
            "passes with margin and a Python loop fails widely"
        ),
    ),
    "baseline-kind": (
        {"baseline_kind": "rust"},
        "baseline_kind 'rust' is not one of cython, numba: name what the baseline is written in",
    ),
    "title": ({"title": " "}, "the title is empty: give the kata a title"),
    "graded-against": (
        {"graded_against": ""},
        "graded_against is empty: say what the hidden tests compare with "
        '(e.g. "torchvision golden data", "torch live")',
    ),
    "functions-empty": ({"functions": ()}, "functions is empty: list the functions the learner writes"),
    "functions-twice": ({"functions": ("nms", "nms")}, "functions lists nms more than once: list each function once"),
    "function-name": ({"functions": ("nms", "batched-nms")}, "functions 'batched-nms' are not Python names: fix them"),
    "time-limit": ({"time_limit": 0.0}, "time_limit 0 is not positive: give it seconds"),
    "shortcut": ({"shortcuts": ("scipy..ndimage",)}, "shortcuts 'scipy..ndimage' are not module names: fix them"),
    "number-taken": ({"number": 1}, "number 1 is also 01 iou's: give each kata its own number"),
    "slug-taken": ({"slug": "iou"}, "slug 'iou' is also 01 iou's: give each kata its own slug"),
    "slug-invalid": (
        {"slug": "Non-Max"},
        "'Non-Max' is not a valid slug: use lowercase letters, digits and _, starting with a letter",
    ),
    "slug-shadows": (
        {"slug": "json"},
        "'json' is the name of a module the kata's file would shadow: pick another slug",
    ),
}


@pytest.mark.parametrize("name", REGISTRY_BREAKAGES)
def test_each_registry_problem_is_one_exact_line(name, tmp_path):
    fields, expected = REGISTRY_BREAKAGES[name]
    bad = replace(kata("nms"), **fields)
    registered = [bad if k.slug == "nms" else k for k in KATAS]
    assert [what for _, what in check.check_registry(tmp_path, bad, registered)] == [expected]


# --- the baseline contract -----------------------------------------------------------------------------------


def _baseline(**overrides) -> types.ModuleType:
    module = types.ModuleType("fake_baseline")
    module.WORKLOAD = "one call"
    module.make_inputs = lambda rng: rng
    module.run_baseline = lambda inputs: inputs
    module.run_submission = lambda module, inputs, repeat=1: inputs  # extra defaulted parameters are fine
    module.compare = lambda got, expected: None
    for name, value in overrides.items():
        if value is None:
            delattr(module, name)
        else:
            setattr(module, name, value)
    return module


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({}, []),
        ({"WORKLOAD": None}, ["WORKLOAD is missing: give it a one-line description of the workload (a str)"]),
        ({"WORKLOAD": 3}, ["WORKLOAD is 3: give it a one-line description of the workload (a str)"]),
        ({"compare": None}, ["compare(got, expected) is missing: define it (see grader/baselines/contract.py)"]),
        (
            {"run_submission": lambda inputs: inputs},
            [
                "run_submission(inputs) cannot be called as run_submission(module, inputs): give it the contract's parameters"
            ],
        ),
    ],
    ids=["complete", "no-workload", "workload-not-str", "no-compare", "run_submission-signature"],
)
def test_the_baseline_contract(overrides, expected):
    assert check.contract_problems(_baseline(**overrides)) == expected


def test_every_baseline_module_holds_to_the_contract():
    import importlib

    for k in KATAS:
        assert check.contract_problems(importlib.import_module(k.baseline_module)) == [], k.slug


def test_a_baseline_is_imported_from_the_checkout(compiled_repo):
    """The command imports each baseline by name: one that fails to import, or breaks the contract, is a line."""
    repo = compiled_repo
    edit(repo / "grader/baselines/iou.py", "\nWORKLOAD =", "\nraise RuntimeError('boom')\nWORKLOAD =")
    edit(repo / "grader/baselines/focal_loss.py", "def compare(", "def compare_outputs(")
    run = dev(repo, "check", "iou", "focal_loss")
    assert (run.returncode, run.stdout) == (
        1,
        (
            "01 iou: grader/baselines/iou.py: does not import (RuntimeError: boom): fix it (a compiled kernel: `make setup`)\n"
            "06 focal_loss: grader/baselines/focal_loss.py: compare(got, expected) is missing: define it "
            "(see grader/baselines/contract.py)\n"
            "dev check: 2 problems: 01 iou (1), 06 focal_loss (1)\n"
        ),
    )


# --- dev new -------------------------------------------------------------------------------------------------

LEFT_TO_WRITE = [
    (
        f"{NEXT} box_ops: grader/registry.py: speed_target 0 is not positive: set it from measurements, so that a vectorised "
        "NumPy solution passes with margin and a Python loop fails widely"
    ),
    f"{NEXT} box_ops: grader/registry.py: baseline_kind '' is not one of cython, numba: name what the baseline is written in",
    (
        f"{NEXT} box_ops: grader/registry.py: graded_against is empty: say what the hidden tests compare with "
        '(e.g. "torchvision golden data", "torch live")'
    ),
    (
        f"{NEXT} box_ops: solutions/{NEXT}_box_ops/box_ops.py: TODO at lines 3, 10, 13, 16, 19, 24, 27, 30, 33: write the reference "
        "solution and its docstrings, then run `python -m grader stubs`"
    ),
    (
        f"{NEXT} box_ops: exercises/{NEXT}_box_ops/README.md: unwritten (TODO): introduction, The task, The maths, Worked example, "
        "Why interviewers ask it, Pitfalls, Hints, Follow-up questions, Debrief: write them"
    ),
    f"{NEXT} box_ops: exercises/{NEXT}_box_ops/test_box_ops.py: TODO at lines 9, 10, 14, 15: write the visible tests",
    f"{NEXT} box_ops: hidden_tests/{NEXT}_box_ops/test_box_ops_hidden.py: TODO at lines 1, 19, 20: write the hidden tests",
    f"{NEXT} box_ops: hidden_tests/{NEXT}_box_ops/golden.npz: missing: run `make golden` (it runs make_golden.py)",
    (
        f"{NEXT} box_ops: hidden_tests/{NEXT}_box_ops/make_golden.py: TODO at lines 1, 16: write it, or delete it and every use of "
        "golden.npz if the hidden tests compare against the library live"
    ),
    (
        f"{NEXT} box_ops: grader/baselines/box_ops.py: TODO at lines 1, 7, 11, 15, 19, 23, 27: write the compiled baseline and "
        "its speed workload"
    ),
    (
        f"{NEXT} box_ops: tests/submissions/box_ops/: no known-bad submission caught by the hidden check: add one that declares "
        "CAUGHT_BY = 'hidden'"
    ),
    (
        f"{NEXT} box_ops: tests/submissions/box_ops/: no known-bad submission caught by the speed check: add one that declares "
        "CAUGHT_BY = 'speed' (a correct but slow one, e.g. a Python loop)"
    ),
    (
        f"{NEXT} box_ops: benchmarks/cases/box_ops.py: missing: write the kata's benchmark case (`cases(quick)` and NOTE, as "
        "the others)"
    ),
]


def test_new_scaffolds_a_kata_that_check_lists_as_left_to_write(repo):
    run = dev(repo, "new", "box_ops", "--title", "Box operations", "--functions", "box_area,box_clip")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"wrote: solutions/{NEXT}_box_ops/box_ops.py",
        f"wrote: exercises/{NEXT}_box_ops/box_ops.py",
        f"wrote: exercises/{NEXT}_box_ops/README.md",
        f"wrote: exercises/{NEXT}_box_ops/test_box_ops.py",
        f"wrote: hidden_tests/{NEXT}_box_ops/test_box_ops_hidden.py",
        f"wrote: hidden_tests/{NEXT}_box_ops/make_golden.py",
        "wrote: grader/baselines/box_ops.py",
        "wrote: tests/submissions/box_ops/README.md",
        "wrote: grader/registry.py",
        (
            "next: `python -m grader dev tables` adds the kata to the README's tables; "
            "`python -m grader dev check box_ops` lists what is left to write"
        ),
    ]
    run = dev(repo, "check", "box_ops")
    assert (run.returncode, run.stdout.splitlines()) == (
        1,
        [*LEFT_TO_WRITE, f"dev check: 13 problems: {NEXT} box_ops (13)"],
    )
    assert "raise NotImplementedError()" in (repo / f"exercises/{NEXT}_box_ops/box_ops.py").read_text()


def test_new_takes_a_number(repo):
    run = dev(repo, "new", "box_ops", "--title", "Box operations", "--functions", "box_area", "--number", "20")
    assert run.returncode == 0, run.stderr
    assert (repo / "solutions/20_box_ops/box_ops.py").is_file()
    assert 'number=20,\n        slug="box_ops",' in (repo / "grader/registry.py").read_text()
    assert 'functions=("box_area",),' in (repo / "grader/registry.py").read_text()


# --- usage errors: exit 2, one line, nothing written -----------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["check", "yolo"], "error: unknown kata 'yolo'; valid katas: " + ", ".join(k.slug for k in KATAS)),
        (
            ["new", "iou", "--title", "T", "--functions", "f"],
            "error: kata 'iou' exists already (01 iou): pick another slug",
        ),
        (
            ["new", "Box-Ops", "--title", "T", "--functions", "f"],
            "error: 'Box-Ops' is not a valid slug: use lowercase letters, digits and _, starting with a letter",
        ),
        (
            ["new", "json", "--title", "T", "--functions", "f"],
            "error: 'json' is the name of a module the kata's file would shadow: pick another slug",
        ),
        (
            ["new", "box_ops", "--title", "T", "--functions", "f", "--number", "3"],
            "error: number 3 is 03 anchors's: pick a free one (or leave --number out)",
        ),
        (["new", "box_ops", "--title", "T", "--functions", "f,f"], "error: --functions names a function twice"),
        (
            ["new", "box_ops", "--title", "T", "--functions", "f,2g"],
            "error: --functions takes Python names, comma-separated (got 'f,2g')",
        ),
        (
            ["new", "box_ops", "--title", 'Box """ops', "--functions", "f"],
            'error: --title \'Box """ops\' does not fit in box_ops.py: leave out quotes and backslashes',
        ),
    ],
    ids=[
        "unknown-kata",
        "existing-slug",
        "invalid-slug",
        "shadowing-slug",
        "taken-number",
        "function-twice",
        "function-name",
        "title-breaks-source",
    ],
)
def test_usage_errors(argv, message, repo, monkeypatch, capsys):
    monkeypatch.chdir(repo)
    before = sorted(repo.rglob("*"))
    assert commands.main(argv) == ExitCode.USAGE
    assert capsys.readouterr().err == message + "\n"
    assert sorted(repo.rglob("*")) == before


@pytest.mark.parametrize("argv", [["frobnicate"], ["new", "box_ops"], ["check", "--quiet"], []])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        commands.main(argv)
    assert exit_.value.code == ExitCode.USAGE
