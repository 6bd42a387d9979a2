"""``python -m grader regrade STUDENTS_DIR [--hidden DIR] [--csv FILE] [--similarity] [SLUG ...]``: a course's
scores, locally.

Every subfolder of STUDENTS_DIR holding an ``exercises/`` folder is a cloned student repository. Only the
student's kata files are taken from it: they are graded with this checkout's grader, visible tests and the
hidden tests, never the student's copies (a student may have edited tests, grader or workflow). One CSV row per
student: points per kata and check group, the total, the maximum, and a note on anything broken. Students'
code runs in the bwrap sandbox (``--sandbox docker|podman`` where it cannot; ``none`` only when asked for). A broken
repository scores 0 where it is broken and is noted; it never stops the run. ``--similarity`` adds columns
(:mod:`grader.teacher.similarity`) and writes copydetect's reports; it changes no score.

Ctrl-C stops the run and still writes the CSV: the students graded so far, the one being graded with the
katas it finished, the others with blank scores and a note.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.grading import sandbox
from grader.grading.sandbox import Backend
from grader.paths import default_hidden_tests, repo_root
from grader.registry import GROUPS, Kata
from grader.reports import files, streams
from grader.reports.streams import progress
from grader.results import Status
from grader.teacher import similarity

NOTE_STATUSES = (Status.ERROR, Status.UNAVAILABLE)  # a failing or unstarted kata is a score, not a note
NOT_GRADED = "not graded: the regrade was interrupted"
SIMILARITY_DIR = "similarity"  # --similarity's reports, in the current folder


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


def empty_row(name: str, katas: list[Kata], note: str, score: int | str = 0) -> dict:
    """A row whose every kata and check group scores ``score``: 0, or "" for a student not graded (yet)."""
    row = {"student": name, "total": score, "max": sum(k.points.total for k in katas), "note": note}
    for kata in katas:
        row.update({f"{kata.slug}_{g}": score for g in GROUPS})
        row[kata.slug] = score
    return row


def grade_student(
    row: dict,
    repo: Path,
    root: Path,
    hidden: Path,
    katas: list[Kata],
    time_limit: float | None,
    backend: Backend = Backend.BWRAP,
) -> None:
    """Grade ``repo``'s katas into ``row``, made by :func:`empty_row` with blank scores.

    Ctrl-C is not caught here: it leaves ``row`` with the katas graded so far and a note of where it stopped.
    """
    from grader.grading.runner import grade_kata

    notes = []
    for kata in katas:
        row["note"] = "; ".join([*notes, f"interrupted while grading {kata.slug}: not graded from there on"])
        started = time.monotonic()
        cells = {f"{kata.slug}_{g}": 0 for g in GROUPS}
        cells[kata.slug] = 0
        try:
            result = grade_kata(
                kata,
                impl_file=kata.stub_path(repo),
                visible_tests=kata.visible_tests_path(root),
                hidden_tests=hidden,
                groups=list(GROUPS),
                time_limit=time_limit,
                sandbox=backend,
            )
        except Exception as exc:  # a repository the grader cannot even start on: zeros and a note
            notes.append(f"{kata.slug}: not graded: {type(exc).__name__}: {exc}")
            progress(f"  {kata.label}: not graded ({type(exc).__name__})")
            row.update(cells)
            continue
        cells.update({f"{kata.slug}_{group}": check.points for group, check in result.checks.items()})
        cells[kata.slug] = result.points
        row.update(cells)
        bad = {c.message.replace(f"{repo}/", "") for c in result.checks.values() if c.status in NOTE_STATUSES}
        if bad:
            notes.append(f"{kata.slug}: " + " / ".join(sorted(bad))[:200])
        progress(f"  {kata.label}: {result.points}/{result.max_points} ({time.monotonic() - started:.1f} s)")
    row["total"] = sum(row[k.slug] for k in katas)
    row["note"] = "; ".join(notes)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader regrade",
        description="Grade a folder of cloned student repositories with this checkout's tests; one CSV row per student.",
    )
    p.add_argument("students", type=Path, metavar="STUDENTS_DIR", help="a folder of cloned student repositories")
    p.add_argument("katas", nargs="*", metavar="SLUG", help="katas to grade (default: all)")
    p.add_argument(
        "--hidden", type=Path, help="folder of hidden tests (default: $CVKATAS_HIDDEN_TESTS or hidden_tests/)"
    )
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the CSV here (default: standard output)")
    p.add_argument(
        "--time-limit", type=float, metavar="SECONDS", help="limit on each kata's grading (default: per kata)"
    )
    p.add_argument(
        "--sandbox",
        choices=[b.value for b in Backend],
        help="where the students' code runs (default: bwrap; none only when asked for, unprotected)",
    )
    p.add_argument(
        "--similarity",
        action="store_true",
        help="flag kata files similar to a baseline or to another student's (needs the teacher extra): "
        "columns in the CSV, copydetect's HTML reports in --similarity-dir; scores unchanged",
    )
    p.add_argument(
        "--similarity-dir",
        type=Path,
        metavar="DIR",
        help=f"where --similarity writes its HTML reports (default: {SIMILARITY_DIR}/)",
    )
    args = p.parse_args(argv)
    if args.similarity_dir and not args.similarity:
        p.error("--similarity-dir goes with --similarity")
    if args.similarity:
        try:
            similarity.require()  # before the grading, which takes minutes
        except similarity.SimilarityUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.USAGE
    reports_dir = args.similarity_dir or Path(SIMILARITY_DIR)
    try:
        backend, note = sandbox.choose(args.sandbox, protect=True)  # grades that count: no silent fallback
    except sandbox.SandboxUnavailable as exc:
        print(f"error: regrade runs students' code in a sandbox: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if note:
        progress(note)

    root = repo_root()
    try:
        katas = registry.select(args.katas)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    hidden = (args.hidden or default_hidden_tests(root)).resolve()
    missing = [k.folder for k in katas if not k.hidden_dir(hidden).is_dir()]
    if missing:
        print(
            f"error: no hidden tests for {', '.join(missing)} in {hidden} (give --hidden DIR: the hidden_tests/ "
            "folder of the private repository)",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    if not args.students.is_dir():
        print(f"error: no folder {args.students}", file=sys.stderr)
        return ExitCode.USAGE
    if args.csv and not args.csv.parent.is_dir():  # found out now, not after the grading
        print(f"error: no folder {args.csv.parent} to write {args.csv.name} in", file=sys.stderr)
        return ExitCode.USAGE
    repos, broken = student_repos(args.students)
    if not repos and not broken:
        print(f"error: no student repositories (folders holding exercises/) in {args.students}", file=sys.stderr)
        return ExitCode.USAGE

    rows = [
        empty_row(b.name, katas, "no exercises/ folder: not a CV Katas repository, or a broken clone") for b in broken
    ]
    for b in broken:
        progress(f"{b.name}: no exercises/ folder: 0 points")
    # Blank until graded: what the CSV says of the students Ctrl-C leaves ungraded.
    pending = [empty_row(repo.name, katas, NOT_GRADED, score="") for repo in repos]
    rows += pending
    interrupted = False
    try:
        for i, (repo, row) in enumerate(zip(repos, pending), start=1):
            progress(f"[{i}/{len(repos)}] {repo.name}")
            grade_student(row, repo, root, hidden, katas, args.time_limit, backend)
            progress(f"  total {row['total']}/{row['max']}")
    except KeyboardInterrupt:
        interrupted = True
        graded = sum(row["total"] != "" for row in pending)
        progress(f"\ninterrupted: {graded} of {len(repos)} students graded; the others' scores are left blank")
    rows.sort(key=lambda r: r["student"])

    fields = header(katas)
    detections = []
    if args.similarity and not interrupted:
        try:
            detections = similarity.detect(katas, [(repo.name, repo) for repo in repos], root)
        except KeyboardInterrupt:
            interrupted = True
            progress("interrupted: similarity not measured")
        else:
            extra, cells = similarity.similarity_columns(detections)
            fields += extra
            for row in rows:
                row.update(cells.get(row["student"], {}))

    # The CSV first: the grades took minutes, the reports are a second look.
    if args.csv:
        try:
            files.write_csv(rows, fields, args.csv)
        except OSError as exc:
            print(f"error: cannot write {args.csv}: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        progress(f"wrote {len(rows)} rows to {args.csv}")
    else:
        with streams.reader_may_leave():
            sys.stdout.write(files.csv_text(rows, fields))
    if detections:
        try:
            reports = similarity.write_html(detections, reports_dir)
        except OSError as exc:
            print(f"error: cannot write the similarity reports in {reports_dir}: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        progress(f"similarity: {len(reports)} reports in {reports_dir}")
    return ExitCode.INTERRUPTED if interrupted else ExitCode.OK
