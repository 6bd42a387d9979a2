"""``python -m grader mock [SLUG] [--minutes N]``: a timed mock interview on one kata.

Starting picks the kata named, or one not solved yet (an untouched one when there is one), and starts the
countdown (45 minutes unless ``--minutes`` says otherwise). While the session runs, hints are locked, and:

- ``python -m grader mock`` shows the time left, where the candidate stands, the menu and the follow-up
  questions (without their answers);
- ``python -m grader mock grade`` grades the kata now, exactly as ``make grade EX=slug`` does (it runs that
  very command), then says where the session stands;
- ``python -m grader mock end`` ends the session and prints the scorecard.

When the time is up, the session is over at once (hints open again) and the next ``mock`` command prints the
scorecard instead of doing anything else: pens down. The scorecard reads the grade history
(:mod:`grader.learner.history`), so a ``make grade`` run during the session counts as an attempt too: time to
the first passing visible tests and to full marks, attempts, the best speed ratio, the final grade, and the
follow-up questions with their answers. ``mock end`` after a session shows its scorecard again.

Subcommands rather than an interactive loop: every step is a command of its own, so the countdown survives a
closed terminal, the candidate keeps their shell and editor, and each step can be tested without a terminal.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from string import Template

from grader import registry
from grader.exits import ExitCode
from grader.grading.sandbox import Backend
from grader.learner import clock, history, progress, readme, state
from grader.learner.history import Grade
from grader.learner.progress import Stage
from grader.learner.session import Ending, Phase, Session
from grader.learner.session import load as load_session
from grader.learner.session import save as save_session
from grader.paths import CHECKOUT, repo_root
from grader.registry import GROUPS, Kata
from grader.results import Word

DEFAULT_MINUTES = 45
RULE = 72  # width of the rule under a screen's title
WRAP = 100  # width of a follow-up question's lines


class Action(Word):
    """What ``python -m grader mock ACTION`` does while a session runs; without one, ``mock`` starts or shows."""

    GRADE = "grade"
    END = "end"


class UsageError(ValueError):
    """A command line that asks for nothing this command does; the message is one line."""


def _template(name: str, **values: object) -> str:
    text = resources.files(__package__).joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    return Template(text).substitute(values).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------- the session


@dataclass
class Tally:
    """The session's grades of its kata, in the numbers the scorecard shows."""

    session: Session
    grades: list[Grade]

    @classmethod
    def of(cls, root: Path, session: Session) -> Tally:
        start, end = session.start_time, session.end_time
        graded = history.load(state.state_dir(root)).get(session.slug, [])
        return cls(session, [g for g in graded if g.when and start <= g.when <= end])

    def _first(self, wanted) -> float | None:
        """Seconds from the start to the first grade ``wanted`` accepts."""
        found = next((g for g in self.grades if wanted(g)), None)
        return (found.when - self.session.start_time).total_seconds() if found else None

    @property
    def first_visible(self) -> float | None:
        return self._first(lambda g: g.visible)

    @property
    def first_full(self) -> float | None:
        return self._first(lambda g: g.full)

    @property
    def best(self) -> Grade | None:
        timed = [g for g in self.grades if g.ratio is not None]
        return min(timed, key=lambda g: g.ratio) if timed else None

    @property
    def last(self) -> Grade | None:
        return self.grades[-1] if self.grades else None


def _after(seconds: float | None) -> str:
    return "not reached" if seconds is None else f"{clock.duration(seconds)} after the start"


def _ratio(grade: Grade | None, kata: Kata) -> str:
    if grade is None:
        return "not measured (speed is timed once the visible and hidden tests pass)"
    target = grade.target if grade.target is not None else kata.speed_target
    verdict = "within" if grade.ratio <= target else "over"
    return f"{grade.ratio:.1f}x the {kata.baseline_kind} baseline ({verdict} the target, <= {target:g}x)"


def _final(last: Grade | None, kata: Kata) -> str:
    if last is None:
        return "not graded"
    partial = " (not every check group graded)" if last.max_points < kata.points.total else ""
    return f"{last.points}/{last.max_points}{partial}"


def standing(tally: Tally) -> str:
    """One line: where the candidate stands in the session."""
    if not tally.grades:
        return "not graded yet: `python -m grader mock grade` when you are ready"
    parts = [f"graded {len(tally.grades)} time{'s' if len(tally.grades) > 1 else ''}"]
    if tally.first_full is not None:
        parts.append(f"full marks {_after(tally.first_full)}")
    elif tally.first_visible is not None:
        parts.append(f"visible tests first passed {_after(tally.first_visible)}; full marks not yet")
    else:
        parts.append("visible tests not passing yet")
    last = tally.last
    parts.append(f"last grade {last.points}/{last.max_points}")
    return "; ".join(parts)


def _questions(root: Path, kata: Kata, answers: bool) -> str:
    try:
        found = readme.follow_ups(kata, root)
    except readme.ReadmeError as exc:
        return f"(none to show: {exc})"
    if not found:
        return f"(none in {kata.readme_path(CHECKOUT).as_posix()})"
    blocks = []
    for i, item in enumerate(found, start=1):
        # A question is one paragraph (its lines joined); an answer is Markdown, code included: kept as written.
        block = textwrap.fill(f"{i}. {item.question}", WRAP, subsequent_indent="   ", break_on_hyphens=False)
        if answers:
            block += "\n   Answer: " + textwrap.indent(item.answer, "   ").lstrip()
        blocks.append(block)
    return "\n\n".join(blocks)


def status_screen(root: Path, session: Session, now: datetime) -> str:
    kata = session.kata
    return _template(
        "mock_status.txt",
        kata=kata.label,
        left=clock.duration(session.seconds_left(now)),
        deadline=clock.clock_time(session.deadline_time),
        rule="-" * RULE,
        standing=standing(Tally.of(root, session)),
        functions=", ".join(kata.functions),
        file=kata.stub_path(CHECKOUT).as_posix(),
        slug=kata.slug,
        questions=_questions(root, kata, answers=False),
    )


def scorecard(root: Path, session: Session) -> str:
    """The closed session's scorecard, follow-up answers included."""
    kata, tally = session.kata, Tally.of(root, session)
    last = tally.last
    return _template(
        "mock_scorecard.txt",
        kata=kata.label,
        rule="-" * RULE,
        minutes=f"{session.minutes:g}",
        started=clock.clock_time(session.start_time),
        ending=session.ending or Ending.ENDED,
        ended=clock.clock_time(session.end_time),
        used=clock.duration((session.end_time - session.start_time).total_seconds()),
        first_visible=_after(tally.first_visible),
        full_marks=_after(tally.first_full),
        attempts=f"{len(tally.grades)} grading{'s' if len(tally.grades) != 1 else ''}",
        best_ratio=_ratio(tally.best, kata),
        final=_final(last, kata),
        questions=_questions(root, kata, answers=True),
        after=f"`python -m grader debrief {kata.slug}` shows the kata's debrief once a grade passes every check.",
    )


# ---------------------------------------------------------------------------------------------- the commands


def pick(root: Path) -> Kata | None:
    """A kata for a new session: one never passed, untouched if possible (a fresh problem, as in an interview)."""
    try:
        all_states = progress.states(root)
    except state.StateError:
        all_states = progress.states(root, last={})
    unsolved = [ks for ks in all_states if not ks.record.passed and ks.state != Stage.FAST]
    fresh = [ks for ks in unsolved if ks.state == Stage.NOT_STARTED]
    choice = fresh or unsolved
    return random.choice(choice).kata if choice else None


def start(root: Path, named: Kata | None, minutes: float, now: datetime) -> int:
    kata = named or pick(root)
    if kata is None:
        raise UsageError(
            "every kata has passed all of its checks: name one to practise it again (`python -m grader mock nms`)"
        )
    if not progress.is_untouched_stub(root, kata) and kata.stub_path(root).is_file():
        file = kata.stub_path(CHECKOUT).as_posix()
        print(f"note: {file} holds earlier work; for a fresh start, restore the stub (`git checkout {file}`)")
    session = Session.start(kata, minutes, now)
    save_session(root, session)
    print(status_screen(root, session, now), end="")
    return ExitCode.OK


def grade(root: Path, session: Session, options: list[str]) -> int:
    """Grade the session's kata with ``python -m grader SLUG``: the command ``make grade EX=slug`` runs."""
    cmd = [sys.executable, "-m", "grader", session.slug, *options]
    code = subprocess.run(cmd, cwd=root).returncode
    print(f"\nmock interview on {session.kata.label}: {standing(Tally.of(root, session))}; ", end="")
    print(f"{clock.duration(session.seconds_left(clock.now()))} left")
    return code


def close(root: Path, session: Session, now: datetime) -> None:
    session.close(now)
    save_session(root, session)


@dataclass
class Request:
    """The command line, parsed: an action (None: start a session, or show the running one) and its options."""

    action: Action | None
    kata: Kata | None = None  # the kata named to start on
    minutes: float | None = None
    grade_options: list[str] = field(default_factory=list)  # passed on to `python -m grader SLUG`


def _start_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader mock",
        description="A timed mock interview on one kata: hints locked, grading on demand, a scorecard at the "
        "end. While it runs: `mock` shows the time left, `mock grade` grades, `mock end` ends it.",
    )
    p.add_argument("kata", nargs="?", metavar="SLUG", help="the kata (default: one not solved yet, at random)")
    p.add_argument("--minutes", type=float, help=f"the session's length (default {DEFAULT_MINUTES} minutes)")
    return p


def _grade_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader mock grade",
        description="Grade the session's kata now, as `make grade EX=slug` does.",
    )
    # Only the options of `python -m grader` that keep a grade a grade of the learner's own file of this kata.
    p.add_argument("--only", choices=GROUPS, help="grade one check group only")
    p.add_argument("--sandbox", choices=[b.value for b in Backend], help="where the submission's code runs")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def parse(argv: list[str]) -> Request:
    """Raises UsageError; argparse itself exits on a malformed command line, as every command's does."""
    action = Action(argv[0]) if argv and argv[0] in {a.value for a in Action} else None
    if action == Action.END:
        argparse.ArgumentParser(prog="python -m grader mock end", description="End the mock interview now.").parse_args(
            argv[1:]
        )
        return Request(action)
    if action == Action.GRADE:
        args = _grade_parser().parse_args(argv[1:])
        options = ["--only", args.only] if args.only else []
        options += ["--sandbox", args.sandbox] if args.sandbox else []
        options += ["--quiet"] if args.quiet else []
        return Request(action, grade_options=options)
    args = _start_parser().parse_args(argv)
    if args.minutes is not None and args.minutes <= 0:
        raise UsageError("--minutes must be more than 0")
    try:
        kata = registry.find(args.kata) if args.kata else None
    except registry.UnknownKata as exc:
        raise UsageError(str(exc)) from None
    return Request(None, kata, args.minutes)


def time_up(root: Path, session: Session, request: Request, now: datetime) -> int:
    """Pens down: whatever was asked, the session ends here, with its scorecard."""
    close(root, session, now)
    undone = ""
    if request.action == Action.GRADE:
        undone = f"; this grade was not made (`make grade EX={session.slug}` grades your file outside it)"
    print(f"time is up: the mock interview ended at {clock.clock_time(session.end_time)}{undone}\n")
    print(scorecard(root, session), end="")
    return ExitCode.OK


def while_running(root: Path, session: Session, request: Request, now: datetime) -> int:
    if request.action == Action.GRADE:
        return grade(root, session, request.grade_options)
    if request.action == Action.END:
        close(root, session, now)
        print(scorecard(root, session), end="")
        return ExitCode.OK
    if (request.kata and request.kata != session.kata) or request.minutes is not None:
        raise UsageError(
            f"the mock interview on {session.kata.label} is running "
            f"({clock.duration(session.seconds_left(now))} left): `python -m grader mock end` ends it first"
        )
    print(status_screen(root, session, now), end="")
    return ExitCode.OK


def while_idle(root: Path, last: Session | None, request: Request, now: datetime) -> int:
    """No session runs; ``last`` is the last one, closed, if any."""
    if request.action == Action.END and last is not None:
        print(f"no mock interview is running; the last one ended at {clock.clock_time(last.end_time)}:\n")
        print(scorecard(root, last), end="")
        return ExitCode.OK
    if request.action is not None:
        raise UsageError("no mock interview is running: `python -m grader mock [SLUG]` starts one")
    return start(root, request.kata, request.minutes or DEFAULT_MINUTES, now)


def main(argv: list[str]) -> int:
    root = repo_root()
    try:
        request = parse(argv)
        if not (root / "exercises").is_dir():
            raise UsageError(f"no exercises/ folder in {root}; run this from the repository's root")
        now = clock.now()
        session = load_session(root)
        phase = session.phase(now) if session else None
        if phase == Phase.TIME_UP:
            return time_up(root, session, request, now)
        if phase == Phase.RUNNING:
            return while_running(root, session, request, now)
        return while_idle(root, session, request, now)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
