"""The mock interview's session: one small state file, ``.grade/mock.json``, that other commands consult.

``python -m grader mock`` (:mod:`grader.learner.mock`) writes it; ``hint`` and ``debrief`` read it to stay
locked while a session runs; ``list`` mentions it. A session runs from its start until its deadline or until
``mock end``, whichever comes first. A session whose time is up is over for every command at once (hints open
again); the next ``mock`` command closes it and prints its scorecard. A closed session stays in the file, so
that its scorecard can be shown again, until the next session replaces it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from grader import registry
from grader.learner import clock, state
from grader.registry import Kata
from grader.results import Word

SESSION_FILE = "mock.json"
VERSION = 1


class Phase(Word):
    """Where a session stands at a given time."""

    RUNNING = "running"
    TIME_UP = "time up"  # the deadline has passed; no command has closed the session yet
    CLOSED = "closed"  # closed by `mock end` or by the first `mock` command after the deadline


class Ending(Word):
    """How a closed session ended."""

    TIME_UP = "time up"
    ENDED = "ended early"  # `mock end` before the deadline


@dataclass
class Session:
    slug: str  # the kata's
    minutes: float
    started: str  # ISO times, as the state files store them
    deadline: str
    closed: str | None = None  # when the session ended: its deadline, or the time of `mock end`
    ending: Ending | None = None

    def __post_init__(self) -> None:
        self.ending = Ending(self.ending) if self.ending else None

    @classmethod
    def start(cls, kata: Kata, minutes: float, now: datetime) -> Session:
        return cls(kata.slug, minutes, clock.stamp(now), clock.stamp(now + timedelta(minutes=minutes)))

    @property
    def kata(self) -> Kata:
        return registry.find(self.slug)

    @property
    def start_time(self) -> datetime:
        return clock.parse(self.started)

    @property
    def deadline_time(self) -> datetime:
        return clock.parse(self.deadline)

    @property
    def end_time(self) -> datetime:
        """When the session ended, or will end if nothing ends it first."""
        return clock.parse(self.closed) or self.deadline_time

    def phase(self, now: datetime) -> Phase:
        if self.closed:
            return Phase.CLOSED
        return Phase.RUNNING if now < self.deadline_time else Phase.TIME_UP

    def seconds_left(self, now: datetime) -> float:
        return max(0.0, (self.deadline_time - now).total_seconds())

    def close(self, now: datetime) -> None:
        """End the session now, or at its deadline if that has passed already."""
        if now >= self.deadline_time:
            self.closed, self.ending = self.deadline, Ending.TIME_UP
        else:
            self.closed, self.ending = clock.stamp(now), Ending.ENDED

    def to_json(self) -> dict:
        return {"version": VERSION, **asdict(self), "ending": self.ending.value if self.ending else None}


def _path(root: Path) -> Path:
    return state.state_dir(root) / SESSION_FILE


def load(root: Path) -> Session | None:
    """The session in ``.grade/mock.json`` (running or closed); None when there is none or it is unreadable."""
    try:
        data = state.read_json(_path(root))
    except state.StateError:
        return None  # a damaged file only forgets the session: nothing stays locked for good
    if data.get("version") != VERSION:
        return None
    try:
        session = Session(**{k: data[k] for k in Session.__dataclass_fields__ if k in data})
        registry.find(session.slug)
    except (TypeError, ValueError, registry.UnknownKata):
        return None
    if session.start_time is None or session.deadline_time is None:
        return None
    return session


def save(root: Path, session: Session) -> None:
    state.write_json(_path(root), session.to_json())


def running(root: Path, now: datetime | None = None) -> Session | None:
    """The session that is running now, if any."""
    session = load(root)
    if session is None or session.phase(now or clock.now()) != Phase.RUNNING:
        return None
    return session


def lock_message(root: Path, what: str) -> str | None:
    """One line saying why ``what`` is locked and when that ends, while a session runs; None otherwise."""
    now = clock.now()
    session = running(root, now)
    if session is None:
        return None
    return (
        f"{what} locked during the mock interview on {session.kata.label}: it ends in "
        f"{clock.duration(session.seconds_left(now))} (at {clock.clock_time(session.deadline_time)}), "
        f"or now with `python -m grader mock end`"
    )
