"""``python -m grader list``: where the learner stands on every kata, and what to do next.

A kata's state comes from its file and the last grade (``.grade/last.json``, written by ``python -m grader``):

- not started: the file is still the generated stub;
- not graded: edited since the last grade, or never graded (or graded for the visible tests only);
- failing: the last grade of this very file failed a check;
- passing: visible and hidden tests pass, speed does not (yet);
- fast enough: all three check groups pass.

Beside each state, the kata's history (``.grade/history.jsonl``, :mod:`grader.learner.history`): when it first
passed every check, how many gradings it took, its best speed ratio, and how many hints were revealed.
``--json`` prints the same for tools.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.learner import clock, hints, history, readme, session, state
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
    earned: int | None = None  # points of the last grade, when it still describes the file
    possible: int | None = None
    graded_at: str | None = None  # ISO time of the last grade, when there is one
    failing_group: str | None = None  # the first group that failed, when failing
    record: history.Record = field(default_factory=history.Record)
    hints_used: int = 0
    hints_total: int | None = None  # None when the README's hints cannot be read

    @property
    def file(self) -> str:
        return self.kata.stub_path(CHECKOUT).as_posix()

    @property
    def points(self) -> str:
        return "-" if self.earned is None else f"{self.earned}/{self.possible}"

    @property
    def in_progress(self) -> bool:
        """Started and not passing yet: the kata to finish before starting a new one."""
        return self.state in (Stage.FAILING, Stage.NOT_GRADED, Stage.MISSING)

    def to_json(self) -> dict:
        r = self.record
        return {
            "kata": self.kata.slug,
            "number": self.kata.number,
            "file": self.file,
            "state": self.state.value,
            "detail": self.detail,
            "points": self.earned,
            "max_points": self.possible,
            "graded_at": self.graded_at,
            "first_pass": r.first_pass,
            "attempts": r.attempts,
            "best_ratio": None if r.best_ratio is None else round(r.best_ratio, 2),
            "speed_target": r.target if r.target is not None else self.kata.speed_target,
            "hints_used": self.hints_used,
            "hints_total": self.hints_total,
        }


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
    then = clock.parse(iso)
    if then is None:
        return "-"
    seconds = ((now or clock.now()) - then).total_seconds()
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
    ks.earned, ks.possible = entry.get("points", 0), entry.get("max_points", 0)
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
        ks.state, ks.earned, ks.possible = Stage.NOT_GRADED, None, None
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


def _hints_total(root: Path, kata: Kata) -> int | None:
    try:
        return len(readme.hints(kata, root))
    except readme.ReadmeError:
        return None


def states(root: Path | None = None, last: dict | None = None) -> list[KataState]:
    """Every kata's state and history, in registry order. Raises state.StateError on an unreadable ``last.json``."""
    root = root or repo_root()
    last = state.load(root) if last is None else last
    records = history.records(state.state_dir(root), last)
    revealed = hints.revealed(root)
    found = []
    for k in registry.KATAS:
        ks = kata_state(root, k, last)
        ks.record = records.get(k.slug, history.Record())
        ks.hints_used, ks.hints_total = revealed.get(k.slug, 0), _hints_total(root, k)
        found.append(ks)
    return found


def _recency(ks: KataState) -> float:
    """Seconds since the epoch of the kata's last grade; 0 for none (so the most recent sorts first, negated)."""
    when = clock.parse(ks.graded_at)
    return when.timestamp() if when else 0.0


def suggest(all_states: list[KataState]) -> KataState | None:
    """The kata to work on: the one in progress first (the most recently graded of them, as the learner is
    likely still on it), then the next one not started, then one that passes but is too slow. None when every
    kata is fast enough."""
    started = sorted((ks for ks in all_states if ks.in_progress), key=lambda ks: -_recency(ks))
    if started:
        return started[0]  # sorted() is stable: katas graded together stay in registry order
    for wanted in (Stage.NOT_STARTED, Stage.PASSING):
        for ks in all_states:
            if ks.state == wanted:
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


def day(iso: str | None) -> str:
    """``2030-01-01``: the local date of an ISO time; ``-`` for none."""
    when = clock.parse(iso)
    return when.astimezone().strftime("%Y-%m-%d") if when else "-"


def _history_cells(ks: KataState) -> tuple[str, str, str, str]:
    """first pass, attempts, best speed, hints."""
    r = ks.record
    best = f"{r.best_ratio:.1f}x" if r.best_ratio is not None else "-"
    used = f"{ks.hints_used}/{ks.hints_total}" if ks.hints_total else str(ks.hints_used)
    return day(r.first_pass), str(r.attempts), best, used


def mock_line(root: Path) -> str | None:
    """A line about the mock interview running now, if one is."""
    now = clock.now()
    running = session.running(root, now)
    if running is None:
        return None
    left = clock.duration(running.seconds_left(now))
    return f"mock interview on {running.kata.label}: {left} left (`python -m grader mock` shows its menu)"


def render(all_states: list[KataState], width: int | None = None, mock: str | None = None) -> str:
    """The table; with ``width``, rows longer than that are cut (a terminal's width, so rows don't wrap).
    ``mock`` is a line about a running mock interview, shown before the suggestion."""
    rows = [("kata", "state", "points", "graded", "first pass", "attempts", "best speed", "hints", "details")]
    now = clock.now()
    for ks in all_states:
        cells = (ks.kata.label, ks.state, ks.points, ago(ks.graded_at, now), *_history_cells(ks), ks.detail)
        rows.append(cells)
    columns = len(rows[0]) - 1  # the details are left unpadded: they are last and of any length
    widths = [max(len(r[i]) for r in rows) for i in range(columns)]
    lines = []
    for row in rows:
        line = "   ".join(cell.ljust(w) for cell, w in zip(row[:columns], widths)) + "   " + row[columns]
        line = line.rstrip()
        lines.append(line if not width or len(line) <= width else line[: width - 3] + "...")
    rule = max(len(line) for line in lines)
    lines.insert(1, "-" * (min(width, rule) if width else rule))
    done = sum(ks.state == Stage.FAST for ks in all_states)
    lines.append("")
    lines.append(f"{done} of {len(all_states)} katas fast enough")
    if mock:
        lines.append(mock)
    pick = suggest(all_states)
    if pick is None:
        lines.append("every kata passes and is fast enough: well done")
    else:
        lines.append(f"next: {pick.kata.label} ({pick.state}): {next_advice(pick, all_states)}")
    return "\n".join(lines)


def next_advice(pick: KataState, all_states: list[KataState]) -> str:
    """``pick``'s next step; for a kata in progress while others wait, a reminder to finish it first."""
    step = next_step(pick)
    if pick.in_progress and any(ks.state == Stage.NOT_STARTED for ks in all_states):
        step += "; finish it before starting a new kata"
    return step


def to_json(all_states: list[KataState], root: Path) -> dict:
    """What ``list`` shows, for tools: every kata's state and history, the suggestion, a running mock interview."""
    pick = suggest(all_states)
    now = clock.now()
    running = session.running(root, now)
    return {
        "katas": [ks.to_json() for ks in all_states],
        "fast_enough": sum(ks.state == Stage.FAST for ks in all_states),
        "next": None
        if pick is None
        else {"kata": pick.kata.slug, "state": pick.state.value, "step": next_advice(pick, all_states)},
        "mock": None
        if running is None
        else {"kata": running.slug, "deadline": running.deadline, "seconds_left": int(running.seconds_left(now))},
    }


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader list",
        description="Every kata's state (not started, not graded, failing, passing, fast enough) from the "
        "last grade of exercises/, and the kata to work on next.",
    )
    p.add_argument("--json", action="store_true", help="print the same as JSON, for tools")
    args = p.parse_args(argv)
    root = repo_root()
    if not (root / "exercises").is_dir():
        print(f"error: no exercises/ folder in {root}; run this from the repository's root", file=sys.stderr)
        return ExitCode.USAGE
    try:
        last = state.load(root)
    except state.StateError as exc:
        print(f"warning: {exc}; showing states without the last grade", file=sys.stderr)
        last = {}
    all_states = states(root, last)
    if args.json:
        print(json.dumps(to_json(all_states, root), indent=2))
        return ExitCode.OK
    width = max(80, shutil.get_terminal_size().columns) if sys.stdout.isatty() else None
    print(render(all_states, width, mock_line(root)))
    return ExitCode.OK
