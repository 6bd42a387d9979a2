"""Where the repository's folders are: the checkout the grader runs in."""

from __future__ import annotations

import os
from pathlib import Path

# The checkout's root as messages show it: paths built on it (``kata.readme_path(CHECKOUT)``) come out
# relative, ``exercises/01_iou/README.md``.
CHECKOUT = Path()
HIDDEN_TESTS = "hidden_tests"  # the checkout's folder of hidden tests


def repo_root() -> Path:
    """The checkout holding ``exercises/``: the working directory if it has one, else the package's parent."""
    cwd = Path.cwd()
    if (cwd / "exercises").is_dir():
        return cwd
    return Path(__file__).resolve().parents[1]


def default_hidden_tests(root: Path) -> Path:
    env = os.environ.get("CVKATAS_HIDDEN_TESTS")
    return Path(env) if env else root / HIDDEN_TESTS
