"""The exit codes of every ``python -m grader`` command, defined once."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # the command ran and found something wrong: a failing check, a stale stub, an unreadable hint
    USAGE = 2  # nothing was done: a usage or setup error
    INTERRUPTED = 130  # stopped by Ctrl-C (128 + SIGINT, as a shell reports it); what was done is written
