"""The versions the project is built with, each written in one file that everything else reads.

- The Python version: ``.python-version`` at the checkout's root, the file actions/setup-python (CI), pyenv
  and uv read. The students' workflow is generated with it. The dev container's image tag cannot read a
  file: :func:`problems` checks it (and that CI reads the file) against the file.
- The torch requirement: ``grader/torch-requirement.txt``, package data, read by the Makefile (``TORCH``)
  and written into the students' workflow.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

PYTHON_VERSION_FILE = ".python-version"
TORCH_FILE = "torch-requirement.txt"
DEVCONTAINER = Path(".devcontainer") / "devcontainer.json"
CI_WORKFLOW = Path(".github") / "workflows" / "ci.yml"
_IMAGE = re.compile(r"^python:(?P<version>[0-9.]+)-")  # the official images: python:3.11-bookworm


def _first_line(text: str, name: str) -> str:
    """The first line of ``text`` that is neither blank nor a comment."""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            return line
    raise ValueError(f"{name} names no version")


def python_version(root: Path) -> str:
    """``3.11``: the Python version of the checkout at ``root``."""
    return _first_line((root / PYTHON_VERSION_FILE).read_text(encoding="utf-8"), PYTHON_VERSION_FILE)


def torch_requirement() -> str:
    """``torch==2.13.0``: the requirement pip installs torch with."""
    return _first_line(resources.files(__package__).joinpath(TORCH_FILE).read_text(encoding="utf-8"), TORCH_FILE)


def torch_version() -> str:
    """``2.13.0``: the version the requirement pins."""
    requirement = torch_requirement()
    name, sep, version = requirement.partition("==")
    if name.strip() != "torch" or not sep or not version.strip():
        raise ValueError(f"{TORCH_FILE}: expected torch==VERSION, got {requirement!r}")
    return version.strip()


def problems(root: Path) -> list[str]:
    """Where a file that cannot read the version files disagrees with them (empty when all agree)."""
    found = []
    version = python_version(root)
    image = json.loads((root / DEVCONTAINER).read_text(encoding="utf-8")).get("image", "")
    match = _IMAGE.match(image)
    if not match or match.group("version") != version:
        found.append(f"{DEVCONTAINER.as_posix()}: image {image!r} is not Python {version} ({PYTHON_VERSION_FILE})")
    ci = root / CI_WORKFLOW
    if ci.is_file() and re.search(r"^\s*python-version:", ci.read_text(encoding="utf-8"), re.MULTILINE):
        found.append(
            f"{CI_WORKFLOW.as_posix()}: names a python-version of its own; "
            f"use python-version-file: {PYTHON_VERSION_FILE}"
        )
    return found
