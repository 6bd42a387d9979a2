"""What `make` installs: torch (the hidden extra) only where hidden tests run, and then its CPU build, the exact
pin from PyTorch's CPU index unless TORCH_INDEX_URL says otherwise; a student repository installs no torch.
Read from `make -n` (the commands make would run), so nothing is installed here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from grader import toolchain
from grader.teacher import classroom

CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def planned_setup(root: Path, *variables: str) -> str:
    # the Makefile's own default, whatever the caller's environment says (.ci/run may set TORCH_INDEX_URL)
    env = {k: v for k, v in os.environ.items() if k not in ("TORCH_INDEX_URL", "MAKEFLAGS", "MAKELEVEL")}
    proc = subprocess.run(
        ["make", "-n", "-B", "setup", *variables], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("install") / "student"
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "export", "student", str(target), "iou"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return target


def test_the_full_checkout_installs_torchs_cpu_build_and_says_so():
    plan = planned_setup(REPO)
    pin = toolchain.torch_requirement()
    assert f"--extra-index-url {CPU_INDEX} {pin}" in plan
    assert f"{pin} for the hidden tests: the CPU build from {CPU_INDEX}" in plan  # what make prints
    assert "-e '.[dev,hidden]'" in plan
    assert classroom.TORCH_INDEX_DEFAULT == CPU_INDEX  # the workflow's variable has the same default


def test_an_empty_index_variable_takes_torch_from_the_configured_indexes():
    plan = planned_setup(REPO, "TORCH_INDEX_URL=")
    pin = toolchain.torch_requirement()
    assert "--extra-index-url" not in plan and f"{pin} for the hidden tests: from pip's configured indexes" in plan


def test_a_student_repository_installs_no_torch(student):
    plan = planned_setup(student)
    assert "torch==" not in plan and "hidden]" not in plan and "pycocotools" not in plan
    assert "no torch: only the hidden tests need it" in plan
    assert "-e '.'" in plan
