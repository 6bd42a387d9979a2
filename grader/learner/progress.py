"""``python -m grader list``: where the learner stands on every kata, and what to do next.

A kata's state comes from its file and the last grade (``.grade/last.json``, written by ``python -m grader``):

- not started: the file is still the generated stub;
- not graded: edited since the last grade, or never graded (or graded for the visible tests only);
- failing: the last grade of this very file failed a check;
- passing: visible and hidden tests pass, speed does not (yet);
- fast enough: all three check groups pass.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.learner import state
from grader.paths import CHECKOUT, repo_root
from grader.registry import Kata
from grader.results import Status, Word
from grader.stubs import StubError, make_stub, stub_paths


class Stage(Word):
    """Where the learner stands on a kata (the module's docstring says what each means)."""

    MISSING = "missing"
    NOT_STARTED = "not started"
    NOT_GRADED = "not graded"
    FAILING = "failing"
    PASSING = "passing"
    FAST = "fast enough"


DONE = (Stage.PASSING, Stage.FAST)


@dataclass
class KataState:
    kata: Kata
    state: Stage
    detail: str = ""
    points: str = "-"
    graded_at: str | None = None  # ISO time of the last grade, when there is one
    failing_group: str | None = None  # the first group that failed, when failing

    @property
    def file(self) -> str:
        return self.kata.stub_path(CHECKOUT).as_posix()


def is_untouched_stub(root: Path, kata: Kata) -> bool:
    """True when the learner's file is still the stub generated from the solution.

    A student's repository has no ``solutions/``: there, a file counts as untouched when every function in it
    still does nothing but raise NotImplementedError, as every generated stub's functions do.
    """
    solution, exercise = stub_paths(root, kata)
    try:
        text = exercise.read_text()
    except (OSError, UnicodeDecodeError):
        return False
    try:
        return text == make_stub(solution.read_text(), str(solution))
    except (OSError, UnicodeDecodeError, StubError):
        pass
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return bool(functions) and all(_only_raises_not_implemented(f) for f in functions)


def _only_raises_not_implemented(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc
    target = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


def ago(iso: str | None, now: datetime | None = None) -> str:
    """``5 min ago``-style age of an ISO time."""
    if not iso:
        return "-"
    try:
        then = datetime.fromisoformat(iso)
    except ValueError:
        return "-"
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    seconds = ((now or datetime.now(timezone.utc)) - then).total_seconds()
    if seconds < 60:
        return "just now"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if unit == 'day' and n > 1 else ''} ago"
    return "-"


def _speed_note(check: dict) -> str:
    ratio, target = check.get("ratio"), check.get("target")
    if ratio is not None and target is not None:
        return f"speed {ratio:.1f}x the baseline, target <= {target:g}x"
    return f"speed: {check.get('message') or check.get('status')}"


def _from_grade(ks: KataState, entry: dict) -> KataState:
    """The state the last grade gives a file that has not changed since."""
    checks = {g: c for g, c in entry.get("checks", {}).items() if isinstance(c, dict)}
    status = {g: c.get("status") for g, c in checks.items()}
    ks.points = f"{entry.get('points', 0)}/{entry.get('max_points', 0)}"
    for group in registry.GROUPS:
        if group == "speed":
            continue
        if status.get(group) in (Status.FAILED, Status.ERROR, Status.NOT_STARTED):
            ks.state, ks.failing_group = Stage.FAILING, group
            ks.detail = f"{group}: {checks[group].get('message') or status[group]}"
            return ks
    if status.get("visible") != Status.PASSED:
        ks.state, ks.detail = Stage.NOT_GRADED, "graded without its visible tests"
        return ks
    if "hidden" not in status:
        ks.state, ks.points = Stage.NOT_GRADED, "-"
        ks.detail = "visible tests pass; hidden and speed not graded"
        return ks
    note = "hidden tests not available here; " if status["hidden"] == Status.UNAVAILABLE else ""
    speed = checks.get("speed")
    if speed is None:
        ks.state, ks.detail = Stage.PASSING, note + "speed not graded yet"
    elif speed.get("status") == Status.PASSED:
        ks.state, ks.detail = Stage.FAST, note + _speed_note(speed)
    elif speed.get("status") == Status.FAILED:
        ks.state, ks.detail = Stage.PASSING, note + "too slow: " + _speed_note(speed)
    else:  # an error while timing is the submission's: a crash or a wrong answer on the large inputs
        ks.state, ks.failing_group = Stage.FAILING, "speed"
        ks.detail = note + _speed_note(speed)
    return ks


def kata_state(root: Path, kata: Kata, last: dict) -> KataState:
    ks = KataState(kata, Stage.NOT_GRADED)
    path = kata.stub_path(root)
    entry = last.get(kata.slug)
    if isinstance(entry, dict):
        ks.graded_at = entry.get("graded_at")
    if not path.is_file():
        ks.state, ks.detail = Stage.MISSING, f"no file {ks.file}"
        return ks
    if is_untouched_stub(root, kata):
        ks.state = Stage.NOT_STARTED
        return ks
    if not isinstance(entry, dict) or not isinstance(entry.get("checks"), dict):
        ks.detail = "never graded"
        return ks
    if entry.get("sha256") != state.file_digest(path):
        was = _from_grade(KataState(kata, Stage.NOT_GRADED), entry)
        ks.detail = f"edited since the last grade (then: {was.state}, {was.points})"
        return ks
    return _from_grade(ks, entry)


def states(root: Path | None = None, last: dict | None = None) -> list[KataState]:
    """Every kata's state, in registry order. Raises state.StateError on an unreadable ``last.json``."""
    root = root or repo_root()
    last = state.load(root) if last is None else last
    return [kata_state(root, k, last) for k in registry.KATAS]


def suggest(all_states: list[KataState]) -> KataState | None:
    """The kata to work on: one already in progress first, then the next one not started, then one that
    passes but is too slow. None when every kata is fast enough."""
    for wanted in ((Stage.FAILING, Stage.NOT_GRADED, Stage.MISSING), (Stage.NOT_STARTED,), (Stage.PASSING,)):
        for ks in all_states:
            if ks.state in wanted:
                return ks
    return None


def next_step(ks: KataState) -> str:
    """What to do next on ``ks``'s kata, with the command to run."""
    k = ks.kata
    readme = k.readme_path(CHECKOUT).as_posix()
    if ks.state == Stage.MISSING:
        return f"restore {ks.file} (it holds the functions you write), then `make grade EX={k.slug}`"
    if ks.state == Stage.NOT_STARTED:
        return f"read {readme}, implement {', '.join(k.functions)} in {ks.file}, and run `make watch EX={k.slug}`"
    if ks.state == Stage.NOT_GRADED:
        return f"run `make grade EX={k.slug}`"
    if ks.state == Stage.FAILING:
        if ks.failing_group == "visible":
            return (
                f"fix the visible tests: `make watch EX={k.slug}` re-runs them on every save; "
                f"stuck? `python -m grader hint {k.slug}`"
            )
        return f"the {ks.failing_group} checks fail: re-read the Pitfalls in {readme}, then `make grade EX={k.slug}`"
    if ks.state == Stage.PASSING:
        return f"make it faster (vectorise the inner loops), then `make grade EX={k.slug}`"
    return "done"


def render(all_states: list[KataState], width: int | None = None) -> str:
    """The table; with ``width``, rows longer than that are cut (a terminal's width, so rows don't wrap)."""
    rows = [("kata", "state", "points", "graded", "details")]
    now = datetime.now(timezone.utc)
    for ks in all_states:
        rows.append((ks.kata.label, ks.state, ks.points, ago(ks.graded_at, now), ks.detail))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for row in rows:
        line = "   ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "   " + row[4]
        line = line.rstrip()
        lines.append(line if not width or len(line) <= width else line[: width - 3] + "...")
    rule = max(len(line) for line in lines)
    lines.insert(1, "-" * (min(width, rule) if width else rule))
    done = sum(ks.state == Stage.FAST for ks in all_states)
    lines.append("")
    lines.append(f"{done} of {len(all_states)} katas fast enough")
    pick = suggest(all_states)
    if pick is None:
        lines.append("every kata passes and is fast enough: well done")
    else:
        lines.append(f"next: {pick.kata.label} ({pick.state}): {next_step(pick)}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader list",
        description="Every kata's state (not started, not graded, failing, passing, fast enough) from the "
        "last grade of exercises/, and the kata to work on next.",
    )
    p.parse_args(argv)
    root = repo_root()
    if not (root / "exercises").is_dir():
        print(f"error: no exercises/ folder in {root}; run this from the repository's root", file=sys.stderr)
        return ExitCode.USAGE
    try:
        last = state.load(root)
    except state.StateError as exc:
        print(f"warning: {exc}; showing states without the last grade", file=sys.stderr)
        last = {}
    width = max(80, shutil.get_terminal_size().columns) if sys.stdout.isatty() else None
    print(render(states(root, last), width))
    return ExitCode.OK
