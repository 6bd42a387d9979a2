"""The judge's side of the pipe: the submission's module as the tests see it, every call sent to the worker.

:class:`WorkerProcess` starts the sandboxed worker and exchanges :mod:`wire` messages with it.
:func:`submission_module` builds a module whose functions forward their calls, so the visible and hidden tests
run unchanged in the judge (``from iou import box_iou``) while the submission's code runs only in the worker.

What comes back is only plain data: NumPy arrays, numbers, strings, containers, or :class:`Remote` stand-ins
for objects that stay in the worker (a conv2d ``cache``, or anything the format cannot carry, which the tests
then reject as the wrong type). An exception of a built-in type is raised again as that type, so the tests'
``pytest.raises(ValueError)`` still works; any other type becomes :class:`SubmissionError`. Warnings the call
emitted are emitted again in the judge, under the judge's filters; in-place changes to array arguments are
copied back into the judge's arrays, so the tests that check inputs are left alone still see them.
"""

from __future__ import annotations

import builtins
import subprocess
import time
import types
import warnings

import numpy as np

from grader.grading import wire
from grader.grading.process import kill_group

# Exceptions a call may raise again in the judge as themselves; every one is a plain built-in class.
_BUILTIN_EXCEPTIONS = {
    name: getattr(builtins, name)
    for name in (
        "ArithmeticError",
        "AssertionError",
        "AttributeError",
        "FloatingPointError",
        "IndexError",
        "KeyError",
        "LookupError",
        "MemoryError",
        "NotImplementedError",
        "OverflowError",
        "RecursionError",
        "RuntimeError",
        "TypeError",
        "ValueError",
        "ZeroDivisionError",
    )
}
_NUMPY_EXCEPTIONS = {"AxisError": np.exceptions.AxisError, "LinAlgError": np.linalg.LinAlgError}
_WARNINGS = {
    name: getattr(builtins, name)
    for name in (
        "BytesWarning",
        "DeprecationWarning",
        "FutureWarning",
        "ImportWarning",
        "PendingDeprecationWarning",
        "ResourceWarning",
        "RuntimeWarning",
        "SyntaxWarning",
        "UnicodeWarning",
        "UserWarning",
        "Warning",
    )
}


STOPPED = "stopped while a call was running"  # why a worker interrupted mid-call can take no more requests


class SubmissionError(Exception):
    """The submission raised an exception that the judge does not re-create by type; the message names it."""


class WorkerGone(Exception):
    """The worker is not running any more (it crashed, exited, was stopped, or broke the protocol)."""


class Remote:
    """An object that stays in the worker: fetched on first use as an array or through an attribute."""

    __slots__ = ("_worker", "_id", "_type", "_value", "_fetched")

    def __init__(self, worker: WorkerProcess, id: int, typename: str):
        self._worker, self._id, self._type = worker, id, typename
        self._fetched = False
        self._value = None

    def value(self):
        if not self._fetched:
            value = self._worker.fetch([self])[0]
            if type(value) is Remote:
                raise TypeError(
                    f"the submission returned a {self._type}, which cannot leave its process: return NumPy arrays"
                )
            self._value, self._fetched = value, True
        return self._value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value(), dtype=dtype)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.value(), name)

    def __repr__(self) -> str:
        return f"<{self._type} in the submission's process>"


class WorkerProcess:
    """The worker's process and its two pipes; ``argv`` comes from :func:`grader.grading.sandbox.worker_command`."""

    def __init__(
        self, argv: list[str], env: dict[str, str] | None, output_fd: int, cwd: str | None = None, preexec_fn=None
    ):
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=output_fd,
            env=env,
            cwd=cwd,
            close_fds=True,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        for fd in (self._in, self._out):
            _widen_pipe(fd)
        self.broken: str | None = None  # why the worker can take no more requests
        self.calls = 0
        self.violations: list[str] = []  # forbidden imports the worker's guard reported

    # --- requests --------------------------------------------------------------------------------------------
    def request(self, message: dict):
        """Send one request and return the reply, a dict; raises WorkerGone when the worker is gone."""
        if self.broken:
            raise WorkerGone(self.broken)
        parts = wire.encode(message, self._handle_of)  # raises Unencodable before anything is sent
        try:
            wire.write_parts(self._in, parts)
            reply = wire.receive(self._out, self._remote)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self.broken = "ended"
            try:
                self.proc.wait(timeout=5)  # its exit status says how it ended
            except subprocess.TimeoutExpired:
                self.stop("closed its pipe without exiting")
            raise WorkerGone(self.broken) from None
        except wire.WireError as exc:
            self.stop(f"sent a reply the grader could not read ({exc})")
            raise WorkerGone(self.broken) from None
        except BaseException:
            # Interrupted in the middle of an exchange (a timeout): the pipe is out of step for good.
            self.stop(STOPPED)
            raise
        if not isinstance(reply, dict):
            self.stop("sent a reply the grader could not read (not a dict)")
            raise WorkerGone(self.broken)
        violations = reply.get("violations")
        if isinstance(violations, list) and violations and not self.violations:
            self.violations = [v for v in violations if isinstance(v, str)][:1]
        self._name_remotes(reply)
        return reply

    def _handle_of(self, obj):
        if type(obj) is Remote and obj._worker is self:
            return wire.Handle(obj._id)
        raise wire.Unencodable(f"{type(obj).__module__}.{type(obj).__qualname__} cannot be sent to the submission")

    def _remote(self, id: int) -> Remote:
        return Remote(self, id, "object")

    @staticmethod
    def _name_remotes(reply: dict) -> None:
        names = reply.get("types")
        if not isinstance(names, dict):
            return
        for v in wire.leaves(reply.get("value")):
            name = names.get(str(v._id)) if type(v) is Remote else None
            if isinstance(name, str):
                v._type = name[:200]

    def echo(self, value) -> float:
        """Seconds for one round trip of ``value`` (before the submission is loaded: the pipe's own cost)."""
        start = time.perf_counter()
        self.request({"op": "echo", "value": value})
        return time.perf_counter() - start

    def fetch(self, remotes: list[Remote]) -> list:
        reply = self.request({"op": "fetch", "ids": [r._id for r in remotes]})
        _raise_error(reply)
        values = reply.get("value")
        if not isinstance(values, list) or len(values) != len(remotes):
            raise SubmissionError("the submission's process sent a malformed reply")
        return values

    def store(self, values: dict[int, object]) -> None:
        _raise_error(self.request({"op": "store", "values": {str(k): v for k, v in values.items()}}))

    def drop(self) -> None:
        _raise_error(self.request({"op": "drop"}))

    # --- the process ---------------------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, why: str) -> None:
        self.broken = self.broken or why
        kill_group(self.proc)
        self.proc.wait()

    def close(self) -> None:
        if self.alive():
            try:
                wire.send(self._in, {"op": "exit"})
            except OSError:
                pass
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        self.stop("closed")
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def _widen_pipe(fd: int) -> None:
    """A 1 MiB pipe buffer instead of 64 KiB: big arrays cross in fewer, larger writes (Linux only)."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 2**20)
    except (ImportError, OSError):
        pass


def _raise_error(reply: dict) -> None:
    if "error" in reply:
        raise WorkerGone(f"the submission's process failed a request: {_text(reply['error'])}")


def _text(described) -> str:
    if isinstance(described, list) and len(described) == 3 and all(isinstance(x, str) for x in described):
        return f"{described[1]}: {described[2]}"
    return "malformed error"


def rebuild_exception(described) -> BaseException:
    """The judge's own exception for ``[module, qualname, message]`` sent by the worker."""
    if not (isinstance(described, list) and len(described) == 3 and all(isinstance(x, str) for x in described)):
        return SubmissionError("the submission raised an exception the grader could not read")
    module, name, message = described
    if module == "builtins" and name in _BUILTIN_EXCEPTIONS:
        return _BUILTIN_EXCEPTIONS[name](message)
    if module.startswith("numpy") and name in _NUMPY_EXCEPTIONS:
        return _NUMPY_EXCEPTIONS[name](message)
    return SubmissionError(f"{name}: {message}" if message else name)


def _emit_warnings(described: list) -> None:
    for item in described[:20] if isinstance(described, list) else ():
        if isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item):
            module, name, message = item
            category = _WARNINGS.get(name, RuntimeWarning) if module == "builtins" else RuntimeWarning
            warnings.warn(message, category, stacklevel=3)


class RemoteFunction:
    """One of the kata's functions: calling it runs the submission's function in the worker."""

    def __init__(self, worker: WorkerProcess, name: str, module: str, lazy: bool = False):
        self._worker, self.__name__, self.__qualname__, self.__module__ = worker, name, name, module
        self._lazy = lazy

    def __call__(self, *args, **kwargs):
        request = {
            "op": "call",
            "function": self.__name__,
            "args": list(args),
            "kwargs": kwargs,
            "lazy": self._lazy,
            "writeback": not self._lazy,
            "errstate": {k: v for k, v in np.geterr().items() if v in ("ignore", "warn", "raise")},
        }
        worker = self._worker
        worker.calls += 1
        try:
            reply = worker.request(request)
        except wire.Unencodable as exc:
            raise TypeError(str(exc)) from None
        _emit_warnings(reply.get("warnings"))
        _copy_back(reply.get("modified"), args, kwargs)
        if "raised" in reply:
            raise rebuild_exception(reply["raised"])
        if "value" not in reply:
            _raise_error(reply)
            raise WorkerGone("the submission's process sent a malformed reply")
        return reply["value"]

    def __repr__(self) -> str:
        return f"<function {self.__name__} of the submission>"


def _copy_back(modified, args, kwargs) -> None:
    for item in modified if isinstance(modified, list) else ():
        if not (isinstance(item, list) and len(item) == 3):
            continue
        kind, key, value = item
        target = None
        if kind == "args" and isinstance(key, int) and 0 <= key < len(args):
            target = args[key]
        elif kind == "kwargs" and isinstance(key, str):
            target = kwargs.get(key)
        same = type(target) is np.ndarray and type(value) is np.ndarray and target.shape == value.shape
        if same and target.flags.writeable:
            np.copyto(target, value, casting="unsafe")


def submission_module(worker: WorkerProcess, name: str, functions: list[str], lazy: bool = False) -> types.ModuleType:
    """A module named ``name`` whose ``functions`` run in the worker."""
    module = types.ModuleType(name, f"the submission's {name}.py, running in its sandboxed process")
    for fn in functions:
        setattr(module, fn, RemoteFunction(worker, fn, name, lazy))
    return module
