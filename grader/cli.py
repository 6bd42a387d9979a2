"""Command line: ``python -m grader [SLUG ...] [options]`` grades; ``python -m grader stubs`` regenerates stubs."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.grading import sandbox
from grader.grading.sandbox import Backend
from grader.paths import default_hidden_tests, repo_root
from grader.reports import streams
from grader.reports.streams import progress
from grader.results import CheckResult, KataResult, Status

INTERRUPTED = "interrupted: grading was stopped (Ctrl-C) before this check finished"
NOT_GRADED = "not graded: grading was stopped (Ctrl-C) before this kata"


def _grade_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grade the katas: visible tests, hidden tests, and speed against a compiled baseline.",
        epilog="Other commands: `python -m grader stubs [--check]` regenerates the exercise stubs from the solutions.",
    )
    p.add_argument(
        "katas",
        nargs="*",
        metavar="SLUG",
        help=f"katas to grade (default: all): {', '.join(k.slug for k in registry.KATAS)}",
    )
    p.add_argument(
        "--impl", default="exercises", help="exercises (default), solutions, or a folder laid out like exercises/"
    )
    p.add_argument("--only", choices=registry.GROUPS, help="grade one check group only")
    p.add_argument(
        "--hidden", type=Path, help="folder of hidden tests (default: $CVKATAS_HIDDEN_TESTS or hidden_tests/)"
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    p.add_argument("--junit", type=Path, metavar="FILE", help="write the results as JUnit XML")
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="limit on each kata's grading (default: per kata, from the registry)",
    )
    p.add_argument(
        "--test-timeout",
        type=float,
        metavar="SECONDS",
        help="limit on any one test; a group stops at its first timeout (default: per kata, from the registry)",
    )
    p.add_argument(
        "--exitfirst",
        action="store_true",
        help="stop each group of tests at its first failure (faster; counts only the tests run)",
    )
    p.add_argument(
        "--sandbox",
        choices=[b.value for b in Backend],
        help="where the submission's code runs (default: bwrap where it works, else none, unprotected)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="profile a too-slow kata to show where its time goes (default for exercises/)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def _numba_cache_cold(kata: registry.Kata) -> bool:
    """True when the kata's numba baseline has not been compiled into numba's on-disk cache yet."""
    if kata.baseline_kind != "numba":
        return False
    cache = Path(__file__).resolve().parent / "baselines" / "__pycache__"
    return not any(cache.glob(f"{kata.slug}.*.nbi"))


def _unfinished(kata: registry.Kata, groups: list[str], impl_root: Path, message: str) -> KataResult:
    """A kata that Ctrl-C left ungraded: every check an error worth 0, so that no report passes it for graded."""
    checks = {g: CheckResult(g, Status.ERROR, message, 0, kata.points.of(g)) for g in groups}
    return KataResult(kata, checks, str(kata.impl_path(impl_root)))


def grade(argv: list[str]) -> int:
    from grader.grading.runner import grade_kata
    from grader.reports import console as report
    from grader.reports import files

    args = _grade_parser().parse_args(argv)
    root = repo_root()
    try:
        katas = registry.select(args.katas)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    impl_root = root / args.impl if args.impl in ("exercises", "solutions") else Path(args.impl)
    if not impl_root.is_dir():
        print(f"error: no folder {impl_root} to grade (--impl takes exercises, solutions or a folder)", file=sys.stderr)
        return ExitCode.USAGE
    hidden = args.hidden or default_hidden_tests(root)
    groups = [args.only] if args.only else list(registry.GROUPS)
    try:
        backend, sandbox_note = sandbox.choose(args.sandbox, protect=False)
    except sandbox.SandboxUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if sandbox_note:
        progress(sandbox_note)

    results = []
    try:
        for i, kata in enumerate(katas, start=1):
            if not args.quiet:
                note = " (first run: compiling its numba baseline, a few seconds)" if _numba_cache_cold(kata) else ""
                progress(f"[{i}/{len(katas)}] grading {kata.label}{note} ...", end="")
            result = grade_kata(
                kata,
                impl_file=kata.impl_path(impl_root.resolve()),
                visible_tests=kata.visible_tests_path(root),
                hidden_tests=hidden.resolve(),
                groups=groups,
                time_limit=args.time_limit,
                test_timeout=args.test_timeout,
                exitfirst=args.exitfirst,
                sandbox=backend,
                # Where a too-slow kata's time goes: advice for the learner's own work, not for batch grading.
                explain=args.explain or impl_root.resolve() == (root / "exercises").resolve(),
            )
            results.append(result)
            if not args.quiet:
                progress(f" {result.points}/{result.max_points} ({result.seconds:.1f} s)")
    except KeyboardInterrupt:
        pass  # the katas graded so far are reported; the others are reported as not graded
    graded = list(results)
    interrupted = len(graded) < len(katas)
    if interrupted:
        progress(("" if args.quiet else "\n") + f"interrupted: {len(graded)} of {len(katas)} katas graded")
        results += [
            _unfinished(kata, groups, impl_root.resolve(), INTERRUPTED if i == 0 else NOT_GRADED)
            for i, kata in enumerate(katas[len(graded) :])
        ]

    # The files first: they are what a CI step or a teacher keeps, and printing may fail (a closed pipe).
    unwritten = []
    for path, write in ((args.json, files.write_json), (args.junit, files.write_junit)):
        if path:
            try:
                write(results, path)
            except OSError as exc:
                unwritten.append(f"error: cannot write {path}: {exc}")
    unrecorded = None
    if impl_root.resolve() == (root / "exercises").resolve() and graded:
        from grader.learner import state  # the learner's own work: remembered for `python -m grader list`

        try:
            state.save(graded, root)
        except OSError as exc:
            unrecorded = f"note: could not record this grade in {state.state_dir(root)}: {exc}"
    with streams.reader_may_leave():
        print(report.table(results))
        steps = report.next_steps(graded, Path("exercises") if args.impl == "exercises" else impl_root)
        if steps:
            print("\n" + steps)
    for line in (*unwritten, unrecorded):
        if line:
            progress(line)
    if interrupted:
        return ExitCode.INTERRUPTED
    setup_errors = [r.setup_error for r in results if r.setup_error]
    if setup_errors:
        progress(f"\nsetup error: {setup_errors[0]}\nrun `make grade` (it reinstalls what is missing)")
        return ExitCode.USAGE
    if unwritten:
        return ExitCode.USAGE
    return ExitCode.OK if all(r.ok for r in results) else ExitCode.FAILED


def stubs(argv: list[str]) -> int:
    from grader.stubs import StubError, sync

    p = argparse.ArgumentParser(
        prog="python -m grader stubs", description="Generate exercises/*/ stubs from solutions/."
    )
    p.add_argument("katas", nargs="*", metavar="SLUG")
    p.add_argument("--check", action="store_true", help="only report stubs that are out of date (exit 1 if any)")
    args = p.parse_args(argv)
    try:
        stale = sync(repo_root(), registry.select(args.katas), check=args.check)
    except (registry.UnknownKata, StubError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    if args.check and stale:
        print("run `python -m grader stubs` to regenerate them", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK


def _delegate(module: str):
    """A command implemented by ``grader.<module>.main(argv) -> exit code``, imported only when used."""

    def run(argv: list[str]) -> int:
        import importlib

        return importlib.import_module(f"grader.{module}").main(argv)

    return run


COMMANDS = {
    "stubs": stubs,
    "list": _delegate("learner.progress"),
    "hint": _delegate("learner.hints"),
    "watch": _delegate("learner.watch"),
    "mock": _delegate("learner.mock"),
    "debrief": _delegate("learner.debrief"),
    "export": _delegate("teacher.export"),
    "regrade": _delegate("teacher.regrade"),
    "regrade-shard": _delegate("teacher.shards"),
    "regrade-merge": _delegate("teacher.merge"),
    "notebooks": _delegate("teacher.notebooks"),
    "summary": _delegate("teacher.summary"),
    "classroom-check": _delegate("teacher.dry_run"),
    "dev": _delegate("dev.commands"),
}


def _run(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    return grade(argv)


def main(argv: list[str] | None = None) -> int:
    """Run a command; a reader leaving early (`| head`) and Ctrl-C end it quietly, never with a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        # Paths and names the grader did not choose (a folder named in Latin-1) are shown escaped, not fatal.
        sys.stdout.reconfigure(errors="backslashreplace")
    code = ExitCode.OK  # a reader that left early read what it wanted: not an error
    try:
        with streams.reader_may_leave():
            code = _run(argv)
    except KeyboardInterrupt:
        progress("\ninterrupted")
        return ExitCode.INTERRUPTED
    return code
