"""``python -m grader dev record [SLUG ...]``: record the answers of the live oracles the hidden tests ask.

The hidden tests of the katas graded against torch ask it through :class:`grader.grading.oracle.Recorded`. This
command grades the reference solutions' hidden tests with every such call asked live and written down
(``CVKATAS_ORACLE=record:DIR``), then writes each kata's answers to ``hidden_tests/NN_slug/oracle.npz``, replacing
what was there: a changed test's old calls go with it. Katas whose hidden tests record nothing are left alone.

The files are a build product of this checkout, like the compiled baselines (``make setup`` records them, and
again when the hidden tests change; git ignores them): several megabytes of float64 answers on the hidden tests'
largest cases, which the repository does not carry. ``export hidden`` ships them to a course's hidden repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader.exits import ExitCode
from grader.grading.oracle import (
    MODE_VARIABLE,
    ORACLE_FILE,
    RECORD,
    asks_recorded_oracle,
    merge_recorded,
    write_answers,
)
from grader.paths import HIDDEN_TESTS
from grader.registry import Kata


def records(root: Path, kata: Kata) -> bool:
    """Whether ``kata``'s hidden tests ask a recorded oracle."""
    return asks_recorded_oracle(kata.hidden_tests_path(root / HIDDEN_TESTS))


def record(root: Path, katas: Sequence[Kata], quiet: bool = False) -> ExitCode:
    """Record the answers of ``katas`` (those that ask a recorded oracle); ``quiet``: one line in all, and the
    grader's report only if the solutions fail."""
    chosen = [k for k in katas if records(root, k)]
    if not chosen:
        print("dev record: none of these katas' hidden tests ask a recorded oracle")
        return ExitCode.OK
    with tempfile.TemporaryDirectory(prefix="cvkatas-oracle-") as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "--impl", "solutions", "--only", "hidden", *(k.slug for k in chosen)]
            + ["--quiet"] * quiet,
            cwd=root,
            env={**os.environ, MODE_VARIABLE: RECORD + tmp},
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            text=True,
        )
        if proc.returncode != 0:
            if quiet:
                print(proc.stdout, end="")
            print("dev record: the reference solutions must pass their hidden tests; nothing was written")
            return ExitCode.FAILED
        written = []
        for kata in chosen:
            folder = kata.hidden_dir(root / HIDDEN_TESTS)
            answers = merge_recorded(Path(tmp) / folder.name)
            target = folder / ORACLE_FILE
            write_answers(target, answers)
            written.append((target, len(answers)))
    if quiet:
        total = sum(t.stat().st_size for t, _ in written) / 2**20
        print(f"  {sum(c for _, c in written)} answers for {len(written)} katas ({total:.1f} MiB, git-ignored)")
    else:
        for target, count in written:
            size = target.stat().st_size / 1024
            print(f"wrote: {target.relative_to(root).as_posix()} ({count} answers, {size:.0f} KiB)")
    return ExitCode.OK
