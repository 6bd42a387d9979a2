"""Text that came from a submission, made safe for every report: capped in length and printable.

A submission chooses its exception messages and its output, so they can be of any length and hold any
character: a lone surrogate (``ValueError('\\udce9')``) cannot be encoded as UTF-8 and breaks a print or a
file write, control characters are invalid in XML and rewrite a terminal, and a message of megabytes floods
every report. Each such character is written as its Python escape (``\\udce9``, ``\\x1b``), so it stays
visible; each text is cut to a limit, saying how much was cut.

The limits bound each kata's texts, whatever the submission does: a kata has at most three checks, each with
one message and failures within :data:`FAILURES_LIMIT`, plus its output tail: about 6 KB in all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

MESSAGE_LIMIT = 500  # a check's one-line message: "3 of 36 failed; first: <test>: <its one-line message>"
FAILURE_LIMIT = 300  # each text of a failure (test name, message): the judge's own one-line limit
FAILURES_LIMIT = 1200  # the failures listed for one check, together; its counts say how many there were
OUTPUT_LIMIT = 1000  # the end of a kata's output (the terminal shows its last three lines)

# Unicode categories shown as escapes: control, format (bidirectional overrides, zero-width), surrogate,
# unassigned (noncharacters such as U+FFFF, invalid in XML), and line and paragraph separators.
_ESCAPED = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
_LINE_BREAKS = frozenset("\n\t")  # kept as they are in multi-line text
_SCALARS = (int, float, bool, type(None))  # kept as they are in a failure; anything else becomes a message


def _printable(ch: str, multiline: bool) -> str:
    if (multiline and ch in _LINE_BREAKS) or unicodedata.category(ch) not in _ESCAPED:
        return ch
    return ch.encode("unicode_escape").decode("ascii")


def _cut_note(n: int) -> str:
    return f"[... {n} characters cut]"


def clean(text: object, limit: int, *, multiline: bool = False, keep_end: bool = False) -> str:
    """``text`` printable and at most ``limit`` characters long (for a limit of 40 and more).

    Args:
        text (object): what a result carries; None is the empty text, anything else is ``str()``-ed.
        limit (int): the most characters returned, a note of what was cut included.
        multiline (bool): keep newlines and tabs; otherwise they are escaped too and the text is one line.
        keep_end (bool): when cutting, keep the end (an output's tail) rather than the start.

    Returns:
        str: encodable as UTF-8 and valid in XML 1.0; unchanged when it already was and fit.
    """
    text = "" if text is None else text if isinstance(text, str) else str(text)
    # Escaping only lengthens, so at most the first (or last) ``limit`` characters can be kept: a huge text
    # is never escaped in full.
    window = text[-limit:] if keep_end else text[:limit]
    pieces = [_printable(ch, multiline) for ch in (reversed(window) if keep_end else window)]
    size = sum(map(len, pieces))
    if size <= limit and len(window) == len(text):
        return "".join(reversed(pieces) if keep_end else pieces)
    while pieces and size + 1 + len(_cut_note(len(text) - len(pieces))) > limit:
        size -= len(pieces.pop())  # the piece farthest from the kept end
    note = _cut_note(len(text) - len(pieces))
    return f"{note} {''.join(reversed(pieces))}" if keep_end else f"{''.join(pieces)} {note}"


def clean_message(text: object, limit: int = MESSAGE_LIMIT) -> str:
    """One printable line of at most ``limit`` characters: a check's message, a setup error, a note."""
    return clean(text, limit)


def clean_output(text: object, limit: int = OUTPUT_LIMIT) -> str:
    """The last ``limit`` characters of a kata's output, printable, its lines kept."""
    return clean(text, limit, multiline=True, keep_end=True)


def clean_failures(failures: Iterable[object] | None, budget: int = FAILURES_LIMIT) -> list[dict]:
    """The first failures that fit in ``budget`` characters, each text of each one a clean message.

    Failures are dicts (``{"test": ..., "message": ...}``); anything else in the list is dropped.
    """
    kept, spent = [], 0
    for failure in failures or ():
        if not isinstance(failure, dict):
            continue
        failure = {k: v if isinstance(v, _SCALARS) else clean_message(v, FAILURE_LIMIT) for k, v in failure.items()}
        spent += sum(len(v) for v in failure.values() if isinstance(v, str))
        if spent > budget:
            break
        kept.append(failure)
    return kept
