"""Where a too-slow submission spends its time: one round of the speed workload under cProfile, in the worker.

When the speed check fails as too slow, the judge runs one more round of the workload, each call sent to the
worker as a ``profile`` request (:mod:`grader.grading.worker`): the worker runs the call under the standard
library's cProfile and sends back the rows of the submission's own functions (name, line, seconds, and the
callee that took most of that time). The judge adds the top rows to the speed check's message, with the
kata README's pitfall or hint about speed:

    too slow: 212.4x the baseline (...); where the time goes (one round under cProfile): box_iou (line 24)
    1.93 s, 1.41 s in its own code, 0.52 s in 90,000 calls to builtins.max; see Hint 2 in exercises/01_iou/README.md

The worker is untrusted, so what it reports is advice and nothing more: the verdict and the score are decided
before the profile runs, the rows are checked, capped and escaped (the check's message is cleaned again on
its way into any report), the run is bounded in time, and the worker is stopped afterwards so that nothing
it does then can change the check's status.
"""

from __future__ import annotations

import re
import secrets
import signal
import time
import types
from pathlib import Path

import numpy as np

from grader.grading import proxy
from grader.paths import CHECKOUT, repo_root
from grader.registry import Kata
from grader.text import MESSAGE_LIMIT

LEAD = "where the time goes"  # the reports split the message here (grader.reports.console)
PROFILE_SECONDS = 2.0  # the worker stops profiling after this long: a slow loop is plain well before
GRACE_SECONDS = 3.0  # how much longer the judge waits for the reply before it stops the worker
ROWS = 3  # functions shown at most
SHOWN_SHARE = 0.02  # a function below this share of the top one's time is left out
NAME_LIMIT = 60  # characters of a function's name


class _OutOfTime(Exception):
    """The judge's own limit on the profile run."""


def explain_slowness(message: str, kata: Kata, baseline, session, stage) -> str:
    """A too-slow speed check's ``message`` followed by ``; where the time goes (...): ...`` and ``; see Hint 2
    in exercises/NN_slug/README.md``, all within the reports' message limit.

    Args:
        message: the speed check's message (its verdict, decided before).
        kata: the kata whose speed check failed as too slow.
        baseline: its baseline module (``make_inputs``, ``run_submission``).
        session: the judge's :class:`~grader.grading.judge.Session`; its worker is stopped afterwards.
        stage: ``(worker, inputs) -> inputs``: hands a round's arrays to the worker (the judge's ``_stage``).
    """
    try:
        collected = _profile(kata, baseline, session, stage)
    except Exception:  # noqa: BLE001  (advice only: a profile that fails adds nothing)
        collected = _Collected()
    finally:
        _retire(session)
    pointer = readme_pointer(kata)
    how = "one round under cProfile" + (f", stopped after {PROFILE_SECONDS:g} s" if collected.stopped else "")
    lead = f"{LEAD} ({how}): "
    room = MESSAGE_LIMIT - len(message) - len(lead) - (len(pointer) + 2 if pointer else 0) - 2
    rows = collected.lines(kata, room)
    parts = [message, *([lead + "; ".join(rows)] if rows else []), *([pointer] if pointer else [])]
    return "; ".join(parts)


def _profile(kata: Kata, baseline, session, stage) -> _Collected:
    """The rows of one profiled round of the workload."""
    collected = _Collected()
    if session.worker is None or (session.stopped_by_judge() and not session.restart()):
        return collected
    worker = session.worker
    if not worker.alive():
        return collected
    deadline = time.monotonic() + PROFILE_SECONDS
    module = types.ModuleType(kata.module, "the submission's functions, each call profiled in its process")
    for name in session.functions:
        setattr(module, name, _Profiled(worker, name, deadline, collected))
    inputs = baseline.make_inputs(np.random.default_rng(secrets.randbits(64)))

    def out_of_time(signum, frame):
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, PROFILE_SECONDS + GRACE_SECONDS)
    try:
        baseline.run_submission(module, stage(worker, inputs))
    except Exception:  # noqa: BLE001  (out of time, the submission raised, its process is gone...)
        pass  # the rows of the calls that did reply are still worth showing
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return collected


def _retire(session) -> None:
    """Stop the worker, as the judge stops one it interrupted: nothing the profile run did (an exit, a crash, an
    import) may change the check's status, which was decided before it."""
    worker = session.worker
    if worker is None:
        return
    violations = list(worker.violations)
    worker.stop(proxy.STOPPED)
    worker.broken = proxy.STOPPED
    worker.violations = violations


class _Profiled:
    """One of the kata's functions: each call is a ``profile`` request, its rows kept in ``collected``."""

    def __init__(self, worker: proxy.WorkerProcess, name: str, deadline: float, collected: _Collected):
        self._worker, self._name, self._deadline, self._collected = worker, name, deadline, collected

    def __call__(self, *args, **kwargs):
        left = self._deadline - time.monotonic()
        if left <= 0.05:
            self._collected.stopped = True
            raise _OutOfTime()
        reply = self._worker.request(
            {
                "op": "profile",
                "function": self._name,
                "args": list(args),
                "kwargs": kwargs,
                "lazy": True,
                "errstate": {k: v for k, v in np.geterr().items() if v in ("ignore", "warn", "raise")},
                "seconds": left,
            }
        )
        self._collected.add(reply.get("profile"))
        if reply.get("stopped") is True:
            self._collected.stopped = True
        if "raised" in reply:
            raise proxy.rebuild_exception(reply["raised"])
        if "value" not in reply:
            raise proxy.WorkerGone("the submission's process sent a malformed reply")
        return reply["value"]


class _Collected:
    """The rows of every profiled call, added up per function. Each row, as the worker sends it:
    ``[name, line, file, calls, seconds, own_seconds, callee, callee_calls, callee_seconds]``."""

    def __init__(self):
        self.functions: dict[tuple[str, int, str], list] = {}
        self.stopped = False

    def add(self, rows) -> None:
        for row in rows[:50] if isinstance(rows, list) else ():
            row = _checked(row)
            if row is None:
                continue
            name, line, file, calls, seconds, own, callee, callee_calls, callee_seconds = row
            kept = self.functions.setdefault((name, line, file), [0, 0.0, 0.0, {}])
            kept[0] += calls
            kept[1] += seconds
            kept[2] += own
            if callee:
                total = kept[3].setdefault(callee, [0, 0.0])
                total[0] += callee_calls
                total[1] += callee_seconds

    def lines(self, kata: Kata, room: int) -> list[str]:
        """The top functions by cumulative time, as text of at most ``room`` characters together."""
        ranked = sorted(self.functions.items(), key=lambda item: -item[1][1])
        top = ranked[0][1][1] if ranked else 0.0
        out, size = [], 0
        for (name, line, file), (calls, seconds, own, callees) in ranked[:ROWS]:
            if seconds < max(0.01, SHOWN_SHARE * top):
                break
            where = f"line {line}" if file == kata.filename else f"{file}, line {line}"
            text = f"{name} ({where}) {seconds:.2f} s"
            if calls > 1:
                text += f" over {calls:,} calls"
            details = []
            if own >= 0.01:
                details.append(f"{own:.2f} s in its own code")
            if callees:
                callee, (n, spent) = max(callees.items(), key=lambda item: item[1][1])
                if spent >= 0.01:
                    details.append(f"{spent:.2f} s in {n:,} call{'s' if n != 1 else ''} to {callee}")
            if details:
                text += ", " + ", ".join(details)
            if size + len(text) + 2 > room:
                break
            out.append(text)
            size += len(text) + 2
        return out


def _checked(row) -> tuple | None:
    """A worker's row as plain, bounded values; None when it is not one."""
    if not (isinstance(row, list) and len(row) == 9):
        return None
    name, line, file, calls, seconds, own, callee, callee_calls, callee_seconds = row
    texts_ok = all(type(t) is str for t in (name, file, callee))
    ints_ok = all(type(i) is int for i in (line, calls, callee_calls))
    floats_ok = all(type(f) in (int, float) and 0 <= f < 1e6 for f in (seconds, own, callee_seconds))
    if not (texts_ok and ints_ok and floats_ok):
        return None
    return (
        _name(name),
        min(max(line, 0), 10**7),
        _name(file),
        min(max(calls, 0), 10**12),
        float(seconds),
        float(own),
        _name(callee),
        min(max(callee_calls, 0), 10**12),
        float(callee_seconds),
    )


def _name(text: str) -> str:
    """A name the submission chose (a function's, a file's): printable characters only, and short."""
    # ";" separates the rows in the message: a name may not hold one
    text = "".join(ch if ch.isprintable() and ch != ";" else "?" for ch in text[: NAME_LIMIT * 2])
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 3] + "..."


# --- the README's advice on speed ----------------------------------------------------------------------------

_PITFALL = re.compile(r"^- \*\*([^*]+?)\*\*", re.MULTILINE)
# "### Hint 2" or "<details><summary>Hint 2: Title</summary>": the heading of each hint
_HINT = re.compile(r"^(?:###\s+|<details>\s*<summary>\s*)(Hint \d+)\b.*$", re.MULTILINE)
_ABOUT_SPEED = re.compile(r"speed|slow|fast", re.IGNORECASE)
_ABOUT_VECTORISING = re.compile(r"\bloop|vectori[sz]|broadcast", re.IGNORECASE)


def readme_pointer(kata: Kata, root: Path | None = None) -> str | None:
    """Where the kata's README addresses slowness: its pitfall about speed, else the first hint about loops
    or vectorising, else its hints; None without a README."""
    try:
        text = kata.readme_path(root or repo_root()).read_text(encoding="utf-8")
    except OSError:
        return None
    shown = kata.readme_path(CHECKOUT).as_posix()
    pitfalls = _section(text, "## Pitfalls")
    for title in _PITFALL.findall(pitfalls):
        if _ABOUT_SPEED.search(title):
            return f'see the pitfall "{title.strip()}" in {shown}'
    hints = _section(text, "## Hints")
    parts = _HINT.split(hints)  # [before, "Hint 1", text, "Hint 2", text, ...]
    for title, body in zip(parts[1::2], parts[2::2]):
        if _ABOUT_VECTORISING.search(body):
            return f"see {title} in {shown}"
    return f"see the Hints in {shown}" if len(parts) > 1 else None


def _section(text: str, heading: str) -> str:
    """The text of the ``## `` section that starts with ``heading``, up to the next ``## `` heading."""
    start = text.find("\n" + heading)
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]
