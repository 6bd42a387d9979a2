"""The worker's sandbox, probed from inside: what a submission can see, write, reach and leave behind.

Each test starts a worker on a probe "submission" whose functions report what they could do, through the same
judge-side machinery the grader uses (``grader.grading.sandbox`` and ``grader.grading.proxy``). Where bwrap
cannot run, the tests skip with the reason, unless CVKATAS_REQUIRE_SANDBOX is set (CI), where they fail.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from grader.grading import proxy, sandbox

REASON = sandbox.unavailable(sandbox.Backend.BWRAP)
if REASON and os.environ.get("CVKATAS_REQUIRE_SANDBOX"):
    raise RuntimeError(f"CVKATAS_REQUIRE_SANDBOX is set but {REASON}")
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"needs bwrap: {REASON}")

FORBIDDEN = {"torch": "x", "numba": "x", "grader": "x", "pytest": "x", "ctypes": "x"}


@pytest.fixture
def probe(tmp_path):
    """``probe(source)``: a started bwrap worker on ``source`` (its functions become the module's), and the
    module whose functions run there."""
    workers = []

    def start(source: str, functions: tuple[str, ...], memory: int = 2 * 2**30):
        folder = tmp_path / f"submission{len(workers)}"
        folder.mkdir()
        (folder / "probe.py").write_text(textwrap.dedent(source))
        scratch = sandbox.prepare_scratch(tmp_path / f"scratch{len(workers)}", folder / "probe.py")
        scratch.hidden = sandbox.hidden_packages(FORBIDDEN)
        argv, env = sandbox.worker_command(sandbox.Backend.BWRAP, scratch, sandbox.Limits(memory_bytes=memory))
        worker = proxy.WorkerProcess(argv, env, output_fd=2, preexec_fn=sandbox.preexec(sandbox.Backend.BWRAP))
        workers.append(worker)
        reply = worker.request({"op": "import", "module": "probe", "functions": list(functions), "forbidden": {}})
        assert reply.get("functions") == list(functions), reply
        return worker, proxy.submission_module(worker, "probe", list(functions))

    yield start
    for worker in workers:
        worker.close()


def test_the_repository_hidden_tests_and_grader_are_not_there(probe):
    paths = [str(REPO / p) for p in ("hidden_tests", "solutions", "grader", "exercises", "tests", "README.md")]
    paths += [str(REPO / "hidden_tests" / "01_iou" / "golden.npz"), str(Path.home() / ".ssh"), "/etc/passwd"]
    _, m = probe(
        """
        import os
        def seen(paths):
            return [p for p in paths if os.path.exists(p)]
        def listing(path):
            return sorted(os.listdir(path)) if os.path.isdir(path) else []
        """,
        ("seen", "listing"),
    )
    assert m.seen(paths) == []
    # The checkout's folder exists only as the way to its environment (.venv), when the environment is in it.
    assert (
        set(m.listing(str(REPO))) <= {Path(sys.prefix).relative_to(REPO).parts[0]}
        if Path(sys.prefix).is_relative_to(REPO)
        else True
    )


def test_nothing_outside_tmp_is_writable(probe):
    _, m = probe(
        """
        import os, sys
        def writable(paths):
            out = []
            for p in paths:
                try:
                    with open(os.path.join(p, "cv-katas-probe"), "w") as f:
                        f.write("x")
                    out.append(p)
                except OSError:
                    pass
            return out
        """,
        ("writable",),
    )
    places = ["/sandbox", "/sandbox/submission", sys.prefix, os.path.dirname(np.__file__), "/usr", "/", "/tmp"]
    assert m.writable(places) == ["/tmp"]  # a private tmpfs, gone with the worker


def test_forbidden_packages_are_hidden_and_the_network_is_gone(probe):
    _, m = probe(
        """
        import importlib, socket
        def real_packages(names):
            found = []
            for name in names:
                try:
                    module = importlib.import_module(name)
                except ImportError:
                    continue
                if getattr(module, "__file__", None):  # an empty folder stands there: a namespace, no code
                    found.append(name)
            return found
        def connect():
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2)
                return "connected"
            except OSError as exc:
                return type(exc).__name__
        """,
        ("real_packages", "connect"),
    )
    assert m.real_packages(["torch", "numba", "pytest", "grader", "numpy"]) == ["numpy"]
    assert m.connect() != "connected"


def test_the_judge_and_the_machine_cannot_be_signalled(probe):
    _, m = probe(
        """
        import os, signal
        def pids():
            return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        def signal_everyone():
            hit = []
            for pid in range(1, 4096):
                if pid == os.getpid():
                    continue
                try:
                    os.kill(pid, signal.SIGSTOP)
                    hit.append(pid)
                except OSError:
                    pass
            return hit
        """,
        ("pids", "signal_everyone"),
    )
    assert max(m.pids()) < 10  # its own PID namespace: only the sandbox's few processes
    m.signal_everyone()  # stops the sandbox's own init at most
    assert os.getpid() and Path(f"/proc/{os.getpid()}").exists()
    state = Path(f"/proc/{os.getpid()}/stat").read_text().split()[2]
    assert state != "T"  # this process (the judge's side) was not stopped


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        for tid in os.listdir(f"/proc/{current}/task") if Path(f"/proc/{current}").exists() else ():
            try:
                children = [int(c) for c in Path(f"/proc/{current}/task/{tid}/children").read_text().split()]
            except OSError:
                children = []
            out += children
            todo += children
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_a_daemon_it_leaves_behind_dies_with_the_worker(probe):
    worker, m = probe(
        """
        import os, time
        def daemonise():
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(600)
                os._exit(0)
            time.sleep(0.5)
            return os.getpid()
        """,
        ("daemonise",),
    )
    m.daemonise()
    inside = _descendants(worker.proc.pid)
    assert len(inside) >= 3  # the sandbox's init, the worker and the daemon, at least
    worker.close()
    time.sleep(0.5)
    assert [pid for pid in inside if _alive(pid)] == []


def test_memory_is_limited(probe):
    _, m = probe(
        """
        import numpy as np
        def allocate(gib):
            try:
                a = np.ones(int(gib * 2**30) // 8)
                return float(a[-1])
            except MemoryError:
                return "MemoryError"
        """,
        ("allocate",),
        memory=1 * 2**30,
    )
    assert m.allocate(2) == "MemoryError"


def test_the_environment_is_the_sandboxs_own(probe, monkeypatch):
    _, m = probe(
        """
        import os
        def environment():
            return dict(os.environ)
        def plant():
            os.environ["PYTEST_PLUGINS"] = "evil"
            return os.environ["PYTEST_PLUGINS"]
        """,
        ("environment", "plant"),
    )
    env = m.environment()
    # PWD is bwrap's, LC_CTYPE Python's own locale coercion: nothing comes from the grader's environment.
    assert set(env) <= {"PATH", "HOME", "PWD", "LC_CTYPE", *sandbox.SINGLE_THREAD_ENV}
    m.plant()
    assert "PYTEST_PLUGINS" not in os.environ


def test_results_are_plain_data_and_lazy_objects_stay_behind(probe):
    worker, m = probe(
        """
        import numpy as np
        class Lazy:
            def __array__(self, dtype=None, copy=None):
                return np.ones(3)
        class Sub(np.ndarray):
            pass
        def lazy():
            return Lazy()
        def subclass():
            return np.zeros(3).view(Sub)
        def modifies(a):
            a[0] = 42
            return None
        def warns():
            import warnings
            warnings.warn("overflow", RuntimeWarning)
            return 1
        def raises():
            raise ValueError("bad \\udce9 input")
        """,
        ("lazy", "subclass", "modifies", "warns", "raises"),
    )
    assert type(m.lazy()) is proxy.Remote  # never turned into an array on the judge's side
    assert type(m.subclass()) is proxy.Remote  # only exact ndarrays cross
    a = np.zeros(3)
    m.modifies(a)
    assert a[0] == 42  # in-place changes come back, so "inputs are not modified" tests still see them
    with pytest.warns(RuntimeWarning, match="overflow"):
        m.warns()
    with pytest.raises(ValueError):
        m.raises()


def test_a_call_stopped_by_the_judge_ends_the_worker(probe):
    worker, m = probe(
        """
        def spin():
            while True:
                pass
        """,
        ("spin",),
    )

    def expire(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(TimeoutError):
            m.spin()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert worker.broken == proxy.STOPPED and not worker.alive()
    with pytest.raises(proxy.WorkerGone):
        m.spin()


def test_python_runs_isolated_from_the_callers_environment(monkeypatch, probe):
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("PYTHONSTARTUP", str(REPO / "nothing.py"))
    _, m = probe(
        """
        import sys
        def path():
            return list(sys.path)
        """,
        ("path",),
    )
    assert not any(str(REPO) == p for p in m.path())
    assert sys.executable  # the judge's own interpreter is untouched


# --- attacks on the grader, graded end to end -----------------------------------------------------------------

ATTACKS = sorted((REPO / "tests" / "adversarial" / "sandboxed").glob("*.py"))
PARTNER = "anchors"  # an honest kata graded beside each attack, in the same student's repository


def _declared(path: Path) -> tuple[str, dict, dict]:
    """KATA, EXPECT and MESSAGE of an attack, read without running it."""
    import ast

    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple):
            names = [getattr(t, "id", None) for t in node.targets[0].elts]
            if names[0] == "KATA":
                values.update(zip(names, ast.literal_eval(node.value)))
    return values["KATA"], values["EXPECT"], values.get("MESSAGE", {})


def _checkout_digest() -> dict[str, str]:
    """A digest of every file the grading reads from this checkout: tests, hidden tests, the grader."""
    import hashlib

    out = {}
    for part in ("exercises", "hidden_tests", "solutions", "grader", "tests"):
        for path in sorted((REPO / part).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".so", ".nbi", ".nbc", ".c"):
                out[str(path.relative_to(REPO))] = hashlib.sha1(path.read_bytes()).hexdigest()
    return out


def _student(root: Path, name: str, files: dict[str, Path]) -> None:
    """A student repository under ``root`` with ``files``: {kata slug: the file to submit for it}."""
    from grader.registry import find

    for slug, source in files.items():
        kata = find(slug)
        target = kata.stub_path(root / name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text())
        (target.parent / "_reference.py").write_text(kata.solution_path(REPO).read_text())


@pytest.mark.timing  # the honest katas' full points include their speed checks
def test_attacks_score_their_honest_points_and_change_nothing_else(tmp_path):
    import csv
    import subprocess

    from grader.registry import find

    katas = sorted({_declared(p)[0] for p in ATTACKS} | {PARTNER})
    students = tmp_path / "students"
    solutions = {slug: find(slug).solution_path(REPO) for slug in katas}
    _student(students, "a_honest", solutions)
    for path in ATTACKS:
        slug = _declared(path)[0]
        _student(students, f"b_{path.stem}", {**solutions, slug: path})
    _student(students, "z_not_started", {slug: find(slug).stub_path(REPO) for slug in katas})
    before = _checkout_digest()

    out = tmp_path / "grades.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "regrade", str(students), *katas, "--csv", str(out), "--sandbox", "bwrap"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    full = {slug: find(slug).points for slug in katas}

    for slug in katas:
        assert int(rows["a_honest"][slug]) == full[slug].total, rows["a_honest"]
        assert int(rows["z_not_started"][slug]) == 0, rows["z_not_started"]
    for path in ATTACKS:
        slug, expect, _ = _declared(path)
        row = rows[f"b_{path.stem}"]
        for group, points in expect.items():
            assert int(row[f"{slug}_{group}"]) == points, (path.stem, group, row)
        for other in katas:
            if other != slug:
                assert int(row[other]) == full[other].total, (path.stem, other, row)
    assert _checkout_digest() == before


@pytest.mark.timing  # some messages are the speed check's (too slow)
def test_attack_messages(tmp_path):
    """The attacks whose honest score has a reason say it: too slow, or the work left running."""
    from grader.registry import find

    for path in ATTACKS:
        slug, _, messages = _declared(path)
        if not messages:
            continue
        impl = tmp_path / path.stem
        target = find(slug).impl_path(impl)
        target.parent.mkdir(parents=True)
        target.write_text(path.read_text())
        (target.parent / "_reference.py").write_text(find(slug).solution_path(REPO).read_text())
        report = tmp_path / f"{path.stem}.json"
        import json
        import subprocess

        subprocess.run(
            [
                sys.executable,
                "-m",
                "grader",
                slug,
                "--impl",
                str(impl),
                "--sandbox",
                "bwrap",
                "--quiet",
                "--json",
                str(report),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
        checks = json.loads(report.read_text())["katas"][0]["checks"]
        for group, text in messages.items():
            assert text in checks[group]["message"], (path.stem, group, checks[group]["message"])
