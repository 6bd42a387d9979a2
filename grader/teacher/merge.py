"""``python -m grader regrade-merge CSV ... -o FILE [--roster ROSTER]``: the shards' CSVs of a regrade, as one.

Each shard of a course (``regrade --shard K/N``, or a job of the hidden repository's regrade workflow) writes
a CSV of its students; merged, the rows are sorted by student as one regrade sorts them, under the same
columns, so the result is the CSV one regrade of them all writes. The CSVs must share their columns (the same
katas) and no student may appear twice. With ``--roster``, a listed repository that no CSV has (its shard's
job failed) gets a row of blank scores and a note: no student is dropped. Prints the course's summary.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from grader.exits import ExitCode
from grader.reports import files
from grader.teacher import shards
from grader.teacher.regrade import course_summary

REQUIRED = ("student", "total", "max", "note")
NO_SHARD = "not graded: no shard's CSV has this student (did its job fail?)"


class MergeError(ValueError):
    pass


def read_grades(path: Path) -> tuple[list[str], list[dict]]:
    """A regrade CSV's columns and rows."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            fields = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MergeError(f"cannot read {path}: {exc}") from None
    if not all(col in fields for col in REQUIRED):
        raise MergeError(f"{path} is not a regrade CSV (no {', '.join(REQUIRED)} columns)")
    return fields, rows


def merge(paths: list[Path], roster: list[str] | None = None) -> tuple[list[str], list[dict]]:
    fields: list[str] | None = None
    seen: dict[str, Path] = {}
    rows: list[dict] = []
    for path in paths:
        columns, more = read_grades(path)
        if fields is None:
            fields = columns
        elif columns != fields:
            raise MergeError(f"{path} has other columns than {paths[0]} (other katas?): regrade every shard alike")
        for row in more:
            name = row["student"]
            if name in seen:
                raise MergeError(f"{name} is in both {seen[name]} and {path}")
            seen[name] = path
            rows.append(row)
    if fields is None:
        raise MergeError("no CSV to merge")
    for repository in roster or []:
        name = shards.folder_name(repository)
        if name not in seen:
            blank = {col: "" for col in fields}
            most = rows[0]["max"] if rows else ""
            rows.append({**blank, "student": name, "max": most, "note": NO_SHARD})
    rows.sort(key=lambda r: r["student"])
    return fields, rows


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader regrade-merge",
        description="Merge the CSVs of a regrade's shards into one CSV, sorted by student; print the summary.",
    )
    p.add_argument("csvs", nargs="+", type=Path, metavar="CSV", help="the shards' CSVs")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the merged CSV")
    p.add_argument(
        "--roster",
        type=Path,
        metavar="ROSTER",
        help="the roster the shards were cut from: a student no CSV has gets a row with a note",
    )
    args = p.parse_args(argv)
    try:
        roster = shards.read_roster(args.roster) if args.roster else None
        fields, rows = merge(args.csvs, roster)
        files.write_csv(rows, fields, args.output)
    except (MergeError, shards.RosterError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(f"merged {len(args.csvs)} CSVs into {args.output}: {len(rows)} rows")
    print(course_summary(rows))
    return ExitCode.OK
