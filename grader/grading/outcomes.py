"""What a run of pytest comes to: a one-line message per failure, and the status of the group of tests.

Shared by the grading harness (pytest in the kata's own process) and ``watch`` (pytest in a subprocess,
read back from JUnit XML). The notebooks' test runner keeps a copy of its own: it runs in a student's
kernel, where the grader is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from grader.results import Status

NOT_IMPLEMENTED = "NotImplementedError"

# numpy.testing's report after its header ("Not equal to tolerance rtol=1e-07, atol=0", "Arrays are not equal"):
_MISMATCHED = re.compile(r"Mismatched elements: (.+)")
_AT_INDEX = re.compile(r"Mismatch at ind(?:ex|ices):")
_FIRST_AT = re.compile(r"(\[[^\]]*\]): (.*) \(ACTUAL\), (.*) \(DESIRED\)")
_MAX_DIFF = re.compile(r"Max (absolute|relative) difference(?: among violations)?: (.+)")
_ARRAY = re.compile(r"(ACTUAL|DESIRED|x|y): (.+)")
VALUE_LIMIT = 40  # characters of one value in a mismatch: a long repr is cut, the numbers around it stay


def one_line(text: str | None, limit: int) -> str:
    """A failure message on one line of at most ``limit`` characters.

    Mostly its first line; numpy.testing's multi-line report is condensed so that the numbers survive the cut:
    ``AssertionError: Not equal to tolerance rtol=1e-07, atol=0; mismatched elements: 1 / 3 (33.3%); first
    mismatch at [1]: 0.3 (actual) vs 0.2 (desired); max abs difference 0.1, max rel difference 0.5``.
    """
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    first = lines[0] if lines else "failed"
    if first.endswith(":") and len(lines) > 1:
        numpy_report = _numpy_report(first, lines[1:], limit)
        if numpy_report is not None:
            return numpy_report
        first = " ".join([first, *lines[1:3]])
    return _cut(first, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _numpy_report(first: str, rest: list[str], limit: int) -> str | None:
    """numpy.testing's report (the lines after ``AssertionError:``) in one line, the numbers first; None when
    ``rest`` is not such a report."""
    head, notes, arrays = [], [], []
    mismatched = at = None
    diffs: dict[str, str] = {}
    in_index = False
    for line in rest:
        if _AT_INDEX.fullmatch(line):
            in_index = True
            continue
        found = _FIRST_AT.fullmatch(line)
        if in_index and found:
            if at is None:
                where, actual, desired = found.groups()
                at = f"first mismatch at {where}: {_cut(actual, VALUE_LIMIT)} (actual) vs {_cut(desired, VALUE_LIMIT)} (desired)"
            continue
        in_index = False
        if _MISMATCHED.fullmatch(line):
            mismatched = "mismatched elements: " + _MISMATCHED.fullmatch(line).group(1)
        elif _MAX_DIFF.fullmatch(line):
            kind, value = _MAX_DIFF.fullmatch(line).groups()
            diffs[kind[:3]] = f"max {kind[:3]} difference {_cut(value, VALUE_LIMIT)}"
        elif _ARRAY.fullmatch(line) and (mismatched or notes or head):
            name, value = _ARRAY.fullmatch(line).groups()
            more = " ..." if value.endswith(",") else ""  # a multi-line repr: its first line only
            arrays.append(f"{name.lower()} {_cut(value, 2 * VALUE_LIMIT)}{more}")
        elif line.endswith("mismatch:") or line.startswith("(shapes") or line.startswith("(mismatch"):
            notes.append(line.rstrip(":"))  # "nan location mismatch", "(shapes (2, 3), (3, 2) mismatch)"
        elif mismatched is None and not diffs and not arrays:
            head.append(line)  # the header, and a test's own err_msg
        # anything else (an array's continuation lines) is left out
    if mismatched is None and not diffs and not notes and not at:
        return None
    # After the exception's name, the pieces in reading order; when the line is too long, the least useful
    # go first (a test's err_msg, the tolerance, the count), never the numbers.
    pieces = [
        (1, head[0] if head else ""),
        (2, "; ".join(head[1:])),
        (1, mismatched or ""),
        (0, "; ".join(notes)),
        (0, at or ""),
        (0, ", ".join(diffs[k] for k in ("abs", "rel") if k in diffs)),
        (1, "" if at else "; ".join(arrays)),  # the arrays, when no element was singled out
    ]
    pieces = [(rank, text) for rank, text in pieces if text]
    for drop in (2, 1, 0):
        joined = f"{first} " + "; ".join(text for _, text in pieces)
        if len(joined) <= limit or drop == 0:
            return _cut(joined, limit)
        pieces = [(rank, text) for rank, text in pieces if rank < drop]
    return _cut(first, limit)


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
