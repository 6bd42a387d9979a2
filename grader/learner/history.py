"""Every grade of the learner's katas, one line each in ``.grade/history.jsonl`` (ignored by git).

``last.json`` (:mod:`grader.learner.state`) keeps only each kata's latest grade; the history keeps them all,
so that ``list`` can say when a kata first passed, how many gradings it took and its best speed, ``debrief``
can open once a kata has passed, and a mock interview can time its candidate. Lines are only ever appended
(one write per grade), so a grade never rewrites what earlier grades recorded, and a line cut short by a
crash costs that line alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from grader.learner import clock
from grader.registry import GROUPS
from grader.results import Status

HISTORY = "history.jsonl"


def full_pass(checks: Mapping[str, Mapping]) -> bool:
    """True when a grade (its checks as ``last.json`` stores them) passes every check group.

    Hidden tests that are not available here (a student's repository has none) do not hold a kata back:
    ``list`` calls such a kata "fast enough" too.
    """
    status = {g: (c.get("status") if isinstance(c, Mapping) else None) for g, c in checks.items()}
    allowed = {"hidden": (Status.PASSED, Status.UNAVAILABLE)}
    return all(status.get(g) in allowed.get(g, (Status.PASSED,)) for g in GROUPS)


@dataclass(frozen=True)
class Grade:
    """One grade of one kata, as recorded: what it graded, and where the kata then stood."""

    kata: str
    at: str  # ISO time of the grade
    groups: tuple[str, ...]  # the check groups graded this time (``--only`` grades one)
    visible: bool  # the visible tests pass
    full: bool  # every check passes (see full_pass), counting groups kept from earlier grades of the same file
    points: int
    max_points: int
    ratio: float | None = None  # this grade's speed ratio; None when speed was not measured to the end
    target: float | None = None

    @property
    def when(self) -> datetime | None:
        return clock.parse(self.at)

    @classmethod
    def from_entry(cls, slug: str, entry: Mapping, groups: Iterable[str], ratio: float | None) -> Grade:
        """The grade ``last.json``'s new ``entry`` describes (its checks merged with kept groups)."""
        checks = entry.get("checks") or {}
        speed = checks.get("speed") or {}
        return cls(
            kata=slug,
            at=entry.get("graded_at") or clock.stamp(),
            groups=tuple(groups),
            visible=(checks.get("visible") or {}).get("status") == Status.PASSED,
            full=full_pass(checks),
            points=int(entry.get("points") or 0),
            max_points=int(entry.get("max_points") or 0),
            ratio=ratio,
            target=speed.get("target") if ratio is not None else None,
        )


def record(directory: Path, grades: Iterable[Grade]) -> None:
    """Append ``grades`` to the history in ``directory`` (``.grade/``), in one write."""
    text = "".join(json.dumps(asdict(g)) + "\n" for g in grades)
    if not text:
        return
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / HISTORY, "a", encoding="utf-8") as f:
        f.write(text)


def _grade(line: str) -> Grade | None:
    try:
        data = json.loads(line)
        data["groups"] = tuple(data.get("groups") or ())
        return Grade(**{k: data[k] for k in Grade.__dataclass_fields__ if k in data})
    except (ValueError, TypeError, AttributeError):
        return None  # a line cut short, or not one this module wrote


def load(directory: Path) -> dict[str, list[Grade]]:
    """Every recorded grade, by kata slug, oldest first (``{}`` when nothing was recorded or readable)."""
    try:
        lines = (directory / HISTORY).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    found: dict[str, list[Grade]] = {}
    for line in lines:
        grade = _grade(line) if line.strip() else None
        if grade is not None:
            found.setdefault(grade.kata, []).append(grade)
    return found


@dataclass(frozen=True)
class Record:
    """A kata's history in a few numbers: what ``list`` shows."""

    attempts: int = 0  # gradings recorded
    first_pass: str | None = None  # ISO time of the first grade that passed every check
    best_ratio: float | None = None  # the lowest speed ratio measured (lower is faster)
    target: float | None = None  # the speed target that ratio was measured against

    @property
    def passed(self) -> bool:
        return self.first_pass is not None


def summarize(grades: list[Grade]) -> Record:
    timed = [g for g in grades if g.ratio is not None]
    best = min(timed, key=lambda g: g.ratio) if timed else None
    first = next((g for g in grades if g.full), None)
    return Record(
        attempts=len(grades),
        first_pass=first.at if first else None,
        best_ratio=best.ratio if best else None,
        target=best.target if best else None,
    )


def records(directory: Path, last: Mapping[str, Mapping]) -> dict[str, Record]:
    """Each kata's record, by slug, from the history in ``directory``.

    A kata graded before the history was kept has only its last grade (``last``, from ``last.json``): that
    grade counts as its one recorded grading.
    """
    found = {slug: summarize(grades) for slug, grades in load(directory).items()}
    for slug, entry in last.items():
        if slug in found or not isinstance(entry, Mapping) or not isinstance(entry.get("checks"), Mapping):
            continue
        speed = entry["checks"].get("speed") or {}
        ratio = speed.get("ratio") if isinstance(speed, Mapping) else None
        found[slug] = Record(
            attempts=1,
            first_pass=entry.get("graded_at") if full_pass(entry["checks"]) else None,
            best_ratio=ratio,
            target=speed.get("target") if ratio is not None else None,
        )
    return found
