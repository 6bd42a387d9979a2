"""``python -m grader regrade STUDENTS_DIR [--hidden DIR] [--csv FILE] [SLUG ...]``: a course's scores, locally.

Every subfolder of STUDENTS_DIR holding an ``exercises/`` folder is a cloned student repository. Only the
student's kata files are taken from it: they are graded with this checkout's grader, visible tests and the
hidden tests, never the student's copies (a student may have edited tests, grader or workflow). One CSV row per
student: points per kata and check group, the total, the maximum, and a note on anything broken. A broken
repository scores 0 where it is broken and is noted; it never stops the run.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.paths import default_hidden_tests, repo_root
from grader.registry import GROUPS, Kata
from grader.results import Status

NOTE_STATUSES = (Status.ERROR, Status.UNAVAILABLE)  # a failing or unstarted kata is a score, not a note


def student_repos(folder: Path) -> tuple[list[Path], list[Path]]:
    """(repositories with exercises/, other repositories without it): the latter are broken clones."""
    repos, broken = [], []
    for item in sorted(folder.iterdir()):
        if not item.is_dir() or item.name.startswith("."):
            continue
        if (item / "exercises").is_dir():
            repos.append(item)
        elif (item / ".git").exists():
            broken.append(item)
    return repos, broken


def header(katas: list[Kata]) -> list[str]:
    cols = ["student"]
    for kata in katas:
        cols += [f"{kata.slug}_{g}" for g in GROUPS] + [kata.slug]
    return cols + ["total", "max", "note"]


def zero_row(name: str, katas: list[Kata], note: str) -> dict:
    row = {"student": name, "total": 0, "max": sum(k.points.total for k in katas), "note": note}
    for kata in katas:
        row.update({f"{kata.slug}_{g}": 0 for g in GROUPS})
        row[kata.slug] = 0
    return row


def grade_student(repo: Path, root: Path, hidden: Path, katas: list[Kata], time_limit: float | None,
                  progress) -> dict:
    from grader.grading.runner import grade_kata

    row = zero_row(repo.name, katas, "")
    notes = []
    for kata in katas:
        started = time.monotonic()
        try:
            result = grade_kata(
                kata,
                impl_file=kata.stub_path(repo),
                visible_tests=kata.visible_tests_path(root),
                hidden_tests=hidden,
                groups=list(GROUPS),
                time_limit=time_limit,
            )
        except Exception as exc:  # a repository the grader cannot even start on: zeros and a note
            notes.append(f"{kata.slug}: not graded: {type(exc).__name__}: {exc}")
            progress(f"  {kata.label}: not graded ({type(exc).__name__})")
            continue
        for group, check in result.checks.items():
            row[f"{kata.slug}_{group}"] = check.points
        row[kata.slug] = result.points
        bad = {c.message.replace(f"{repo}/", "") for c in result.checks.values() if c.status in NOTE_STATUSES}
        if bad:
            notes.append(f"{kata.slug}: " + " / ".join(sorted(bad))[:200])
        progress(f"  {kata.label}: {result.points}/{result.max_points} ({time.monotonic() - started:.1f} s)")
    row["total"] = sum(row[k.slug] for k in katas)
    row["note"] = "; ".join(notes)
    return row


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader regrade",
        description="Grade a folder of cloned student repositories with this checkout's tests; one CSV row per student.",
    )
    p.add_argument("students", type=Path, metavar="STUDENTS_DIR", help="a folder of cloned student repositories")
    p.add_argument("katas", nargs="*", metavar="SLUG", help="katas to grade (default: all)")
    p.add_argument("--hidden", type=Path, help="folder of hidden tests (default: $CVKATAS_HIDDEN_TESTS or hidden_tests/)")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the CSV here (default: standard output)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS", help="limit on each kata's grading (default: per kata)")
    args = p.parse_args(argv)

    root = repo_root()
    try:
        katas = registry.select(args.katas)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    hidden = (args.hidden or default_hidden_tests(root)).resolve()
    missing = [k.folder for k in katas if not k.hidden_dir(hidden).is_dir()]
    if missing:
        print(f"error: no hidden tests for {', '.join(missing)} in {hidden} (give --hidden DIR: the hidden_tests/ "
              "folder of the private repository)", file=sys.stderr)
        return ExitCode.USAGE
    if not args.students.is_dir():
        print(f"error: no folder {args.students}", file=sys.stderr)
        return ExitCode.USAGE
    repos, broken = student_repos(args.students)
    if not repos and not broken:
        print(f"error: no student repositories (folders holding exercises/) in {args.students}", file=sys.stderr)
        return ExitCode.USAGE

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    rows = [zero_row(b.name, katas, "no exercises/ folder: not a CV Katas repository, or a broken clone") for b in broken]
    for b in broken:
        progress(f"{b.name}: no exercises/ folder: 0 points")
    for i, repo in enumerate(repos, start=1):
        progress(f"[{i}/{len(repos)}] {repo.name}")
        row = grade_student(repo, root, hidden, katas, args.time_limit, progress)
        progress(f"  total {row['total']}/{row['max']}")
        rows.append(row)
    rows.sort(key=lambda r: r["student"])

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header(katas), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if args.csv:
        try:
            args.csv.write_text(buf.getvalue())
        except OSError as exc:
            print(f"error: cannot write {args.csv}: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        progress(f"wrote {len(rows)} rows to {args.csv}")
    else:
        sys.stdout.write(buf.getvalue())
    return ExitCode.OK
