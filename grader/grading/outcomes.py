"""What a run of pytest comes to: a one-line message per failure, and the status of the group of tests.

Shared by the grading harness (pytest in the kata's own process) and ``watch`` (pytest in a subprocess,
read back from JUnit XML). The notebooks' test runner keeps a copy of its own: it runs in a student's
kernel, where the grader is not installed.
"""

from __future__ import annotations

from collections.abc import Iterable

from grader.results import Status

NOT_IMPLEMENTED = "NotImplementedError"


def one_line(text: str | None, limit: int) -> str:
    """The first line of a failure message, at most ``limit`` characters."""
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    first = lines[0] if lines else "failed"
    if first.endswith(":") and len(lines) > 1:
        first = " ".join([first, *lines[1:3]])  # numpy.testing explains on the lines after "AssertionError:"
    return first if len(first) <= limit else first[: limit - 3] + "..."


def error_lines(traceback: str | None) -> list[str]:
    """The ``E   SomeError: ...`` lines of a pytest traceback, without the ``E``: a collection error's text
    is a whole traceback, and its last such line says what went wrong."""
    return [ln[1:].strip() for ln in (traceback or "").splitlines() if ln.startswith("E ")]


def tests_status(passed: int, total: int, failures: Iterable[str], *, completed: bool = True) -> Status:
    """The status of a group of tests from its counts and the one-line messages of its failures.

    ``completed`` is False when the run itself broke (collection error, crash, pytest's own error): then
    nothing it reported can pass. A group whose every test fails on NotImplementedError is not started.
    """
    failures = list(failures)
    if not completed or total == 0:
        return Status.ERROR
    if not failures:
        return Status.PASSED
    if passed == 0 and all(m.split(":", 1)[0] == NOT_IMPLEMENTED for m in failures):
        return Status.NOT_STARTED
    return Status.FAILED
