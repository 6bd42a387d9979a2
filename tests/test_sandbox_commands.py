"""How each sandbox backend is started and chosen: no sandbox is needed to check the commands themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grader.grading import sandbox
from grader.grading.sandbox import Backend, Limits


@pytest.fixture
def scratch(tmp_path):
    folder = tmp_path / "impl"
    folder.mkdir()
    (folder / "iou.py").write_text("x = 1\n")
    (folder / "_helper.py").write_text("y = 2\n")
    (folder / "README.md").write_text("not code\n")
    (folder / "huge.py").write_bytes(b"#" * (sandbox.MAX_SUBMISSION_FILE + 1))
    made = sandbox.prepare_scratch(tmp_path / "scratch", folder / "iou.py")
    made.hidden = [str(tmp_path / "site-packages" / "torch")]
    return made


def test_scratch_holds_the_worker_and_the_submissions_python_files_only(scratch):
    assert sorted(p.name for p in scratch.root.iterdir()) == ["guard.py", "submission", "wire.py", "worker.py"]
    assert sorted(p.name for p in scratch.submission_dir.iterdir()) == ["_helper.py", "iou.py"]


def _pairs(argv: list[str], flag: str) -> list[tuple[str, str]]:
    return [(argv[i + 1], argv[i + 2]) for i, a in enumerate(argv) if a == flag]


def test_bwrap_shows_nothing_but_what_the_worker_needs(scratch):
    argv, env = sandbox.worker_command(Backend.BWRAP, scratch, Limits(memory_bytes=2**30, cpu=1))
    assert env is None and argv[0] == "bwrap"
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    assert "--bind" not in argv  # nothing of the machine is writable: /tmp is a private tmpfs
    assert (str(scratch.root), sandbox.SANDBOX_DIR) in _pairs(argv, "--ro-bind")
    assert argv[argv.index("--remount-ro") + 1] == "/"
    assert scratch.hidden[0] not in [src for src, _ in _pairs(argv, "--ro-bind")]
    worker = argv[argv.index("--") + 1 :]
    assert worker[1:3] == ["-I", f"{sandbox.SANDBOX_DIR}/worker.py"]
    assert worker[worker.index("--memory") + 1] == str(2**30) and worker[worker.index("--cpu") + 1] == "1"
    assert worker[-1] == f"{sandbox.SANDBOX_DIR}/submission/iou.py"


@pytest.mark.parametrize("engine", [Backend.DOCKER, Backend.PODMAN])
def test_containers_get_the_same_guarantees(engine, scratch, monkeypatch):
    monkeypatch.setattr(sandbox, "container_image", lambda name: f"{name}-worker-image")
    argv, _ = sandbox.worker_command(engine, scratch, Limits(memory_bytes=2**30, cpu=0))
    assert argv[:4] == [engine.value, "run", "--rm", "-i"]
    for flag, value in (
        ("--network", "none"),
        ("--cap-drop", "ALL"),
        ("--memory", str(2**30)),
        ("--cpuset-cpus", "0"),
        ("--security-opt", "no-new-privileges"),
    ):
        assert argv[argv.index(flag) + 1] == value
    assert "--read-only" in argv
    assert f"{scratch.root}:{sandbox.SANDBOX_DIR}:ro" in argv
    assert f"{engine.value}-worker-image" in argv


def test_none_runs_the_worker_from_the_scratch_folder(scratch):
    argv, env = sandbox.worker_command(Backend.NONE, scratch, Limits())
    assert argv[:3] == [sys.executable, "-I", f"{scratch.root}/worker.py"]
    assert set(env) == {"PATH", "HOME", *sandbox.SINGLE_THREAD_ENV}


def test_choice_of_backend(monkeypatch):
    monkeypatch.setattr(sandbox, "unavailable", lambda backend: None)
    assert sandbox.choose(None, protect=True) == (Backend.BWRAP, None)
    backend, note = sandbox.choose("none", protect=True)
    assert backend is Backend.NONE and "unprotected" in note
    monkeypatch.setattr(sandbox, "unavailable", lambda b: None if b is Backend.NONE else f"{b.value} is missing")
    backend, note = sandbox.choose(None, protect=False)  # a learner practising: graded all the same
    assert backend is Backend.NONE and "bwrap is missing" in note and "unprotected" in note
    with pytest.raises(sandbox.SandboxUnavailable):  # grades that count: never silently unprotected
        sandbox.choose(None, protect=True)
    with pytest.raises(sandbox.SandboxUnavailable, match="docker is missing"):
        sandbox.choose("docker", protect=False)


def test_exit_signals_are_read_the_same_way_everywhere():
    assert sandbox.exit_signal(Backend.NONE, -11) == 11
    assert sandbox.exit_signal(Backend.BWRAP, 139) == 11
    assert sandbox.exit_signal(Backend.DOCKER, 137) == 9
    assert sandbox.exit_signal(Backend.BWRAP, 3) is None and sandbox.exit_signal(Backend.NONE, None) is None


def test_forbidden_installed_packages_are_found_for_hiding():
    hidden = sandbox.hidden_packages({"torch": "", "numba": "", "json": "", "no_such_module": ""})
    names = {Path(p).name for p in hidden}
    assert {"torch", "numba"} <= names  # installed in the grader's environment
    assert "json" not in names  # the standard library is refused by the import guard instead
