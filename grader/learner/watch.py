"""``python -m grader watch [SLUG]`` (``make watch``): re-run a kata's visible tests each time one of its files
is saved, and say what to do next.

It starts on SLUG, or on the first kata that is not passing yet, then follows whichever kata's file is saved.
The tests run in a subprocess of their own (``python -m pytest exercises/NN_slug``) under a time limit, so a
submission that crashes, exits or hangs costs one run, never the watcher; saving the kata's file again while
its tests run cancels that run and starts a new one (a file saved for another kata waits its turn). File
events come from the operating system through watchfiles; nothing polls the files.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from grader import registry
from grader.exits import ExitCode
from grader.grading.outcomes import error_lines, one_line, tests_status
from grader.grading.process import kill_group, signal_name
from grader.learner import progress, state
from grader.learner.progress import Stage
from grader.paths import CHECKOUT, repo_root
from grader.registry import Kata
from grader.reports.console import pytest_command
from grader.results import Status

MESSAGE_LIMIT = 200  # characters of a failure message: one terminal line, give or take
DEBOUNCE_MS = 200  # editors save in bursts (write a temporary file, rename it): one run per save
POLL_MS = 100  # how often a run going on is looked at (and how soon the watcher says it is watching)


@dataclass
class Run:
    kata: Kata
    passed: int = 0
    total: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (test, one-line message)
    error: str | None = None  # the tests could not run: collection error, time limit, crash
    missing: bool = False  # the kata's file is not there
    seconds: float = 0.0

    @property
    def status(self) -> Status:
        return tests_status(self.passed, self.total, (m for _, m in self.failures), completed=self.error is None)

    @property
    def not_started(self) -> bool:
        return self.status == Status.NOT_STARTED

    @property
    def ok(self) -> bool:
        return self.status == Status.PASSED


def _one_line(text: str | None) -> str:
    return one_line(text, MESSAGE_LIMIT)


def _collection_error(text: str) -> str:
    """The ``E   SomeError: ...`` line of a collection traceback, with the file and line when given."""
    e_lines = error_lines(text)
    if not e_lines:
        return _one_line(text)
    message = e_lines[-1]
    for ln in e_lines:
        where = re.match(r'File "(.+)", line (\d+)', ln)
        if where:
            message += f" ({os.path.basename(where.group(1))}, line {where.group(2)})"
            break
    return _one_line(message)


def parse_junit(path: Path, run: Run) -> Run:
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None and problem is None:
            continue
        if problem is not None and problem.get("message") == "collection failure":
            run.error = f"the tests could not be collected: {_collection_error(problem.text)}"
            continue
        if problem is not None and problem.get("message") == "internal error":
            lines = [ln.strip() for ln in (problem.text or "").splitlines() if ln.strip()]
            last = _one_line(lines[-1]) if lines else "unknown"
            run.error = f"the test run stopped: {last} (sys.exit in the submission?)"
            continue
        run.total += 1
        if problem is None:
            run.passed += 1
        else:
            run.failures.append((case.get("name", "?"), _one_line(problem.get("message") or problem.text or "")))
    return run


class Check:
    """One run of a kata's visible tests, in a subprocess of its own (as ``.venv/bin/pytest exercises/NN_slug``
    would run them) under a time limit. It starts at once and is then polled, so that saving the kata's file
    again can cancel it: a fix saved while a hung run is going runs straight away."""

    def __init__(self, root: Path, kata: Kata, time_limit: float | None = None):
        self.kata = kata
        self.run = Run(kata)
        self.proc: subprocess.Popen | None = None
        self.stamp = time.strftime("%H:%M:%S")
        if not kata.stub_path(root).is_file():
            self.run.error, self.run.missing = f"no file {kata.stub_path(CHECKOUT).as_posix()}", True
            return
        folder = kata.exercise_dir(root)
        self.limit = time_limit or max(60.0, 2 * kata.test_timeout)
        self.started = time.monotonic()
        self._tmp = tempfile.TemporaryDirectory(prefix="cvkatas-watch-")
        self.xml, self.log = Path(self._tmp.name) / "report.xml", Path(self._tmp.name) / "output.txt"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            str(folder),
            "-q",
            "-c",
            os.devnull,
            "--rootdir",
            str(folder),  # not the repository's pytest configuration
            "--confcutdir",  # or pytest lists every directory from / down to the folder before collecting
            str(folder),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "timeout",
            f"--timeout={kata.test_timeout:g}",
            f"--junitxml={self.xml}",
        ]
        # No bytecode files: nothing the run writes under exercises/ may look like a save.
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTEST_ADDOPTS", None)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # so a kill reaches anything the submission started
            )

    def poll(self) -> Run | None:
        """The run's outcome once it has ended (or run past its limit, and was stopped); None while it runs."""
        if self.proc is None:
            return self.run
        code = self.proc.poll()
        if code is None and time.monotonic() - self.started < self.limit:
            return None
        self._stop()  # a time-out, or anything the submission left running
        if code is None:
            self.run.error = f"stopped after {self.limit:g} s: the tests did not finish (an endless loop?)"
        else:
            self._read(code)
        self._tmp.cleanup()
        self.proc = None
        return self.run

    def wait(self) -> Run:
        """Wait for the outcome (Ctrl-C meanwhile stops the run too)."""
        try:
            while (run := self.poll()) is None:
                try:
                    self.proc.wait(timeout=max(0.0, self.limit - (time.monotonic() - self.started)))
                except subprocess.TimeoutExpired:
                    pass
        except BaseException:
            self.cancel()
            raise
        return run

    def cancel(self) -> None:
        """Stop the run, leaving nothing behind: its outcome will not be read."""
        if self.proc is not None:
            self._stop()
            self._tmp.cleanup()
            self.proc = None

    def _stop(self) -> None:
        kill_group(self.proc)
        self.proc.wait()

    def _read(self, code: int) -> None:
        run = self.run
        run.seconds = time.monotonic() - self.started
        if self.xml.is_file():
            try:
                parse_junit(self.xml, run)
            except ET.ParseError:
                run.error = "the test report was unreadable (did the submission exit the test process?)"
        if run.error is None and run.total == 0:
            tail = _tail(self.log).strip().splitlines()[-3:]
            detail = " | ".join(t.strip()[:160] for t in tail) or "no output"
            if code < 0:
                run.error = f"the test process was killed by {signal_name(-code)}"
            elif not self.xml.is_file():
                run.error = (
                    f"the test process ended with exit code {code} before reporting "
                    f"(sys.exit or os._exit in the submission?): {detail}"
                )
            else:
                run.error = f"no test ran (pytest exit code {code}): {detail}"


def run_visible(root: Path, kata: Kata, time_limit: float | None = None) -> Run:
    """Run the kata's visible tests in a subprocess and wait for the outcome."""
    return Check(root, kata, time_limit).wait()


def _tail(path: Path, size: int = 4096) -> str:
    with open(path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - size))
        return f.read().decode("utf-8", "replace")


def summary(run: Run) -> str:
    """``02 nms: 3/5 visible tests pass; first failure: ...``"""
    k = run.kata
    if run.error:
        return f"{k.label}: {run.error}"
    if run.not_started:
        return f"{k.label}: not started (0/{run.total} visible tests pass: every function raises NotImplementedError)"
    line = f"{k.label}: {run.passed}/{run.total} visible tests pass"
    if run.failures:
        test, message = run.failures[0]
        line += f"; first failure: {test}: {message}"
    return line


def advice(root: Path, run: Run) -> str:
    k = run.kata
    file = k.stub_path(CHECKOUT).as_posix()
    folder = k.exercise_dir(CHECKOUT).as_posix()
    if run.missing:
        return f"restore it with `git checkout -- {file}` (its tests run again when it is back)"
    if run.error:
        return f"fix this in {file} and save again (`{pytest_command(folder, '-x')}` shows it in full)"
    if run.not_started:
        return f"read {k.readme_path(CHECKOUT).as_posix()}, implement {', '.join(k.functions)} in {file}, and save"
    if run.failures:
        return (
            f"fix {run.failures[0][0]} and save again (`{pytest_command(folder, '-x')}` shows it in full; "
            f"stuck? `python -m grader hint {k.slug}`)"
        )
    # The visible tests pass: what the last grade of this very file says decides the rest.
    try:
        now = {ks.kata.slug: ks for ks in progress.states(root)}
    except state.StateError:
        now = {}
    ks = now.get(k.slug)
    if ks is None or ks.state not in progress.DONE:
        return f"now run `make grade EX={k.slug}` (hidden tests and speed)"
    if ks.state == Stage.PASSING:
        return f"correct but too slow ({ks.detail}): speed it up, save, then `make grade EX={k.slug}`"
    pick = progress.suggest(list(now.values()))
    if pick is None:
        return "every kata is done and fast enough: well done"
    return f"{k.label} is done: move on to {pick.kata.label} (save {pick.file} to test it here)"


def first_kata(root: Path) -> Kata | None:
    """The first kata that is not passing yet (None when all are)."""
    try:
        all_states = progress.states(root)
    except state.StateError:
        all_states = progress.states(root, last={})
    for ks in all_states:
        if ks.state not in progress.DONE:
            return ks.kata
    return None


def kata_of(path: str, exercises: Path) -> Kata | None:
    """The kata whose folder holds ``path`` directly, if it is a Python file."""
    p = Path(path)
    if p.suffix != ".py":
        return None
    try:
        folder = p.parent.resolve().relative_to(exercises.resolve())
    except ValueError:
        return None
    if len(folder.parts) != 1:
        return None
    for kata in registry.KATAS:
        if kata.folder == folder.parts[0]:
            return kata
    return None


def _start(kata: Kata, root: Path) -> Check:
    check = Check(root, kata)
    if sys.stdout.isatty():
        print(f"[{check.stamp}] running {kata.label} ...", end="\r", flush=True)
    return check


def _report(root: Path, check: Check, run: Run) -> None:
    print(f"[{check.stamp}] {summary(run)}")
    print(f"           next: {advice(root, run)}", flush=True)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader watch",
        description="Re-run a kata's visible tests every time one of its files in exercises/ is saved. "
        "Starts on SLUG, or on the first kata not passing yet. Ctrl-C stops.",
    )
    p.add_argument("kata", nargs="?", metavar="SLUG", help="kata to start on (default: the first not passing)")
    p.add_argument(
        "--debounce",
        type=int,
        default=DEBOUNCE_MS,
        metavar="MS",
        help=f"wait this long for a burst of saves to settle (default {DEBOUNCE_MS} ms)",
    )
    p.add_argument("--max-runs", type=int, metavar="N", help=argparse.SUPPRESS)  # stop after N runs (tests)
    args = p.parse_args(argv)
    if args.debounce < 0 or (args.max_runs is not None and args.max_runs < 1):
        p.error("--debounce must be >= 0 and --max-runs >= 1")

    root = repo_root()
    exercises = root / "exercises"
    if not exercises.is_dir():
        print(f"error: no exercises/ folder in {root}; run this from the repository's root", file=sys.stderr)
        return ExitCode.USAGE
    try:
        start = registry.find(args.kata) if args.kata else first_kata(root)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        from watchfiles import watch
    except ImportError:
        print("error: watchfiles is not installed; run `make setup` (or `pip install watchfiles`)", file=sys.stderr)
        return ExitCode.USAGE

    runs = 0
    current: Check | None = None  # the run going on, at most one
    waiting: list[Kata] = []  # katas saved meanwhile, to run next
    announced = False
    try:
        if start is None:
            print("every kata passes its tests; save any kata's file to re-run its tests")
        else:
            current = _start(start, root)
        for changes in watch(
            exercises,
            debounce=args.debounce,
            step=50,
            rust_timeout=POLL_MS,
            yield_on_timeout=True,
        ):
            # Each yield (a change, or POLL_MS without one) is a chance to read the run going on; the first
            # also means that the operating system's watch is in place.
            changed = sorted({kata_of(path, exercises) for _, path in changes} - {None}, key=lambda k: k.number)
            if current is not None and current.kata in changed:
                current.cancel()  # its outcome would be about a file that is no more
                now = time.strftime("%H:%M:%S")
                print(
                    f"[{now}] {current.kata.label}: saved again while its tests ran: that run is cancelled", flush=True
                )
                current = None
            waiting += [k for k in changed if k not in waiting]
            if current is not None:
                run = current.poll()
                if run is None:
                    continue
                _report(root, current, run)
                current = None
                runs += 1
                if args.max_runs is not None and runs >= args.max_runs:
                    return ExitCode.OK
            if not announced:
                announced = True
                print("watching exercises/ (save a kata's file to re-run its tests; Ctrl-C to stop)", flush=True)
            if waiting:
                current = _start(waiting.pop(0), root)
    except KeyboardInterrupt:
        pass
    finally:
        if current is not None:
            current.cancel()
    print("\nstopped watching", flush=True)
    return ExitCode.OK
