"""The untrusted side of grading: imports the submission and executes the calls the judge sends, nothing else.

Run inside the sandbox as ``python -I worker.py --memory B --cpu-seconds S --processes N --cpu C SUBMISSION``, with this file,
``wire.py`` and ``guard.py`` copied beside it (the grader package itself is not visible there). It speaks
:mod:`wire` messages on its standard input and output, which it first moves to private descriptors: whatever
the submission prints goes to standard error, which the judge reads, caps and shows as output.

Nothing here is trusted by the judge. A submission can replace any of it; all it can win that way is the
answers it sends back, which the judge checks. Requests (dicts with an ``op``):

- ``echo``: send the value back (the judge measures the pipe's cost with it before the submission is loaded);
- ``import``: import the submission; reply with the names of the kata's functions it defines;
- ``call``: call one of them. Handles in the arguments are resolved to the objects they stand for. With
  ``lazy``, every array or other object in the result stays here and comes back as a handle (the speed
  check fetches what it needs, inside its clock); otherwise only what the format cannot carry does. With
  ``writeback``, array arguments the call modified in place are sent back too;
- ``store``: keep values under the judge's handle numbers (the speed check's inputs, sent before the clock);
- ``fetch``: send the objects behind handles; ``drop``: forget all objects;
- ``profile``: a ``call`` (never with ``writeback``) under cProfile, stopped after ``seconds``; the reply adds
  ``profile``, the rows of the submission's own functions by cumulative time, and ``stopped``. The judge asks
  for it once a speed check has failed as too slow, and only shows what it says (it never changes a grade).
"""

from __future__ import annotations

import cProfile
import importlib.util
import os
import re
import signal
import sys
import warnings

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import numpy as np  # noqa: E402
import wire  # noqa: E402  (beside this file in the sandbox)
from guard import ImportGuard  # noqa: E402

MAX_MESSAGE = 2000  # characters of an exception message sent back
PROFILE_ROWS = 20  # functions of the submission sent back by a profile request


class ProfileTimeUp(Exception):
    """A profiled call ran past its ``seconds``: the rows so far are sent back."""


class Worker:
    def __init__(self, fd_in: int, fd_out: int, submission: str):
        self.fd_in, self.fd_out, self.submission = fd_in, fd_out, submission
        self.objects: dict[int, object] = {}
        self.next_id = 1
        self.module = None
        self.guard: ImportGuard | None = None

    # --- objects kept here -------------------------------------------------------------------------------
    def keep(self, obj) -> wire.Handle:
        handle = wire.Handle(self.next_id)
        self.objects[self.next_id] = obj
        self.next_id += 1
        return handle

    def _object(self, leaf):
        if isinstance(leaf, wire.Handle):
            if leaf.id not in self.objects:
                raise LookupError(f"no object {leaf.id}")
            return self.objects[leaf.id]
        return leaf

    def resolve(self, value):
        """``value`` with each handle replaced by the object it stands for."""
        return wire.map_leaves(value, self._object)

    def portable(self, value, lazy: bool):
        """``value`` with the containers as they are and each leaf the judge is not sent kept here as a
        handle: with ``lazy``, every leaf but plain Python scalars; otherwise what the format cannot carry."""

        def leaf(v):
            if v is None or type(v) in (bool, int, float, str, complex) or (not lazy and _sendable(v)):
                return v
            return self.keep(v)

        return wire.map_leaves(value, leaf)

    def types(self, value) -> dict[str, str]:
        """{handle number: the type of the object it stands for}, for the judge's messages."""
        return {
            str(v.id): f"{type(self.objects.get(v.id)).__module__}.{type(self.objects.get(v.id)).__qualname__}"
            for v in wire.leaves(value)
            if isinstance(v, wire.Handle)
        }

    # --- requests ------------------------------------------------------------------------------------------
    def reply(self, value) -> None:
        wire.send(self.fd_out, value)

    def serve(self) -> None:
        while True:
            try:
                request = wire.receive(self.fd_in)
            except EOFError:
                return
            op = request.get("op") if isinstance(request, dict) else None
            if op == "exit":
                return
            try:
                self.reply(getattr(self, f"op_{op}")(request))
            except Exception as exc:  # noqa: BLE001  (the judge decides what a failure means)
                self.reply({"error": _describe(exc)})

    def op_echo(self, request):
        return {"value": request["value"]}

    def op_import(self, request):
        name, path = request["module"], self.submission
        folder = os.path.dirname(os.path.abspath(path))
        sys.path.insert(0, folder)  # a submission may import helper modules of its own from its folder
        self.guard = ImportGuard(folder, request["forbidden"])
        self.guard.install()
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001  (SystemExit at import is the submission's too)
            return {"raised": _describe(exc), "violations": self.violations()}
        self.module = module
        found = [f for f in request["functions"] if callable(getattr(module, f, None))]
        return {"functions": found, "violations": self.violations()}

    def violations(self) -> list[str]:
        return list(self.guard.violations) if self.guard else []

    def op_call(self, request):
        fn = getattr(self.module, request["function"])
        args = self.resolve(request["args"])
        kwargs = self.resolve(request["kwargs"])
        before = _array_copies(args, kwargs) if request.get("writeback") else None
        with warnings.catch_warnings(record=True) as caught, np.errstate(**request.get("errstate", {})):
            warnings.simplefilter("always")
            try:
                result = fn(*args, **kwargs)
                outcome = {"value": self.portable(result, bool(request.get("lazy")))}
            except BaseException as exc:  # noqa: BLE001  (SystemExit in a function fails that call only)
                outcome = {"raised": _describe(exc)}
        outcome["warnings"] = [_warning(w) for w in caught[:20]]
        outcome["violations"] = self.violations()
        if before is not None:
            outcome["modified"] = _modified(before, args, kwargs)
        if "value" in outcome:
            outcome["types"] = self.types(outcome["value"])
        return outcome

    def op_store(self, request):
        for key, value in request["values"].items():
            self.objects[int(key)] = value
        return {"value": None}

    def op_fetch(self, request):
        values = [self.portable(self.objects[i], lazy=False) for i in request["ids"]]
        return {"value": values, "types": self.types(values)}

    def op_drop(self, request):
        self.objects.clear()
        return {"value": None}

    def op_profile(self, request):
        seconds = min(max(float(request.get("seconds", 5.0)), 0.01), 60.0)
        fired = []

        def time_up(signum, frame):
            fired.append(True)
            raise ProfileTimeUp(f"profiling stopped after {seconds:g} s")

        profiler = cProfile.Profile()
        previous = signal.signal(signal.SIGALRM, time_up)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            profiler.enable()
            try:
                outcome = self.op_call({**request, "writeback": False})
            finally:
                profiler.disable()
                signal.setitimer(signal.ITIMER_REAL, 0)
        except ProfileTimeUp as exc:  # it fired between the call and the end of the clock
            outcome = {"raised": _describe(exc), "violations": self.violations()}
        finally:
            signal.signal(signal.SIGALRM, previous)
        outcome["profile"] = self.own_functions(profiler.getstats())
        outcome["stopped"] = bool(fired)
        return outcome

    def own_functions(self, stats) -> list[list]:
        """``[name, line, file, calls, seconds, own seconds, callee, callee calls, callee seconds]`` for each
        function of the submission's folder, by cumulative time. The callee is the one outside the folder that
        took the most time (NumPy's, Python's): the submission's own functions have rows of their own."""
        folder = os.path.dirname(os.path.abspath(self.submission)) + os.sep

        def own(code) -> bool:
            return not isinstance(code, str) and os.path.abspath(code.co_filename).startswith(folder)

        rows = []
        for entry in stats:
            code = entry.code
            if not own(code):
                continue
            others = [sub for sub in entry.calls or () if not own(sub.code)]
            callee = max(others, key=lambda sub: sub.totaltime, default=None)
            rows.append(
                [
                    getattr(code, "co_qualname", code.co_name),
                    code.co_firstlineno,
                    os.path.basename(code.co_filename),
                    entry.callcount,
                    entry.totaltime,
                    entry.inlinetime,
                    _code_name(callee.code) if callee is not None else "",
                    callee.callcount if callee is not None else 0,
                    callee.totaltime if callee is not None else 0.0,
                ]
            )
        rows.sort(key=lambda row: -row[4])
        return rows[:PROFILE_ROWS]


def _sendable(leaf) -> bool:
    if type(leaf) is np.ndarray:
        return leaf.dtype.kind in "biufc" and leaf.dtype.fields is None
    return isinstance(leaf, np.generic) and type(leaf).__module__ == "numpy" and leaf.dtype.kind in "biufc"


def _code_name(code) -> str:
    """``builtins.max``, ``list.append``, ``sort (fromnumeric.py)``: a profiled callee as a reader knows it."""
    if not isinstance(code, str):
        return f"{getattr(code, 'co_qualname', code.co_name)} ({os.path.basename(code.co_filename)})"
    # a built-in: "<built-in method builtins.max>", "<method 'append' of 'list' objects>"
    method = re.fullmatch(r"<method '(\w+)' of '([\w.]+)' objects>", code)
    if method:
        return f"{method.group(2)}.{method.group(1)}"
    return code.strip("<>").removeprefix("built-in method ").removeprefix("built-in function ")


def _describe(exc: BaseException) -> list[str]:
    message = str(exc)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return [type(exc).__module__, type(exc).__qualname__, message]


def _warning(w) -> list[str]:
    category = w.category if isinstance(w.category, type) else Warning
    return [category.__module__, category.__qualname__, str(w.message)[:MAX_MESSAGE]]


def _arrays(args, kwargs):
    """(position, array) of every array argument: ``("args", i)`` or ``("kwargs", name)``."""
    for i, a in enumerate(args):
        if type(a) is np.ndarray:
            yield ("args", i), a
    for k, a in kwargs.items():
        if type(a) is np.ndarray:
            yield ("kwargs", k), a


def _array_copies(args, kwargs):
    return {where: a.copy() for where, a in _arrays(args, kwargs)}


def _modified(before, args, kwargs):
    """[[kind, key, new value]] for the array arguments whose contents the call changed."""
    out = []
    for where, a in _arrays(args, kwargs):
        old = before[where]
        if a.shape != old.shape or not np.array_equal(a, old, equal_nan=a.dtype.kind in "fc"):
            out.append([where[0], where[1], np.array(a)])
    return out


def _apply_limits(memory: int, cpu_seconds: int, processes: int, cpu: int) -> None:
    """Hard limits set before the submission is loaded: it cannot raise them again."""
    import resource

    for limit, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_NPROC, processes),
    ):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass  # e.g. a container engine already set a lower one
    if cpu >= 0 and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:
            pass


def _warm_malloc() -> None:
    """Keep freed memory in the heap, as the judge does for the baseline (glibc: no trimming, no mmap for big
    blocks), so that both sides' timed calls measure code rather than the page faults of fresh memory."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(-4, 0)  # M_MMAP_MAX
    libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD


def main(argv: list[str]) -> None:
    import argparse

    p = argparse.ArgumentParser()
    for name in ("--memory", "--cpu-seconds", "--processes", "--cpu"):
        p.add_argument(name, type=int, required=True)
    p.add_argument("submission")
    args = p.parse_args(argv)
    _apply_limits(args.memory, args.cpu_seconds, args.processes, args.cpu)
    _warm_malloc()
    # The protocol gets private copies of stdin and stdout; the submission's prints go to stderr.
    fd_in, fd_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    Worker(fd_in, fd_out, args.submission).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(0)
