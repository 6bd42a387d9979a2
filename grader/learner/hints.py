"""``python -m grader hint SLUG``: the kata's hints, one more each time it is asked.

The hints live in one place, the kata's README (``exercises/NN_slug/README.md``), under ``## Hints``, each
folded away in a ``<details><summary>Hint N: short title</summary>`` block, from gentle to explicit
(:mod:`grader.learner.readme` reads them). How many of them the learner has revealed is kept in
``.grade/hints.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.learner import readme, session, state
from grader.paths import repo_root
from grader.registry import Kata

HINTS_FILE = "hints.json"

HintsError = readme.ReadmeError  # what the parsers raise, under the name this module has always used


def parse_hints(markdown: str, name: str = "README.md") -> list[str]:
    """The texts of the hints of the ``## Hints`` section, in order, as Markdown without the ``<details>``
    blocks around them (see :mod:`grader.learner.readme`).

    Headings and ``<details>`` lines inside fenced code blocks do not count (a ``# comment`` in a code sample
    is not a heading).
    """
    return [hint.text for hint in readme.parse_hint_blocks(markdown, name)]


def kata_hints(root: Path, kata: Kata) -> list[str]:
    return [hint.text for hint in readme.hints(kata, root)]


def _path(root: Path) -> Path:
    return state.state_dir(root) / HINTS_FILE


def revealed(root: Path) -> dict[str, int]:
    """How many hints of each kata (by slug) have been revealed."""
    try:
        data = state.read_json(_path(root))
    except state.StateError:
        return {}  # a damaged file only forgets what was revealed
    counts = data.get("revealed") if isinstance(data.get("revealed"), dict) else {}
    return {k: v for k, v in counts.items() if isinstance(v, int) and v >= 0}


def set_revealed(root: Path, slug: str, count: int) -> None:
    counts = revealed(root)
    counts[slug] = count
    state.write_json(_path(root), {"version": 1, "revealed": dict(sorted(counts.items()))})


def _show(kata: Kata, hints: list[str], i: int) -> str:
    title = f"{kata.label} · Hint {i + 1} of {len(hints)}"
    return f"{title}\n{'-' * len(title)}\n{hints[i]}\n"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader hint",
        description="Reveal a kata's hints one at a time, from gentle to explicit (they live in its README).",
    )
    p.add_argument("kata", metavar="SLUG", help="the kata: slug (nms), number (2) or folder (02_nms)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--all", action="store_true", help="show every hint at once")
    how.add_argument("--reset", action="store_true", help="hide this kata's hints again")
    args = p.parse_args(argv)

    try:
        kata = registry.find(args.kata)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    root = repo_root()
    locked = session.lock_message(root, "hints are")  # an interviewer gives none
    if locked:
        print(locked, file=sys.stderr)
        return ExitCode.FAILED
    try:
        hints = kata_hints(root, kata)
        shown = min(revealed(root).get(kata.slug, 0), len(hints))
        command = f"python -m grader hint {kata.slug}"
        if args.reset:
            set_revealed(root, kata.slug, 0)
            print(f"{kata.label}: hints hidden again; `{command}` starts from Hint 1")
            return ExitCode.OK
        if args.all:
            set_revealed(root, kata.slug, len(hints))
            print("\n".join(_show(kata, hints, i) for i in range(len(hints))), end="")
            return ExitCode.OK
        if shown >= len(hints):
            print(
                f"{kata.label}: no hints left (all {len(hints)} revealed). "
                f"`{command} --all` shows them again; `--reset` hides them."
            )
            return ExitCode.OK
        set_revealed(root, kata.slug, shown + 1)
    except (HintsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    print(_show(kata, hints, shown), end="")
    left = len(hints) - shown - 1
    if left:
        print(f"\n({left} more: run `{command}` again for the next one)")
    else:
        print(f"\n(that was the last hint; `{command} --all` shows them all)")
    return ExitCode.OK
