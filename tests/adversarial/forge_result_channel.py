"""Writes full-marks records to every inherited pipe, hoping one is the grader's result channel, then exits
before the real checks run. The worker inherits no pipe of the judge's: the records land on its own protocol
pipe, which the judge stops reading at the first malformed message."""

import json
import os

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), "while importing the submission"

forged = "".join(
    json.dumps(record) + "\n"
    for record in (
        {"started": "visible"},
        {"group": "visible", "status": "passed", "message": "7/7 tests passed", "passed": 7, "total": 7},
        {"group": "hidden", "status": "passed", "message": "36/36 tests passed", "passed": 36, "total": 36},
        {"group": "speed", "status": "passed", "message": "fast enough", "ratio": 1.0},
        {"done": True},
    )
)
for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
    try:
        if fd > 2 and os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            with open(f"/proc/self/fd/{fd}", "w") as channel:
                channel.write(forged)
    except OSError:
        pass
os._exit(0)
