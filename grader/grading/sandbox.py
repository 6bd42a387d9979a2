"""Where the worker runs: the command that starts it inside an operating-system sandbox.

Backends (``--sandbox``):

- ``bwrap`` (Linux, bubblewrap): a new mount, PID, network, IPC and UTS namespace. The worker sees the
  system's libraries and the Python environment read-only, its own copy of the submission read-only under
  ``/sandbox``, and an empty private ``/tmp``; nothing else of the machine (not the repository, the hidden
  tests, the golden data, the solutions or the grader's own tree) exists there. The modules a submission may
  not use are hidden under empty folders. No network. Signals cannot reach the judge, whose PID is not in
  the namespace. ``--die-with-parent`` and the PID namespace end every process it started with the kata.
- ``docker`` / ``podman``: the same guarantees from a container (no network, read-only root, private
  ``/tmp``, memory and PID limits, no capabilities), for machines without Linux user namespaces. The image is
  built once from ``templates/worker.Dockerfile`` with the same NumPy version as the grader's.
- ``none``: a plain subprocess. Nothing is protected: for a learner practising alone.

The worker limits its own memory and CPU time and pins itself to one CPU before it loads the submission
(``worker.py``'s arguments); a submission cannot raise a hard limit afterwards.
"""

from __future__ import annotations

import enum
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

# Files the worker needs beside it in the sandbox: it cannot import the grader package there.
WORKER_FILES = ("worker.py", "wire.py", "guard.py")
SANDBOX_DIR = "/sandbox"  # the scratch folder as the sandboxed worker sees it
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}
MAX_SUBMISSION_FILE = 2 * 2**20  # bytes: a larger .py file beside the submission is not copied


class Backend(str, enum.Enum):
    BWRAP = "bwrap"
    DOCKER = "docker"
    PODMAN = "podman"
    NONE = "none"

    @property
    def protects(self) -> bool:
        return self is not Backend.NONE


class SandboxUnavailable(RuntimeError):
    """The chosen backend cannot start here; the message says how to get it."""


@dataclass
class Limits:
    memory_bytes: int = 8 * 2**30
    cpu_seconds: int = 900
    processes: int = 64
    cpu: int | None = None  # the CPU to pin the worker to (the judge pins itself to the same one)


@dataclass
class Scratch:
    """A private folder holding the worker's files and a copy of the submission's folder."""

    root: Path
    module_file: str  # the submission's file name, e.g. "iou.py"
    hidden: list[str] = field(default_factory=list)

    @property
    def submission_dir(self) -> Path:
        return self.root / "submission"

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def prepare_scratch(root: Path, impl_file: Path) -> Scratch:
    """Copy the worker's files and the submission's ``.py`` files (its own helpers included) into ``root``.

    Only ``.py`` files of the submission's folder are copied: a learner's folder also holds the visible
    tests and the README, which the worker has no use for.
    """
    root.mkdir(parents=True, exist_ok=True)
    package = resources.files("grader.grading")
    for name in WORKER_FILES:
        (root / name).write_bytes(package.joinpath(name).read_bytes())
    target = root / "submission"
    target.mkdir()
    for item in sorted(impl_file.parent.iterdir()):
        if item.suffix == ".py" and item.is_file() and item.stat().st_size <= MAX_SUBMISSION_FILE:
            shutil.copyfile(item, target / item.name)
    return Scratch(root, impl_file.name)


def hidden_packages(forbidden: dict[str, str]) -> list[str]:
    """Folders of installed top-level packages that submissions may not import, to hide in the sandbox."""
    found = []
    for name in sorted({n.split(".")[0] for n in forbidden}):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.origin in (None, "built-in", "frozen"):
            continue
        locations = list(spec.submodule_search_locations or [])
        if not locations and spec.origin and os.path.isfile(spec.origin) and not spec.origin.endswith(".py"):
            locations = [spec.origin]  # an extension module
        # Only installed packages: the standard library's modules are refused by the import guard instead.
        found.extend(
            str(Path(p).resolve())
            for p in locations
            if os.path.exists(p) and Path(p).resolve().parent.name in ("site-packages", "dist-packages")
        )
    return found


def _python_roots() -> list[str]:
    """The folders the worker's Python needs: the installation, the environment, NumPy's site-packages."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    roots.add(str(Path(np.__file__).resolve().parents[1]))
    return sorted(roots)


def _worker_argv(python: str, scratch_root: str, module_file: str, limits: Limits) -> list[str]:
    return [
        python,
        "-I",
        f"{scratch_root}/worker.py",
        "--memory",
        str(limits.memory_bytes),
        "--cpu-seconds",
        str(limits.cpu_seconds),
        "--processes",
        str(limits.processes),
        "--cpu",
        str(-1 if limits.cpu is None else limits.cpu),
        f"{scratch_root}/submission/{module_file}",
    ]


def _bwrap_argv(scratch: Scratch, limits: Limits) -> list[str]:
    # The private /tmp comes first: the environment may itself live under /tmp, and is then bound inside it.
    argv = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--tmpfs", "/tmp"]
    for system in ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/etc/ld.so.cache", "/etc/alternatives"):
        argv += ["--ro-bind-try", system, system]
    for root in _python_roots():
        argv += ["--ro-bind", root, root]
    for folder in scratch.hidden:
        argv += ["--tmpfs", folder] if os.path.isdir(folder) else ["--ro-bind", "/dev/null", folder]
    argv += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--ro-bind",
        str(scratch.root),
        SANDBOX_DIR,
        "--remount-ro",
        "/",
        "--chdir",
        "/tmp",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--setenv",
        "HOME",
        "/tmp",
    ]
    for key, value in SINGLE_THREAD_ENV.items():
        argv += ["--setenv", key, value]
    python = os.path.join(sys.prefix, "bin", "python") if sys.prefix != sys.base_prefix else sys.executable
    return argv + ["--", *_worker_argv(python, SANDBOX_DIR, scratch.module_file, limits)]


def _container_argv(engine: str, scratch: Scratch, limits: Limits) -> list[str]:
    argv = [
        engine,
        "run",
        "--rm",
        "-i",
        "--network",
        "none",
        "--read-only",
        "--tmpfs",
        "/tmp:rw,size=1g",
        "--memory",
        str(limits.memory_bytes),
        "--memory-swap",
        str(limits.memory_bytes),
        "--pids-limit",
        str(limits.processes),
        "--cpus",
        "1",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--user",
        "65534:65534",
        "-w",
        "/tmp",
        "-v",
        f"{scratch.root}:{SANDBOX_DIR}:ro",
    ]
    if limits.cpu is not None:
        argv += ["--cpuset-cpus", str(limits.cpu)]
    for key, value in SINGLE_THREAD_ENV.items():
        argv += ["-e", f"{key}={value}"]
    no_cpu = Limits(limits.memory_bytes, limits.cpu_seconds, limits.processes, None)  # the engine pins it
    return argv + [container_image(engine), *_worker_argv("python", SANDBOX_DIR, scratch.module_file, no_cpu)]


def _plain_argv(scratch: Scratch, limits: Limits) -> list[str]:
    return _worker_argv(sys.executable, str(scratch.root), scratch.module_file, limits)


def worker_command(backend: Backend, scratch: Scratch, limits: Limits) -> tuple[list[str], dict[str, str] | None]:
    """The argv that starts the worker, and the environment to give it (None: the backend sets its own)."""
    if backend is Backend.BWRAP:
        return _bwrap_argv(scratch, limits), None
    if backend in (Backend.DOCKER, Backend.PODMAN):
        return _container_argv(backend.value, scratch, limits), None
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(scratch.root), **SINGLE_THREAD_ENV}
    return _plain_argv(scratch, limits), env


def preexec(backend: Backend):
    """The worker (or the sandbox's own launcher) dies with the judge, so nothing of a submission outlives its
    kata even when the judge is killed (bwrap's --die-with-parent covers what runs inside the sandbox)."""
    if not sys.platform.startswith("linux"):
        return None

    def die_with_parent() -> None:
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)

    return die_with_parent


def task_count(backend: Backend, pid: int) -> int:
    """Threads of ``pid`` and of all its descendants (0 where they cannot be seen: a container's run in the
    engine's own process tree, and its CPU and PID limits bound what they can do)."""
    if backend in (Backend.DOCKER, Backend.PODMAN) or not os.path.isdir(f"/proc/{pid}"):
        return 0
    count, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            tids = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        count += len(tids)
        for tid in tids:
            try:
                with open(f"/proc/{current}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
    return count


def exit_signal(backend: Backend, returncode: int | None) -> int | None:
    """The signal that killed the worker, from its exit status (bwrap and containers report 128 + N)."""
    if returncode is None:
        return None
    if returncode < 0:
        return -returncode
    if backend is not Backend.NONE and returncode > 128:
        return returncode - 128
    return None


# --- availability ------------------------------------------------------------------------------------------

BWRAP_HELP = (
    "install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`)"
)
USERNS_HELP = (
    "bwrap is installed but cannot create a user namespace; on Ubuntu 24.04 and later, AppArmor "
    "restricts them: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, or give "
    "/usr/bin/bwrap an AppArmor profile that allows `userns`"
)


@functools.cache
def unavailable(backend: Backend) -> str | None:
    """Why ``backend`` cannot run a sandbox here (one line), or None when it can."""
    if backend is Backend.NONE:
        return None
    if backend is Backend.BWRAP:
        if not shutil.which("bwrap"):
            return f"bubblewrap (bwrap) is not installed: {BWRAP_HELP}"
        try:
            proc = subprocess.run(
                ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--new-session", "true"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bwrap could not start: {exc}"
        if proc.returncode != 0:
            detail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            hint = USERNS_HELP if "uid map" in detail or "Permission denied" in detail else BWRAP_HELP
            return f"bwrap cannot start a sandbox here ({detail}): {hint}"
        return None
    engine = backend.value
    if not shutil.which(engine):
        return f"{engine} is not installed"
    try:
        proc = subprocess.run([engine, "info"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{engine} does not answer: {exc}"
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{engine} cannot run containers here ({detail})"
    return None


UNPROTECTED = "grading without a sandbox: the scores are unprotected (fine for practice, not for grades that count)"


def choose(requested: str | None, *, protect: bool) -> tuple[Backend, str | None]:
    """The backend to grade with, and a one-line note to show. ``requested`` None means the default: bwrap
    where it works, else (unless ``protect``: grades that count) no sandbox, with a note that says so.

    Raises SandboxUnavailable, with how to get it, for a backend that cannot run here.
    """
    if requested is None:
        why = unavailable(Backend.BWRAP)
        if why is None:
            return Backend.BWRAP, None
        if protect:
            raise SandboxUnavailable(f"{why}; or choose --sandbox docker|podman (or --sandbox none, unprotected)")
        return Backend.NONE, f"note: {why}; {UNPROTECTED}"
    backend = Backend(requested)
    why = unavailable(backend)
    if why is not None:
        raise SandboxUnavailable(why)
    return backend, (f"note: {UNPROTECTED}" if backend is Backend.NONE else None)


def container_image(engine: str) -> str:
    """The worker's image for ``engine``, built on first use with the grader's Python and NumPy versions."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    tag = f"cv-katas-worker:py{python}-numpy{np.__version__}"
    if subprocess.run([engine, "image", "inspect", tag], capture_output=True).returncode == 0:
        return tag
    dockerfile = resources.files("grader.grading").joinpath("templates/worker.Dockerfile").read_text()
    dockerfile = dockerfile.replace("@PYTHON@", python).replace("@NUMPY@", np.__version__)
    proc = subprocess.run([engine, "build", "-t", tag, "-"], input=dockerfile, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SandboxUnavailable(f"{engine} could not build {tag}: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    return tag
