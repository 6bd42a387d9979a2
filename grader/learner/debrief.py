"""``python -m grader debrief SLUG``: the kata's debrief, from its README's "## Debrief" section.

The debrief is what an interviewer would discuss once the code works: it gives the solution's ideas away, so
it opens only after the kata's first full pass (a recorded grade in which every check passed; see
:func:`grader.learner.history.full_pass`), and stays open after that. It is locked during a mock interview on
the same kata.
"""

from __future__ import annotations

import argparse
import sys

from grader import registry
from grader.exits import ExitCode
from grader.learner import history, progress, readme, session, state
from grader.learner.progress import KataState, Stage
from grader.paths import repo_root

DETAIL_LIMIT = 160  # characters of the last grade's detail in the one-line refusal


def left(ks: KataState) -> str:
    """What stands between the learner and a full pass, in a few words and the command to run."""
    k = ks.kata
    detail = ks.detail if len(ks.detail) <= DETAIL_LIMIT else ks.detail[: DETAIL_LIMIT - 3] + "..."
    if ks.state == Stage.NOT_STARTED:
        return f"every check (not started): implement {', '.join(k.functions)} in {ks.file}"
    if ks.state == Stage.FAILING:
        return f"the {ks.failing_group} checks and any after them ({detail}); `make grade EX={k.slug}` regrades"
    if ks.state == Stage.PASSING:
        return f"speed ({detail}); `make grade EX={k.slug}` regrades"
    if ks.state == Stage.MISSING:
        return detail
    return f"a grade of your file that passes every check ({detail or ks.state}): `make grade EX={k.slug}`"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader debrief",
        description="Show a kata's debrief (from its README) once a grade has passed all of its checks.",
    )
    p.add_argument("kata", metavar="SLUG", help="the kata: slug (nms), number (2) or folder (02_nms)")
    args = p.parse_args(argv)
    try:
        kata = registry.find(args.kata)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    root = repo_root()
    running = session.running(root)
    if running is not None and running.slug == kata.slug:
        print(session.lock_message(root, "the debrief is"), file=sys.stderr)
        return ExitCode.FAILED
    try:
        last = state.load(root)
    except state.StateError:
        last = {}  # the history alone may still show a pass
    record = history.records(state.state_dir(root), last).get(kata.slug)
    if record is None or not record.passed:
        ks = progress.kata_state(root, kata, last)
        print(f"{kata.label}: the debrief opens after the kata's first full pass; left: {left(ks)}", file=sys.stderr)
        return ExitCode.FAILED
    try:
        text = readme.debrief(kata, root)
    except readme.ReadmeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    title = f"{kata.label} · Debrief (first full pass {progress.day(record.first_pass)})"
    print(f"{title}\n{'-' * len(title)}\n{text}")
    return ExitCode.OK
