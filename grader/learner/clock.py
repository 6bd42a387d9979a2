"""The learner's clock: what time it is for the grade history, ``list`` and a mock interview's countdown.

``CVKATAS_NOW`` (an ISO 8601 time, e.g. ``2030-01-01T10:00:00+00:00``) stops the clock at that time. The
project's tests set it to drive a mock interview through its countdown in seconds instead of minutes; the
grader's subprocesses inherit it, so every record of one command carries the same time.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

ENV = "CVKATAS_NOW"


def now() -> datetime:
    """The current time (aware, UTC unless ``CVKATAS_NOW`` gives another offset)."""
    fixed = os.environ.get(ENV)
    if not fixed:
        return datetime.now(timezone.utc)
    try:
        when = datetime.fromisoformat(fixed)
    except ValueError:
        raise ValueError(f"{ENV}={fixed!r} is not an ISO 8601 time (2030-01-01T10:00:00+00:00)") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def stamp(when: datetime | None = None) -> str:
    """``when`` (default: now) as the state files store times: ISO 8601 to the second."""
    return (when or now()).isoformat(timespec="seconds")


def parse(iso: object) -> datetime | None:
    """A time the state files stored; None when there is none or it is not a time."""
    if not isinstance(iso, str):
        return None
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def duration(seconds: float) -> str:
    """``12 min 5 s``, ``1 h 02 min``, ``40 s``: a span as the scorecard and the countdown show it."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def clock_time(when: datetime) -> str:
    """``10:45``: a time of day in the machine's time zone."""
    return when.astimezone().strftime("%H:%M")
