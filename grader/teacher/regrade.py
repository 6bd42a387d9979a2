"""``python -m grader regrade STUDENTS_DIR [--hidden DIR] [--csv FILE] [--jobs N] [--shard K/N] [SLUG ...]``: a
course's scores, locally.

Every folder of STUDENTS_DIR gets a row. A folder holding an ``exercises/`` folder is a cloned student
repository; any other folder (a broken clone, a stray folder) gets zeros and a note saying so. Only the
student's kata files are taken from a repository: they are graded with this checkout's grader, visible tests
and the hidden tests, never the student's copies (a student may have edited tests, grader or workflow). One CSV
row per student: points per kata and check group, the total, the maximum, and a note on anything broken, in a
fixed column order; ``--reports DIR`` also writes each student's report, every check with its message, as
the JSON of ``make grade --json``. Students' code runs in the bwrap sandbox (``--sandbox docker|podman``
where it cannot; ``none`` only when asked for). A broken repository scores 0 where it is broken and is noted;
it never stops the run. ``--similarity`` adds columns (:mod:`grader.teacher.similarity`) and writes
copydetect's reports; it changes no score.

``--jobs N`` grades the visible and hidden tests of N students at once, each on a core of its own, then times
the speed checks one at a time with nothing else of the regrade running, so that a speed verdict does not
depend on N (:func:`grade_student` says how the speed rule applies to checks graded apart). ``--shard K/N`` grades only the K-th of N shares of the folders (:mod:`grader.teacher.shards`):
the shards' CSVs merged (``regrade-merge``) are the CSV of one regrade of them all.

Ctrl-C stops the run and still writes the CSV: the students graded so far, the one being graded with the
katas it finished, the others with blank scores and a note.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.grading import sandbox, zygote
from grader.grading.sandbox import Backend
from grader.paths import default_hidden_tests, repo_root
from grader.registry import GROUPS, Kata
from grader.reports import files, streams
from grader.reports.streams import progress
from grader.results import CheckResult, KataResult, Status
from grader.teacher import shards, similarity

NOTE_STATUSES = (Status.ERROR, Status.UNAVAILABLE)  # a failing or unstarted kata is a score, not a note
NOT_GRADED = "not graded: the regrade was interrupted"
NOT_A_CLONE = "no exercises/ folder: not a CV Katas repository, or a broken clone"
NOT_A_REPOSITORY = "not a student repository: no exercises/ folder and no .git"
SPEED_NOT_GRADED = "interrupted before its speed checks: speed not graded"
SIMILARITY_DIR = "similarity"  # --similarity's reports, in the current folder
SPEED = "speed"
CORRECTNESS = tuple(g for g in GROUPS if g != SPEED)  # graded side by side under --jobs; speed never is


class NotStudentsFolder(ValueError):
    pass


def student_folders(folder: Path) -> list[Path]:
    """Every folder of ``folder`` but hidden ones (``.git``), by name: each is a student's row."""
    if (folder / "exercises").is_dir():
        raise NotStudentsFolder(
            f"{folder} is a student repository itself: give the folder that holds the students' repositories"
        )
    return sorted(item for item in folder.iterdir() if item.is_dir() and not item.name.startswith("."))


def not_a_repository(item: Path) -> str | None:
    """Why ``item`` is not a student repository, or None when it is one."""
    if (item / "exercises").is_dir():
        return None
    return NOT_A_CLONE if (item / ".git").exists() else NOT_A_REPOSITORY


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


@dataclass
class Student:
    """One student repository's row, filled in kata by kata and group by group (blank until graded)."""

    repo: Path
    katas: list[Kata]
    row: dict = field(init=False)
    problems: dict[str, set[str]] = field(default_factory=dict)  # kata slug: messages of its broken checks
    crashed: dict[str, str] = field(default_factory=dict)  # kata slug: why the grader could not start on it
    correct: set[str] = field(default_factory=set)  # kata slugs whose visible and hidden tests all passed
    results: dict[str, KataResult] = field(default_factory=dict)  # kata slug: every check graded so far

    def __post_init__(self):
        self.row = empty_row(self.repo.name, self.katas, NOT_GRADED, score="")

    def note(self, stopped_at: str | None = None) -> str:
        """The note, kata by kata in the registry's order (whatever order the groups were graded in)."""
        notes = []
        for kata in self.katas:
            if kata.slug in self.crashed:
                notes.append(f"{kata.slug}: {self.crashed[kata.slug]}")
            elif self.problems.get(kata.slug):
                notes.append(f"{kata.slug}: " + " / ".join(sorted(self.problems[kata.slug]))[:200])
        if stopped_at:
            notes.append(stopped_at)
        return "; ".join(notes)

    def record(self, kata: Kata, result: KataResult) -> None:
        cells = {f"{kata.slug}_{group}": check.points for group, check in result.checks.items()}
        self.row.update(cells)
        prefix = f"{self.repo}/"
        bad = {c.message.replace(prefix, "") for c in result.checks.values() if c.status in NOTE_STATUSES}
        self.problems.setdefault(kata.slug, set()).update(bad)
        if all(result.checks[g].status == Status.PASSED for g in CORRECTNESS if g in result.checks):
            self.correct.add(kata.slug)
        self._keep(kata, result.checks, result)
        self._add_up(kata)

    def not_timed(self, kata: Kata) -> None:
        """The speed check of a kata whose tests did not all pass: 0 points, and nothing to note."""
        self.row[f"{kata.slug}_{SPEED}"] = 0
        message = "not timed: the visible and hidden tests must pass first"
        self._keep(kata, {SPEED: CheckResult(SPEED, Status.SKIPPED, message, 0, kata.points.of(SPEED))})
        self._add_up(kata)

    def _keep(self, kata: Kata, checks: dict[str, CheckResult], result: KataResult | None = None) -> None:
        """Add ``checks`` to the kata's result for the reports (the speed checks of --jobs come apart)."""
        kept = self.results.setdefault(kata.slug, result or KataResult(kata, {}, str(kata.stub_path(self.repo))))
        merged = {**kept.checks, **checks}
        kept.checks = {g: merged[g] for g in GROUPS if g in merged}

    def _add_up(self, kata: Kata) -> None:
        groups = [self.row[f"{kata.slug}_{g}"] for g in GROUPS]
        if all(isinstance(points, int) for points in groups):  # every group graded: the kata's points
            self.row[kata.slug] = sum(groups)

    def record_crash(self, kata: Kata, exc: Exception) -> None:
        self.crashed[kata.slug] = f"not graded: {type(exc).__name__}: {exc}"
        self.row.update({f"{kata.slug}_{g}": 0 for g in GROUPS})
        self.row[kata.slug] = 0
        why = self.crashed[kata.slug]
        self._keep(kata, {g: CheckResult(g, Status.ERROR, why, 0, kata.points.of(g)) for g in GROUPS})

    def finish(self) -> None:
        self.row["total"] = sum(self.row[k.slug] for k in self.katas)
        self.row["note"] = self.note()


@dataclass
class Grading:
    """What every student is graded with."""

    root: Path
    hidden: Path
    katas: list[Kata]
    time_limit: float | None
    backend: Backend
    stop: threading.Event = field(default_factory=threading.Event)  # set by Ctrl-C under --jobs


def grade_student(student: Student, how: Grading, groups: tuple[str, ...] = GROUPS, label: str = "  ") -> None:
    """Grade ``groups`` of ``student``'s katas into its row (its other groups are left as they are).

    The speed checks graded on their own (``groups`` is speed alone, after the other groups) follow the speed
    rule (README, "How grading works": timed only once the visible and the hidden tests pass) on what the
    other groups found: a kata whose tests did not all pass is not timed, and one whose tests passed is timed
    with its visible tests alone as the judge's gate, the hidden tests having passed already (the judge runs
    a speed check's gate tests again, and the hidden tests are the slow ones).

    Ctrl-C is not caught here: it leaves the row with the katas graded so far and a note of where it stopped.
    """
    from grader.grading.runner import grade_kata

    if how.stop.is_set():  # Ctrl-C before this student's turn: the row stays "not graded"
        return
    for kata in how.katas:
        if kata.slug in student.crashed:
            continue
        student.row["note"] = student.note(f"interrupted while grading {kata.slug}: not graded from there on")
        if how.stop.is_set():
            return
        speed_alone = groups == (SPEED,)
        if speed_alone and kata.slug not in student.correct:
            student.not_timed(kata)
            progress(f"{label}{kata.label}: 0/{kata.points.of(SPEED)} (not timed: its tests did not all pass)")
            continue
        started = time.monotonic()
        try:
            result = grade_kata(
                kata,
                impl_file=kata.stub_path(student.repo),
                visible_tests=kata.visible_tests_path(how.root),
                hidden_tests=None if speed_alone else how.hidden,
                groups=list(groups),
                time_limit=how.time_limit,
                sandbox=how.backend,
            )
        except Exception as exc:  # a repository the grader cannot even start on: zeros and a note
            student.record_crash(kata, exc)
            progress(f"{label}{kata.label}: not graded ({type(exc).__name__})")
            continue
        if how.stop.is_set():  # stopped by Ctrl-C, which killed it: not a verdict on the student's code
            return
        student.record(kata, result)
        points = sum(c.points for c in result.checks.values())
        most = sum(c.max_points for c in result.checks.values())
        progress(f"{label}{kata.label}: {points}/{most} ({time.monotonic() - started:.1f} s)")
    student.row["note"] = student.note()


def grade_one_by_one(students: list[Student], how: Grading, numbers: dict[str, str]) -> None:
    for student in students:
        progress(f"{numbers[student.row['student']]} {student.row['student']}")
        grade_student(student, how)
        student.finish()
        progress(f"  total {student.row['total']}/{student.row['max']}")


def _pin_thread(cpus: list[int], counter: itertools.count) -> None:
    """Pin this grading thread to a core of its own: the judge pins itself to the highest core it may use,
    so without this every judge started side by side would share one core."""
    os.sched_setaffinity(0, {cpus[next(counter) % len(cpus)]})  # 0: this thread, whose children inherit it


def grade_side_by_side(students: list[Student], how: Grading, numbers: dict[str, str], jobs: int) -> None:
    """The visible and hidden tests of ``jobs`` students at once, then every speed check one at a time."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_setaffinity") else []
    pool = futures.ThreadPoolExecutor(
        max_workers=jobs,
        thread_name_prefix="regrade",
        initializer=_pin_thread if cpus else None,
        initargs=(cpus, itertools.count()) if cpus else (),
    )

    checked: list[Student] = []  # their visible and hidden tests graded, their speed not yet

    def correctness(student: Student) -> None:
        name = student.row["student"]
        grade_student(student, how, CORRECTNESS, label=f"  {name}: ")
        if not how.stop.is_set():
            checked.append(student)
            progress(f"{numbers[name]} {name}: visible and hidden tests graded")

    pending = {pool.submit(correctness, s) for s in students}
    try:
        while pending:
            done, pending = futures.wait(pending, return_when=futures.FIRST_EXCEPTION)
            for job in done:
                job.result()  # a KeyboardInterrupt raised in a thread stops the run as Ctrl-C does
    except KeyboardInterrupt:
        how.stop.set()
        for job in pending:
            job.cancel()  # the students not started yet
        while pending:  # a judge may start between the two: kill until every thread has returned
            zygote.stop_all()
            _, pending = futures.wait(pending, timeout=0.5)
        for student in checked:
            student.row["note"] = student.note(SPEED_NOT_GRADED)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    progress("speed checks, one at a time:")
    waiting = list(students)
    try:
        for student in students:
            name = student.row["student"]
            grade_student(student, how, (SPEED,), label=f"  {name}: ")
            student.finish()
            waiting.remove(student)
            progress(f"{numbers[name]} {name}: total {student.row['total']}/{student.row['max']}")
    except KeyboardInterrupt:
        for student in waiting[1:]:  # the first was being graded: its note says where it stopped
            student.row["note"] = student.note(SPEED_NOT_GRADED)
        raise


def course_summary(rows: list[dict]) -> str:
    """``summary: 12 students, mean 61.3/70, median 66/70, failures 2 (rows with a note)``."""
    totals = [float(r["total"]) for r in rows if str(r["total"]) != ""]
    most = rows[0]["max"] if rows else 0
    failures = sum(1 for r in rows if r["note"])
    if not totals:
        return f"summary: {len(rows)} students, none graded, failures {failures} (rows with a note)"
    return (
        f"summary: {len(rows)} students, mean {statistics.fmean(totals):.1f}/{most}, "
        f"median {statistics.median(totals):g}/{most}, failures {failures} (rows with a note)"
    )


def write_reports(students: list[Student], katas: list[Kata], folder: Path) -> int:
    """Each graded student's report as ``folder/NAME.json``; the number written."""
    folder.mkdir(exist_ok=True)
    written = 0
    for student in students:
        results = [student.results[k.slug] for k in katas if k.slug in student.results]
        if results:
            files.write_json(results, folder / f"{student.repo.name}.json")
            written += 1
    return written


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"takes a number of students graded at once (1 or more), not {text!r}")
    return n


def _shard(text: str) -> shards.Shard:
    try:
        return shards.Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader regrade",
        description="Grade a folder of cloned student repositories with this checkout's tests; one CSV row per folder.",
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
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="grade the visible and hidden tests of N students at once, then the speed checks one at a time "
        "(default: 1; at most one per core is useful)",
    )
    p.add_argument(
        "--shard",
        type=_shard,
        metavar="K/N",
        help="grade only the K-th of N shares of the folders (merge the shards' CSVs with regrade-merge)",
    )
    p.add_argument(
        "--reports",
        type=Path,
        metavar="DIR",
        help="also write each student's report, every check with its message, as DIR/STUDENT.json "
        "(the JSON of make grade's --json)",
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
    if args.reports and not args.reports.parent.is_dir():
        print(f"error: no folder {args.reports.parent} to write {args.reports.name}/ in", file=sys.stderr)
        return ExitCode.USAGE
    try:
        folders = student_folders(args.students)
    except (NotStudentsFolder, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if args.shard:
        folders = args.shard.select(folders, key=lambda f: f.name)
    if not folders:  # an empty shard, or a course with no clone yet: the CSV still has its header
        progress(f"no student folders in {args.students}{f' (shard {args.shard})' if args.shard else ''}")

    numbers = {f.name: f"[{i}/{len(folders)}]" for i, f in enumerate(folders, start=1)}
    rows, students = [], []
    for item in folders:
        why = not_a_repository(item)
        if why:
            rows.append(empty_row(item.name, katas, why))
            progress(f"{numbers[item.name]} {item.name}: {why}: 0 points")
        else:
            students.append(Student(item, katas))
    # Blank until graded: what the CSV says of the students Ctrl-C leaves ungraded.
    rows += [s.row for s in students]
    how = Grading(root, hidden, katas, args.time_limit, backend)
    interrupted = False
    try:
        if args.jobs > 1 and len(students) > 1:
            grade_side_by_side(students, how, numbers, min(args.jobs, len(students)))
        else:
            grade_one_by_one(students, how, numbers)
    except KeyboardInterrupt:
        interrupted = True
        graded = sum(row["total"] != "" for row in (s.row for s in students))
        progress(f"\ninterrupted: {graded} of {len(students)} students graded; the others' scores are left blank")
    rows.sort(key=lambda r: r["student"])

    fields = header(katas)
    detections = []
    if args.similarity and not interrupted:
        try:
            detections = similarity.detect(katas, [(s.repo.name, s.repo) for s in students], root)
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
    if args.reports:
        try:
            written = write_reports(students, katas, args.reports)
        except OSError as exc:
            print(f"error: cannot write the students' reports in {args.reports}: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        progress(f"wrote {written} students' reports in {args.reports}")
    if detections:
        try:
            reports = similarity.write_html(detections, reports_dir)
        except OSError as exc:
            print(f"error: cannot write the similarity reports in {reports_dir}: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        progress(f"similarity: {len(reports)} reports in {reports_dir}")
    progress(course_summary(rows))
    return ExitCode.INTERRUPTED if interrupted else ExitCode.OK
