"""``python -m grader summary PATH ... [--json FILE]``: merge grading reports into one Markdown table.

The classroom workflow grades each kata and check group in a step of its own, each writing a ``--json``
report; this merges them (files, or folders of ``*.json``), prints a Markdown table with what to fix next
(the workflow appends it to ``$GITHUB_STEP_SUMMARY``) and can write the merged report in the ``--json``
format. A check that no report mentions counts as "not run" (status ``not_run``), worth 0 of its points, as
the classroom reporter counts a failed step.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.paths import CHECKOUT
from grader.registry import GROUPS
from grader.reports import console
from grader.reports.files import write_json
from grader.results import IDLE, CheckResult, KataResult, Status, not_started
from grader.teacher.classroom import UNAVAILABLE

_ICONS = {
    Status.PASSED: "✅",
    Status.FAILED: "❌",
    Status.NOT_STARTED: "⬜",
    Status.ERROR: "⚠️",
    Status.SKIPPED: "⏭️",
    Status.UNAVAILABLE: "➖",
}


def _report_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    files, notes = [], []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            notes.append(f"no report at {path}")
    return files, notes


def merge(files: list[Path]) -> tuple[dict[str, dict[str, dict]], dict[str, str], list[str]]:
    """Checks by kata slug and group, the graded file of each kata, and notes on unreadable reports."""
    checks: dict[str, dict[str, dict]] = {}
    graded: dict[str, str] = {}
    notes = []
    for path in files:
        try:
            data = json.loads(path.read_text())
            katas = data["katas"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            notes.append(f"skipped {path}: not a grading report ({type(exc).__name__})")
            continue
        for entry in katas:
            try:
                slug, kata_checks = entry["kata"], entry["checks"]
            except (KeyError, TypeError):
                notes.append(f"skipped an entry of {path}: no kata or checks")
                continue
            checks.setdefault(slug, {}).update(kata_checks)
            graded.setdefault(slug, entry.get("file", ""))
    return checks, graded, notes


def results(checks: dict[str, dict[str, dict]], graded: dict[str, str]) -> list[KataResult]:
    """One KataResult per kata of the registry; a group without a report is "not run", worth 0."""
    out = []
    for kata in registry.KATAS:
        merged = {}
        for group in GROUPS:
            rec = checks.get(kata.slug, {}).get(group)
            check = CheckResult.from_json(group, rec) if isinstance(rec, dict) else None
            merged[group] = check or CheckResult(
                group, Status.NOT_RUN, "not run: no report from its grading step", 0, kata.points.of(group)
            )
        out.append(KataResult(kata, merged, graded.get(kata.slug, "")))
    return out


def _cell(check: CheckResult, kind: str) -> str:
    if check.status == Status.NOT_RUN:
        return check.status.words
    detail = console.speed_cell(check, kind) if check.group == "speed" else console.tests_cell(check)
    if check.status == Status.UNAVAILABLE:
        detail = check.status.words
    icon = _ICONS.get(check.status, "")
    return f"{icon} {detail}".strip() if detail not in ("", "-") else f"{icon} {check.status.words}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(kata_results: list[KataResult], notes: list[str]) -> str:
    points = sum(r.points for r in kata_results)
    max_points = sum(r.max_points for r in kata_results)
    lines = [f"## CV Katas: {points}/{max_points} points", ""]
    hidden = [r.checks["hidden"] for r in kata_results]
    no_hidden = all(c.status in IDLE for c in hidden) and any(c.status == Status.UNAVAILABLE for c in hidden)
    if no_hidden:
        lines += [f"> {UNAVAILABLE}.", ""]
    lines += ["| kata | visible | hidden | speed | points |", "|:--|:--|:--|:--|--:|"]
    for r in kata_results:
        cells = [_cell(r.checks[g], r.kata.baseline_kind) for g in GROUPS]
        lines.append(f"| {r.kata.label} | " + " | ".join(_md(c) for c in cells) + f" | {r.points}/{r.max_points} |")
    lines.append(f"| **total** | | | | **{points}/{max_points}** |")

    todo = []
    for r in kata_results:
        bad = [c for c in r.checks.values() if not c.ok and not (no_hidden and c.status == Status.UNAVAILABLE)]
        if not bad:
            continue
        if all(c.status == Status.NOT_RUN for c in r.checks.values()):
            todo.append(f"- **{r.kata.label}**: not graded: its grading steps wrote no report (see their logs).")
            continue
        if not_started(bad):
            todo.append(
                f"- **{r.kata.label}**: not started: read `{r.kata.readme_path(CHECKOUT).as_posix()}`, then "
                f"implement {', '.join(f'`{f}`' for f in r.kata.functions)}."
            )
            continue
        for c in bad:
            todo.append(f"- **{r.kata.label} · {c.group}**: {_md(c.message[:300])}")
    if todo:
        lines += ["", "### What to fix next", "", *todo]
    if all(c.status == Status.NOT_RUN for r in kata_results for c in r.checks.values()):
        lines += ["", "No grading step wrote a report: see the log of the install step."]
    if notes:
        lines += ["", *(f"_{_md(n)}_" for n in notes)]
    lines += [
        "",
        "The same checks run locally with `make grade` (all but the hidden tests, which only the workflow has).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader summary",
        description="Merge grading reports (--json files, or folders of them) into one Markdown table.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="report files, or folders of *.json reports")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the merged report as JSON")
    args = p.parse_args(argv)
    files, notes = _report_files(args.paths)
    checks, graded, more = merge(files)
    kata_results = results(checks, graded)
    code = ExitCode.OK
    if args.json:  # the file first: printing may fail (a closed pipe)
        try:
            write_json(kata_results, args.json)
        except OSError as exc:
            print(f"error: cannot write {args.json}: {exc}", file=sys.stderr)
            code = ExitCode.USAGE
    print(markdown(kata_results, notes + more), end="")
    return code
