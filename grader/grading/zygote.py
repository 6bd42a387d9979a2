"""Judges forked from a warm parent: each kata still gets a fresh process, without paying for its imports again.

A judge spends most of its start-up importing: the judge itself (NumPy, pytest), the compiled baseline and,
for katas graded against a live oracle, torch (over two seconds on its own). Grading several katas, or several
students, paid that once per kata. The zygote is one process, started by the runner, that imports those modules
once and then forks a judge per request: the child is a fresh process as before (its own session, its own
output pipe and result channel, killed whole when the kata ends), whose modules are already loaded.

The zygote is trusted code only: it imports the judge, the baselines and the modules the hidden tests import at
their top level, never a submission (which the judge itself never imports either). It runs single-threaded
(the judge's environment turns off the numerical libraries' thread pools), so forking it is safe.

Protocol, on a ``SOCK_SEQPACKET`` pair (one message per request, file descriptors passed alongside):

- ``{"preload": [module, ...]}``: import them here (a module that fails to import is left to the judge, which
  reports it as it always did); reply ``{}``.
- ``{"spec": {...}, "cpus": [...]}`` with three descriptors (output, result channel, exit status): fork a judge
  on that spec; reply ``{"pid": N}``. When the judge ends, its exit status (as ``Popen.returncode``) is written
  to the third descriptor, which is then closed.

The zygote ends when the runner's end of the socket closes (the runner ended, however it ended).
"""

from __future__ import annotations

import ast
import gc
import importlib
import json
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from grader.grading.process import kill_group

MAX_MESSAGE = 1 << 20
JUDGE = "grader.grading.judge"


# --- the runner's side ---------------------------------------------------------------------------------------


class ZygoteGone(Exception):
    """The zygote could not be started or stopped answering."""


class Judge:
    """A judge forked by the zygote: the runner's handle on it, as on a ``subprocess.Popen``."""

    def __init__(self, pid: int, status_fd: int):
        self.pid = pid
        self._status = os.fdopen(status_fd, "rb")
        self.returncode: int | None = None
        _running.add(self)

    def wait(self, timeout: float | None = None) -> int:
        """Its exit status; raises ``subprocess.TimeoutExpired`` if it has not ended within ``timeout`` s."""
        if self.returncode is None:
            if not select.select([self._status], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(JUDGE, timeout)
            data = os.read(self._status.fileno(), 64)
            self._status.close()
            # no status at all: the zygote died before it could reap the judge, which is gone with it or soon
            self.returncode = int(data) if data.strip() else -signal.SIGKILL
            _running.discard(self)
        return self.returncode

    def kill(self) -> None:
        """Kill the judge and everything it started (it leads a session of its own)."""
        kill_group(self)


class Zygote:
    """The runner's end of one zygote process. Thread-safe: regrade starts judges from several threads."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._sock = ours
        self._lock = threading.Lock()
        self._loaded: set[str] = set()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "grader.grading.zygote", str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # it prints nothing; the judges it forks get output pipes of their own
            stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env=env,
            start_new_session=True,  # a Ctrl-C at the terminal is the runner's to handle, not the zygote's
        )
        theirs.close()

    def alive(self) -> bool:
        return self._proc.poll() is None

    def start(self, spec: dict, output_fd: int, channel_fd: int, preload: list[str]) -> Judge:
        """Fork a judge on ``spec`` whose stdout and stderr go to ``output_fd`` and its records to ``channel_fd``
        (both stay open here; the caller closes them), after importing ``preload`` in the zygote."""
        status_r, status_w = os.pipe()
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        try:
            with self._lock:
                wanted = [m for m in preload if m not in self._loaded]
                if wanted:
                    self._ask({"preload": wanted})
                    self._loaded.update(wanted)
                # this thread's CPUs: regrade pins each grading thread to a core of its own
                reply = self._ask({"spec": spec, "cpus": cpus}, [output_fd, channel_fd, status_w])
        except BaseException:
            os.close(status_r)
            raise
        finally:
            os.close(status_w)
        if "pid" not in reply:
            os.close(status_r)
            raise ZygoteGone(reply.get("error", "no judge started"))
        return Judge(int(reply["pid"]), status_r)

    def _ask(self, message: dict, fds: list[int] = ()) -> dict:
        try:
            socket.send_fds(self._sock, [json.dumps(message).encode()], list(fds))
            data = self._sock.recv(MAX_MESSAGE)
        except OSError as exc:
            raise ZygoteGone(f"the zygote is gone ({exc})") from None
        if not data:
            raise ZygoteGone(f"the zygote ended (exit code {self._proc.poll()})")
        return json.loads(data)

    def close(self) -> None:
        self._sock.close()  # the zygote sees the end of its socket and exits
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


_zygote: Zygote | None = None
_zygote_lock = threading.Lock()
_running: set[Judge] = set()  # started and not yet waited for, from any thread


def stop_all() -> None:
    """Kill every judge running now (each leads a session of its own, so a Ctrl-C does not reach it)."""
    for judge in list(_running):
        judge.kill()


def start_judge(spec: dict, env: dict[str, str], output_fd: int, channel_fd: int, preload: list[str]) -> Judge:
    """A judge forked from this process's zygote (started on first use, and again if it died or the judge's
    environment changed)."""
    global _zygote
    with _zygote_lock:
        if _zygote is None or not _zygote.alive() or _zygote.env != env:
            if _zygote is not None:
                _zygote.close()
            _zygote = Zygote(env)
        zygote = _zygote
    return zygote.start(spec, output_fd, channel_fd, preload)


def preloads(baseline_module: str | None, hidden_test_file: Path | None, submission_module: str) -> list[str]:
    """The modules a kata's judge will import: the judge, the baseline (None: no speed check), and what the hidden
    tests import at their top level (their oracles: torch, ...), except the submission's module, which the judge
    never imports."""
    modules = [JUDGE] + ([baseline_module] if baseline_module else [])
    if hidden_test_file is not None and hidden_test_file.is_file():
        try:
            tree = ast.parse(hidden_test_file.read_text(encoding="utf-8"))
        except (SyntaxError, ValueError):  # the judge reports a hidden test file that does not parse
            tree = ast.Module(body=[], type_ignores=[])
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from grader.baselines import iou`: the submodule too (a name that is no module fails quietly)
                modules += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    top = submission_module.partition(".")[0]
    return list(dict.fromkeys(m for m in modules if m.partition(".")[0] != top))


# --- the zygote's side ---------------------------------------------------------------------------------------


def _preload(modules: list[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001  (the judge imports it again and reports what went wrong)
            pass
    # Objects loaded so far stay out of the collector's reach: otherwise its first pass in each child writes
    # to every page they live on, and the children stop sharing them with the zygote.
    gc.freeze()


def _run_judge(spec: dict, cpus: list[int] | None, output: int, channel: int) -> int:
    """In the forked child: become the judge of ``spec``."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    for fd in (devnull, output):
        os.close(fd)
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cpus)
    from grader.grading import judge

    judge.main({**spec, "channel_fd": channel})
    return 0


def _fork(
    sock: socket.socket, wakeup: tuple[int, int], request: dict, fds: list[int], children: dict[int, int]
) -> dict:
    output, channel, status = fds
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            # the other judges' exit-status pipes too: each must close when its own judge's status is written
            for fd in (sock.fileno(), *wakeup, status, *children.values()):
                os.close(fd)
            code = _run_judge(request["spec"], request.get("cpus"), output, channel)
        except BaseException:  # a grader bug: its traceback goes to the output the runner keeps
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(output)
    os.close(channel)
    children[pid] = status
    return {"pid": pid}


def _reap(children: dict[int, int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = children.pop(pid, None)
        if fd is not None:
            try:
                os.write(fd, str(os.waitstatus_to_exitcode(status)).encode())
            except OSError:  # the runner stopped waiting for it
                pass
            os.close(fd)


def serve(sock: socket.socket) -> None:
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that the wake-up descriptor hears of it
    signal.set_wakeup_fd(wake_w)
    children: dict[int, int] = {}
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj == wake_r:
                os.read(wake_r, 4096)
                _reap(children)
                continue
            data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 3)
            if not data:
                return
            try:
                request = json.loads(data)
                if "preload" in request:
                    _preload(request["preload"])
                    reply = {}
                elif len(fds) == 3:
                    reply = _fork(sock, (wake_r, wake_w), request, fds, children)
                    fds = []
                else:
                    reply = {"error": "a judge needs three descriptors"}
            except Exception as exc:  # noqa: BLE001  (a bad request fails that request, not the zygote)
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            for fd in fds:
                os.close(fd)
            try:
                sock.send(json.dumps(reply).encode())
            except OSError:  # the runner is gone
                return


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
