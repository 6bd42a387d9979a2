"""Starts a thread that burns CPU, so the baseline (timed in the same process) looks slower."""

import threading

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = (
    "iou",
    ("visible", "hidden", "speed"),
    "imports threading (it runs work beside the submission's one thread",
)


def _burn():
    while True:
        sum(range(1000))


threading.Thread(target=_burn, daemon=True).start()
