"""``python -m grader dev check``: proves every kata complete and consistent, one actionable line per problem.

A kata is its registry entry plus the files everything else reads: the reference solution and the stub
generated from it, the README (with the sections every kata README has, among them three hints, three
follow-up questions with their answers and a debrief, folded away in ``<details>`` blocks), the visible and
hidden tests, golden data with the script that made it (where the hidden tests read any), a baseline module
holding to :mod:`grader.baselines.contract`, known-bad submissions for the hidden and speed checks, and a
benchmark case. Anything still marked ``TODO`` (as ``dev new`` leaves it) counts as unwritten.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import keyword
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from grader import stubs
from grader.baselines import contract
from grader.learner import readme as readme_parts
from grader.registry import BASELINE_KINDS, GROUPS, Kata

# The sections all seven original kata READMEs share, in their order.
REQUIRED_SECTIONS = (
    "The task",
    "The maths",
    "Worked example",
    "Why interviewers ask it",
    "Pitfalls",
    readme_parts.HINTS,
    readme_parts.FOLLOW_UPS,
    readme_parts.DEBRIEF,
)
HINTS = 3
FOLLOW_UPS = 3
TODO = re.compile(r"\bTODO\b")
GOLDEN = "golden.npz"
MAKE_GOLDEN = "make_golden.py"
HIDDEN_ROOT = "hidden_tests"
SUBMISSIONS = Path("tests") / "submissions"
CASES = Path("benchmarks") / "cases"
REPO_LABEL = "repo"  # the label of problems that belong to no one kata
_STUBS = "python -m grader stubs"
# The check groups a known-bad submission can be caught by (the visible tests are the learner's own).
CATCHERS = ("hidden", "speed")
_CATCHER_EXAMPLES = {"speed": " (a correct but slow one, e.g. a Python loop)"}
_MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Problem:
    label: str  # the kata's label ("01 iou") or REPO_LABEL
    where: str | None  # a path relative to the checkout, "/" after a folder; None when ``what`` says where
    what: str  # what is wrong, then what to do

    def __str__(self) -> str:
        return f"{self.label}: {self.where}: {self.what}" if self.where else f"{self.label}: {self.what}"


def _rel(root: Path, path: Path) -> str:
    text = path.relative_to(root).as_posix()
    return f"{text}/" if path.is_dir() or not path.suffix else text


def _todo_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if TODO.search(line)]


def _todo(root: Path, path: Path, what_to_do: str) -> Iterator[tuple[Path, str]]:
    lines = _todo_lines(path.read_text(encoding="utf-8"))
    if lines:
        yield path, f"TODO at line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}: {what_to_do}"


def _parse(path: Path) -> ast.Module | str:
    """The module's syntax tree, or why it has none."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"), str(path))
    except SyntaxError as exc:
        return f"does not parse (line {exc.lineno}: {exc.msg})"


def _top_level_functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _assigned(tree: ast.Module, name: str) -> ast.expr | None:
    """The value last assigned to ``name`` at module level."""
    value = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            value = node.value
    return value


def is_function_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def module_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a kata's slug (the module a learner's file is imported as), or None."""
    if not _MODULE_NAME.fullmatch(name) or keyword.iskeyword(name):
        return f"{name!r} is not a valid slug: use lowercase letters, digits and _, starting with a letter"
    if name in sys.stdlib_module_names or importlib.util.find_spec(name) is not None:
        return f"{name!r} is the name of a module the kata's file would shadow: pick another slug"
    return None


# --- the checks: each takes the checkout, the kata and the whole registry, and yields (path, what) ------------

Found = Iterator[tuple[Path, str]]


def check_registry(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    registry = root / "grader" / "registry.py"
    bad_slug = module_name_problem(kata.slug)
    if bad_slug:
        yield registry, bad_slug
    if not kata.title.strip():
        yield registry, "the title is empty: give the kata a title"
    if kata.number <= 0:
        yield registry, f"number {kata.number} is not positive: number katas from 1"
    for other in registered:
        if other is kata:
            break  # a clash is reported once, on the later entry
        if other.number == kata.number:
            yield registry, f"number {kata.number} is also {other.label}'s: give each kata its own number"
        if other.slug == kata.slug:
            yield registry, f"slug {kata.slug!r} is also {other.label}'s: give each kata its own slug"
    if not kata.functions:
        yield registry, "functions is empty: list the functions the learner writes"
    bad = [f for f in kata.functions if not is_function_name(f)]
    if bad:
        yield registry, f"functions {', '.join(map(repr, bad))} are not Python names: fix them"
    twice = sorted({f for f in kata.functions if kata.functions.count(f) > 1})
    if twice:
        yield registry, f"functions lists {', '.join(twice)} more than once: list each function once"
    groups = {group: kata.points.of(group) for group in GROUPS}
    if any(points <= 0 for points in groups.values()):
        listed = ", ".join(f"{g}={p}" for g, p in groups.items())
        yield registry, f"points ({listed}) must all be positive: give each check group its points"
    if not kata.speed_target > 0:
        yield (
            registry,
            (
                f"speed_target {kata.speed_target:g} is not positive: set it from measurements, so that "
                f"a vectorised NumPy solution passes with margin and a Python loop fails widely"
            ),
        )
    if kata.baseline_kind not in BASELINE_KINDS:
        yield (
            registry,
            (
                f"baseline_kind {kata.baseline_kind!r} is not one of {', '.join(BASELINE_KINDS)}: "
                f"name what the baseline is written in"
            ),
        )
    if not kata.graded_against.strip():
        yield (
            registry,
            (
                "graded_against is empty: say what the hidden tests compare with "
                '(e.g. "torchvision golden data", "torch live")'
            ),
        )
    for field in ("time_limit", "test_timeout"):
        if not getattr(kata, field) > 0:
            yield registry, f"{field} {getattr(kata, field):g} is not positive: give it seconds"
    bad = [s for s in kata.shortcuts if not all(part.isidentifier() for part in s.split("."))]
    if bad:
        yield registry, f"shortcuts {', '.join(map(repr, bad))} are not module names: fix them"


def _folder(root: Path, folder: Path) -> Found:
    if not folder.is_dir():
        yield (
            folder,
            (
                f"missing, yet grader/registry.py names this kata's folder {folder.name}: create it, "
                f"or fix the kata's number or slug"
            ),
        )


def check_solution(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    solution, folder = kata.solution_path(root), kata.solution_path(root).parent
    if not folder.is_dir():
        yield from _folder(root, folder)
        return
    if not solution.is_file():
        yield solution, "missing: write the reference solution, with ### BEGIN/END SOLUTION blocks"
        return
    tree = _parse(solution)
    if isinstance(tree, str):
        yield solution, f"{tree}: fix it"
        return
    missing = [f for f in kata.functions if f not in _top_level_functions(tree)]
    if missing:
        yield (
            solution,
            (
                f"does not define {', '.join(missing)}, which grader/registry.py lists: "
                f"define {'them' if len(missing) > 1 else 'it'} at module level"
            ),
        )
    yield from _todo(root, solution, f"write the reference solution and its docstrings, then run `{_STUBS}`")
    if not kata.stub_path(root).parent.is_dir():
        return  # reported by check_exercise_folder
    try:
        stale = stubs.sync(root, [kata], check=True)
    except stubs.StubError as exc:
        where = str(exc).removeprefix(str(solution)).lstrip(":").strip()
        yield solution, f"{'line ' if where[:1].isdigit() else ''}{where}: fix the solution markers"
        return
    if stale:
        yield kata.stub_path(root), f"out of date with its solution: run `{_STUBS}`"


def check_exercise_folder(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    yield from _folder(root, kata.exercise_dir(root))


def sections(markdown: str) -> list[tuple[int, str, str]]:
    """(level, title, text up to the next heading) of each heading, in order; level 0 for the text before the
    first heading. Headings inside fenced code blocks do not count (read as the hints are)."""
    return readme_parts.sections(markdown)


def check_readme(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    readme = kata.readme_path(root)
    if not readme.parent.is_dir():
        return
    if not readme.is_file():
        yield (
            readme,
            (
                f"missing: write the kata's README ({', '.join(REQUIRED_SECTIONS)}; {HINTS} hints, "
                f"{FOLLOW_UPS} follow-up questions)"
            ),
        )
        return
    text = readme.read_text(encoding="utf-8")
    found_sections = sections(text)
    titles = [title for level, title, _ in found_sections if level == 1]
    expected_title = f"{kata.number:02d} · "
    if not titles or not titles[0].startswith(expected_title):
        yield readme, f"the title should read '# {expected_title}...' (its number, a middle dot, its title): fix it"
    present = {title for level, title, _ in found_sections if level == 2}
    missing = [s for s in REQUIRED_SECTIONS if s not in present]
    if missing:
        yield readme, f"no section {', '.join(f'## {s}' for s in missing)}: add {'them' if len(missing) > 1 else 'it'}"
    unwritten = dict.fromkeys(
        title if level > 1 else "introduction" for level, title, body in found_sections if TODO.search(body)
    )
    if unwritten:
        yield readme, f"unwritten (TODO): {', '.join(unwritten)}: write {'them' if len(unwritten) > 1 else 'it'}"
    name = _rel(root, readme)
    if readme_parts.HINTS in present:
        yield from ((readme, what) for what in _hint_problems(text, name))
    if readme_parts.FOLLOW_UPS in present:
        try:
            questions = readme_parts.parse_follow_ups(text, name)
        except readme_parts.ReadmeError as exc:
            yield readme, f"{_reason(exc, name)}: fix the follow-up questions"
        else:
            if len(questions) != FOLLOW_UPS:
                yield (
                    readme,
                    (
                        f"{len(questions)} follow-up questions: write {FOLLOW_UPS}, each a paragraph followed by "
                        f"its answer in <details><summary>Answer</summary> ... </details>"
                    ),
                )
    if readme_parts.DEBRIEF in present:
        try:
            readme_parts.parse_debrief(text, name)
        except readme_parts.ReadmeError as exc:
            yield readme, f"{_reason(exc, name)}: fix the debrief"


def _reason(exc: Exception, name: str) -> str:
    """A parser's message without the file's name, which the problem line gives already."""
    return str(exc).removeprefix(name).lstrip(":").strip()


def _hint_problems(text: str, name: str) -> Iterator[str]:
    try:
        found = readme_parts.parse_hint_blocks(text, name)
    except readme_parts.ReadmeError as exc:
        yield f"{_reason(exc, name)}: fix the hints"
        return
    if len(found) != HINTS:
        yield f"{len(found)} hints under ## Hints: write {HINTS}, from gentle to explicit"
    shown = [h.number for h in found if not h.collapsed]
    if shown:
        listed = f"Hint {shown[0]} is" if len(shown) == 1 else f"Hints {', '.join(map(str, shown))} are"
        yield (
            f"{listed} in plain sight: fold each into <details><summary>Hint N: a short title</summary>, "
            f"a blank line, the hint, </details>"
        )
    untitled = [h.number for h in found if h.collapsed and not h.title]
    if untitled:
        listed = f"Hint {untitled[0]} has" if len(untitled) == 1 else f"Hints {', '.join(map(str, untitled))} have"
        yield f"{listed} no short title: write <summary>Hint N: a short title</summary>"


def _test_file(root: Path, path: Path, what: str) -> Found:
    if not path.is_file():
        yield path, f"missing: write the {what}"
        return
    tree = _parse(path)
    if isinstance(tree, str):
        yield path, f"{tree}: fix it"
        return
    if not any(name.startswith("test") for name in _top_level_functions(tree)):
        yield path, f"defines no test: write the {what}"
    yield from _todo(root, path, f"write the {what}")


def check_visible_tests(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    if kata.exercise_dir(root).is_dir():
        yield from _test_file(root, kata.visible_tests_path(root), "visible tests")


def check_hidden_tests(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    folder = kata.hidden_dir(root / HIDDEN_ROOT)
    if not folder.is_dir():
        yield from _folder(root, folder)
        return
    yield from _test_file(root, kata.hidden_tests_path(root / HIDDEN_ROOT), "hidden tests")


def check_golden(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    """Golden data is needed where the hidden tests read it; a kata whose hidden tests compare against the
    library live (05 conv2d with torch, 07 coco_map with pycocotools) has neither data nor script."""
    folder = kata.hidden_dir(root / HIDDEN_ROOT)
    tests = kata.hidden_tests_path(root / HIDDEN_ROOT)
    if not tests.is_file():
        return
    golden, script = folder / GOLDEN, folder / MAKE_GOLDEN
    reads = GOLDEN in tests.read_text(encoding="utf-8")
    if golden.is_file() and not reads:
        yield golden, f"{tests.name} never reads it: load it there, or delete it and {MAKE_GOLDEN}"
    if (reads or script.is_file()) and not golden.is_file():
        yield golden, f"missing: run `make golden` (it runs {MAKE_GOLDEN})"
    if (reads or golden.is_file()) and not script.is_file():
        yield script, f"missing: commit the script that makes {GOLDEN}, so that `make golden` can rebuild it"
    if script.is_file():
        yield from _todo(
            root,
            script,
            f"write it, or delete it and every use of {GOLDEN} if the hidden tests compare against the library live",
        )


def contract_problems(module: ModuleType) -> list[str]:
    """What ``module`` lacks of the baseline contract (:class:`grader.baselines.contract.Baseline`)."""
    out = []
    for name in contract.ATTRIBUTES:
        value = getattr(module, name, None)
        if not isinstance(value, str) or not value.strip():
            out.append(
                f"{name} is {'missing' if value is None else repr(value)}: give it a one-line description "
                f"of the workload (a str)"
            )
    for name in contract.FUNCTIONS:
        wanted = list(inspect.signature(getattr(contract.Baseline, name)).parameters)[1:]  # without self
        fn = getattr(module, name, None)
        if not callable(fn):
            out.append(f"{name}({', '.join(wanted)}) is missing: define it (see grader/baselines/contract.py)")
            continue
        try:
            inspect.signature(fn).bind(*wanted)
        except TypeError:
            out.append(
                f"{name}{inspect.signature(fn)} cannot be called as {name}({', '.join(wanted)}): "
                f"give it the contract's parameters"
            )
        except ValueError:
            pass  # a compiled callable without a signature: nothing to check
    return out


def check_baseline(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    path = root / "grader" / "baselines" / kata.filename
    if not path.is_file():
        yield path, "missing: write the kata's baseline module (see grader/baselines/contract.py)"
        return
    try:
        module = importlib.import_module(kata.baseline_module)
    except Exception as exc:  # noqa: BLE001  (whatever breaks the import, the grader's speed check would meet it too)
        yield path, f"does not import ({type(exc).__name__}: {exc}): fix it (a compiled kernel: `make setup`)"
        return
    for problem in contract_problems(module):
        yield path, problem
    yield from _todo(root, path, "write the compiled baseline and its speed workload")


class _Undeclared(ValueError):
    pass


def _caught_by(path: Path) -> object:
    """The submission's ``CAUGHT_BY``; raises _Undeclared saying why there is none."""
    tree = _parse(path)
    if isinstance(tree, str):
        raise _Undeclared(tree)
    value = _assigned(tree, "CAUGHT_BY")
    if value is None:
        raise _Undeclared("declares no CAUGHT_BY")
    try:
        return ast.literal_eval(value)
    except ValueError:
        raise _Undeclared("CAUGHT_BY is not a literal") from None


def check_known_bad(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    folder = root / SUBMISSIONS / kata.slug
    caught: set[object] = set()
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            value = _caught_by(path)
            if value not in (*CATCHERS, None):
                raise _Undeclared(f"CAUGHT_BY is {value!r}")
        except _Undeclared as exc:
            yield (
                path,
                (f"{exc}: set CAUGHT_BY = {' or '.join(map(repr, CATCHERS))}, or None for a correct alternative"),
            )
            continue
        caught.add(value)
    for group in CATCHERS:
        if group not in caught:
            example = _CATCHER_EXAMPLES.get(group, "")
            yield (
                folder,
                (
                    f"no known-bad submission caught by the {group} check: add one that declares "
                    f"CAUGHT_BY = {group!r}{example}"
                ),
            )


def check_benchmark(root: Path, kata: Kata, registered: Sequence[Kata]) -> Found:
    case = root / CASES / kata.filename
    if not case.is_file():
        yield case, "missing: write the kata's benchmark case (`cases(quick)` and NOTE, as the others)"
        return
    tree = _parse(case)  # never imported: case modules import torch
    if isinstance(tree, str):
        yield case, f"{tree}: fix it"
        return
    if "cases" not in _top_level_functions(tree):
        yield case, "defines no `cases(quick) -> list[Case]`: define it"
    if _assigned(tree, "NOTE") is None:
        yield case, "defines no NOTE: say in a sentence what the benchmark compares"


CHECKS: tuple[Callable[[Path, Kata, Sequence[Kata]], Found], ...] = (
    check_registry,
    check_solution,
    check_exercise_folder,
    check_readme,
    check_visible_tests,
    check_hidden_tests,
    check_golden,
    check_baseline,
    check_known_bad,
    check_benchmark,
)


def _orphans(root: Path, registered: Sequence[Kata]) -> Iterator[Problem]:
    """Kata folders no registry entry names: usually a kata renumbered or renamed on one side only."""
    places = {
        "solutions": {k.folder for k in registered},
        "exercises": {k.folder for k in registered},
        HIDDEN_ROOT: {k.folder for k in registered},
        SUBMISSIONS.as_posix(): {k.slug for k in registered},
    }
    for place, names in places.items():
        base = root / place
        for item in sorted(base.iterdir()) if base.is_dir() else ():
            if item.is_dir() and item.name not in names and not item.name.startswith((".", "_")):
                yield Problem(
                    REPO_LABEL,
                    _rel(root, item),
                    "no kata in grader/registry.py has this folder: add its entry, or rename or remove it",
                )


def tables_module() -> ModuleType | None:
    """``grader.dev.tables`` (the main README's kata tables: ``problems(root)``, ``write(root)``), or None
    in a checkout that does not have it yet."""
    try:
        return importlib.import_module("grader.dev.tables")
    except ModuleNotFoundError as exc:
        if exc.name != "grader.dev.tables":
            raise
        return None


def _tables(root: Path) -> Iterator[Problem]:
    tables = tables_module()
    for line in tables.problems(root) if tables else ():
        yield Problem(REPO_LABEL, None, line)


def problems(root: Path, katas: Sequence[Kata], registered: Sequence[Kata]) -> list[Problem]:
    """Every problem of ``katas``, checked against the whole registry ``registered``; the repository-wide
    checks (orphan folders, the main README's tables) run only when every registered kata is checked."""
    out = []
    for kata in katas:
        for check in CHECKS:
            out.extend(Problem(kata.label, _rel(root, path), what) for path, what in check(root, kata, registered))
    if list(katas) == list(registered):
        out.extend(_orphans(root, registered))
        out.extend(_tables(root))
    return out
