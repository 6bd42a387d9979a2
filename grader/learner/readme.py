"""A kata README's learner-facing parts, as plain text: its hints, follow-up questions and debrief.

Every kata README (``exercises/NN_slug/README.md``) ends with three sections whose contents are folded away,
so that a reader on GitHub sees them only by opening them:

- ``## Hints``: three hints, gentle to explicit, each in its own block
  ``<details><summary>Hint N: short title</summary>`` ... ``</details>``;
- ``## Follow-up questions``: three questions, each a paragraph in plain sight followed by its answer in
  ``<details><summary>Answer</summary>`` ... ``</details>``;
- ``## Debrief``: the whole section in one ``<details><summary>Debrief: ...</summary>`` block.

A ``<details>`` line and its ``<summary>`` share one line, and a blank line follows it (GitHub renders the
Markdown inside a ``<details>`` block only after one). Hints written the older way, as ``### Hint N``
headings, are still read (with ``collapsed`` False, which ``dev check`` reports).

The parsers return the Markdown inside the blocks without the HTML around it. Lines inside fenced code blocks
are never headings or block markers.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from grader.paths import CHECKOUT, repo_root
from grader.registry import Kata

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
_DETAILS_OPEN = re.compile(r"^\s*<details(?:\s[^>]*)?>\s*<summary>(?P<summary>.*?)</summary>\s*$", re.IGNORECASE)
_DETAILS_ANY = re.compile(r"^\s*<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"^\s*</details>\s*$", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HINT_TITLE = re.compile(r"hint\s+(\d+)\s*(?::\s*(?P<title>.*))?", re.IGNORECASE)

HINTS = "Hints"
FOLLOW_UPS = "Follow-up questions"
DEBRIEF = "Debrief"


class ReadmeError(ValueError):
    """A README section that cannot be read: one line, naming the file and what is wrong."""


class Section(NamedTuple):
    level: int  # the heading's level (2 for ``##``); 0 for the text before the first heading
    title: str
    text: str  # the lines up to the next heading, of any level


@dataclass(frozen=True)
class Hint:
    number: int  # 1, 2, 3, ...
    title: str  # the short title after "Hint N:" in its summary ("" if none)
    text: str  # the hint, as Markdown
    collapsed: bool  # in its own <details> block (False: an older "### Hint N" heading in plain sight)


@dataclass(frozen=True)
class FollowUp:
    question: str  # one paragraph, its lines joined by spaces, without emphasis markers or a leading number
    answer: str  # the Markdown inside the answer's <details> block


def sections(markdown: str) -> list[Section]:
    """Each heading's level, title and text up to the next heading, in order; level 0 for the text before the
    first heading. Headings inside fenced code blocks do not count."""
    out: list[tuple[int, str, list[str]]] = [(0, "", [])]
    for line, in_code in _lines(markdown):
        heading = None if in_code else HEADING.match(line)
        if heading:
            out.append((len(heading.group(1)), heading.group(2), []))
        else:
            out[-1][2].append(line)
    return [Section(level, title, "\n".join(text)) for level, title, text in out]


def _lines(markdown: str) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it is part of a fenced code block (its fences included)."""
    in_code = False
    for line in markdown.splitlines():
        fence = bool(FENCE.match(line))
        yield line, in_code or fence
        if fence:
            in_code = not in_code


def _section(markdown: str, title: str) -> list[tuple[str, bool]] | None:
    """The lines of the ``## title`` section (up to the next heading of level 1 or 2), or None if there is
    none. Level-3 and deeper headings stay part of it."""
    lines: list[tuple[str, bool]] | None = None
    for line, in_code in _lines(markdown):
        heading = None if in_code else HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            if lines is not None:
                break
            if len(heading.group(1)) == 2 and heading.group(2).strip().lower() == title.lower():
                lines = []
            continue
        if lines is not None:
            lines.append((line, in_code))
    return lines


@dataclass
class _Block:
    """A run of a section: text in plain sight (``summary`` None) or a <details> block."""

    summary: str | None
    lines: list[str]
    opening: str = ""  # the <details> line

    @property
    def text(self) -> str:
        return textwrap.dedent("\n".join(self.lines)).strip()


def _blocks(lines: list[tuple[str, bool]], name: str, where: str) -> list[_Block]:
    """The section cut into text in plain sight and <details> blocks (not nested, each closed)."""
    blocks: list[_Block] = [_Block(None, [])]
    inside = False
    for i, (line, in_code) in enumerate(lines):
        if in_code:
            blocks[-1].lines.append(line)
            continue
        opening = _DETAILS_OPEN.match(line)
        if opening or _DETAILS_ANY.match(line):
            if inside:
                raise ReadmeError(f"{name}: a <details> block inside another under ## {where}: close the first")
            if not opening:
                raise ReadmeError(
                    f"{name}: {line.strip()!r} under ## {where}: write <details><summary>...</summary> on one line"
                )
            summary = _TAG.sub("", opening.group("summary")).strip()
            if i + 1 < len(lines) and lines[i + 1][0].strip():
                raise ReadmeError(
                    f"{name}: leave a blank line after {line.strip()!r} under ## {where} "
                    f"(GitHub renders the Markdown inside <details> only after one)"
                )
            blocks.append(_Block(summary, [], line.strip()))
            inside = True
        elif _DETAILS_CLOSE.match(line):
            if not inside:
                raise ReadmeError(f"{name}: </details> without <details> under ## {where}")
            blocks.append(_Block(None, []))
            inside = False
        else:
            blocks[-1].lines.append(line)
    if inside:
        raise ReadmeError(f"{name}: {blocks[-1].opening!r} under ## {where} has no </details>: close it")
    return [b for b in blocks if b.summary is not None or b.text]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# --- hints ------------------------------------------------------------------------------------------------------


def parse_hint_blocks(markdown: str, name: str = "README.md") -> list[Hint]:
    """The hints of the ``## Hints`` section, in order: ``<details><summary>Hint N: title</summary>`` blocks,
    or (the older form, not collapsed) ``### Hint N`` subsections. Text before the first hint is an
    introduction and is not a hint.

    Raises ReadmeError when there is no hint, a hint is empty or out of order, or the section holds anything
    else (another heading or <details> block, text between the hints).
    """
    lines = _section(markdown, HINTS)
    missing = f"{name} has no '## Hints' section with '<details><summary>Hint 1: ...</summary>', ..."
    if lines is None:
        raise ReadmeError(missing)
    # "### Hint N" headings (the older form) split the section first; each part is then cut into blocks.
    parts: list[tuple[str | None, list[tuple[str, bool]]]] = [(None, [])]
    for line, in_code in lines:
        heading = None if in_code else HEADING.match(line)
        if heading:
            parts.append((line.strip(), []))
        else:
            parts[-1][1].append((line, in_code))
    hints: list[Hint] = []

    def add(number: int, what: str, title: str, text: str, collapsed: bool) -> None:
        if number != len(hints) + 1:
            raise ReadmeError(f"{name}: {what!r} is out of order (expected Hint {len(hints) + 1})")
        if not text:
            raise ReadmeError(f"{name}: Hint {number} is empty")
        hints.append(Hint(number, title, text, collapsed))

    for heading, part in parts:
        legacy = None  # the number of a "### Hint N" heading whose text is still to come
        if heading is not None:
            title = HEADING.match(heading).group(2)
            number = re.fullmatch(r"hint\s+(\d+)", title, re.IGNORECASE)
            if not number:
                raise ReadmeError(f"{name}: unexpected heading {heading!r} under ## Hints")
            legacy = int(number.group(1))
        shown: list[str] = []  # the heading's text in plain sight
        for block in _blocks(part, name, HINTS):
            if block.summary is None:
                if legacy is not None:
                    shown.append(block.text)
                elif hints:
                    raise ReadmeError(
                        f"{name}: text after Hint {len(hints)} outside its <details> block: "
                        f"{_first_line(block.text)!r}: move it into a hint, or before Hint 1"
                    )
                continue  # an introduction before the first hint
            number = _HINT_TITLE.fullmatch(block.summary)
            if not number:
                raise ReadmeError(f"{name}: unexpected <details> block {block.opening!r} under ## Hints")
            if legacy is not None and (shown or int(number.group(1)) != legacy):
                add(legacy, heading, "", "\n\n".join(shown), collapsed=False)
            legacy = None  # a heading right above its own block adds nothing to it
            add(int(number.group(1)), block.opening, (number.group("title") or "").strip(), block.text, True)
        if legacy is not None:
            add(legacy, heading, "", "\n\n".join(shown), collapsed=False)
    if not hints:
        raise ReadmeError(missing)
    return hints


def _first_line(text: str) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 60 else line[:57] + "..."


# --- follow-up questions ----------------------------------------------------------------------------------------

_EMPHASIS = re.compile(r"^(\*\*|__)(.*)\1$", re.DOTALL)
_NUMBER = re.compile(r"^(?:q(?:uestion)?\s*)?\d+[.):]\s+", re.IGNORECASE)


def _question(paragraph: str) -> str:
    text = " ".join(line.strip() for line in paragraph.splitlines())
    text = re.sub(r"^#{1,6}\s+", "", text)
    for _ in range(2):  # "**1. Why ...?**" or "1. **Why ...?**"
        emphasis = _EMPHASIS.match(text)
        if emphasis:
            text = emphasis.group(2).strip()
        text = _NUMBER.sub("", text)
    return text


def parse_follow_ups(markdown: str, name: str = "README.md") -> list[FollowUp]:
    """The questions of the ``## Follow-up questions`` section, each with its answer, in order.

    Each question is the paragraph just before a ``<details><summary>Answer</summary>`` block, which holds its
    answer. Paragraphs before the first question introduce the section. Raises ReadmeError when the section is
    missing or holds no question, a question has no answer or an answer no question, an answer is empty, or
    there is text between an answer and the next question.
    """
    lines = _section(markdown, FOLLOW_UPS)
    if lines is None:
        raise ReadmeError(f"{name} has no '## {FOLLOW_UPS}' section")
    out: list[FollowUp] = []
    pending: list[str] = []  # the paragraphs in plain sight since the last answer
    for block in _blocks(lines, name, FOLLOW_UPS):
        if block.summary is None:
            pending = _paragraphs(block.text)
            if out and len(pending) > 1:
                raise ReadmeError(
                    f"{name}: text between the answer to question {len(out)} and the next question: "
                    f"{_first_line(pending[0])!r}: each question is one paragraph"
                )
            continue
        if block.summary.lower() != "answer":
            raise ReadmeError(f"{name}: {block.opening!r} under ## {FOLLOW_UPS}: an answer's summary reads 'Answer'")
        if not pending:
            raise ReadmeError(f"{name}: answer {len(out) + 1} under ## {FOLLOW_UPS} follows no question")
        if not block.text:
            raise ReadmeError(f"{name}: the answer to question {len(out) + 1} is empty")
        out.append(FollowUp(_question(pending[-1]), block.text))
        pending = []
    if pending and out:
        raise ReadmeError(f"{name}: question {len(out) + 1} ({_first_line(pending[-1])!r}) has no answer")
    if not out:
        raise ReadmeError(
            f"{name}: no question under ## {FOLLOW_UPS}: write each as a paragraph followed by "
            f"<details><summary>Answer</summary> ... </details>"
        )
    return out


# --- debrief ----------------------------------------------------------------------------------------------------


def parse_debrief(markdown: str, name: str = "README.md") -> str:
    """The text of the ``## Debrief`` section's one ``<details>`` block (its summary left out).

    Raises ReadmeError when the section is missing or empty, holds text outside its block (the whole debrief
    is folded away), or more than one block.
    """
    lines = _section(markdown, DEBRIEF)
    if lines is None:
        raise ReadmeError(f"{name} has no '## {DEBRIEF}' section")
    blocks = _blocks(lines, name, DEBRIEF)
    shown = [b for b in blocks if b.summary is None]
    if shown:
        raise ReadmeError(
            f"{name}: text outside the debrief's <details> block: {_first_line(shown[0].text)!r}: "
            f"fold the whole debrief away"
        )
    if len(blocks) != 1:
        raise ReadmeError(
            f"{name}: {len(blocks)} <details> blocks under ## {DEBRIEF}: write one, "
            f"<details><summary>Debrief: ...</summary> ... </details>"
        )
    if not blocks[0].text:
        raise ReadmeError(f"{name}: the debrief is empty")
    return blocks[0].text


# --- a kata's README --------------------------------------------------------------------------------------------


def read(kata: Kata, root: Path | None = None) -> tuple[str, str]:
    """The kata's README text, and its path as messages name it (``exercises/02_nms/README.md``)."""
    path = kata.readme_path(repo_root() if root is None else root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReadmeError(f"cannot read {path}: {exc.strerror or exc}") from None
    return text, kata.readme_path(CHECKOUT).as_posix()


def hints(kata: Kata, root: Path | None = None) -> list[Hint]:
    """The kata's hints, gentle to explicit."""
    return parse_hint_blocks(*read(kata, root))


def follow_ups(kata: Kata, root: Path | None = None) -> list[FollowUp]:
    """The kata's follow-up questions with their answers (three in every kata)."""
    return parse_follow_ups(*read(kata, root))


def debrief(kata: Kata, root: Path | None = None) -> str:
    """The kata's debrief: complexity, the alternatives and how production libraries do it, as Markdown."""
    return parse_debrief(*read(kata, root))
