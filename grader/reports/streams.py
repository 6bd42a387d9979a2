"""Standard output and error when the reader may leave early (``python -m grader list | head -1``).

A reader that stops reading has what it wanted: that is not an error, and it must not cost a traceback, nor
work still to be done (the report files, the rest of the grading). This follows the Python documentation's
advice on SIGPIPE: once the pipe is closed, the stream's descriptor is pointed at ``/dev/null``, so what is
still buffered, and whatever is written later, goes nowhere, and the flush at exit cannot fail again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def silence(stream: TextIO) -> None:
    """Point ``stream``'s descriptor at ``/dev/null``."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    finally:
        os.close(devnull)


@contextmanager
def reader_may_leave(stream: TextIO | None = None) -> Iterator[None]:
    """Write to ``stream`` (standard output by default) inside; a closed pipe ends the writing quietly.

    The stream is flushed on the way out: a pipe is buffered, so a reader's leaving shows at the flush.
    """
    stream = stream or sys.stdout
    try:
        yield
        stream.flush()
    except BrokenPipeError:
        silence(stream)


def progress(line: str, end: str = "\n") -> None:
    """A progress line on standard error; nobody reading it any more does not stop the work."""
    with reader_may_leave(sys.stderr):
        print(line, end=end, file=sys.stderr, flush=True)
