"""The static scan flags forbidden imports and tampering however they are spelled, and nothing in honest code."""

import pytest
from conftest import REPO, SUBMISSIONS

from grader.grading.guard import ImportGuard, forbidden_reason, scan_source
from grader.registry import KATAS, find

FORBIDDEN = find("coco_map").forbidden_imports


@pytest.mark.parametrize(
    "source, what",
    [
        ("import torchvision.ops as ops", "imports torchvision.ops"),
        ("from torchvision import ops", "imports torchvision"),
        ("def f():\n    import torch\n", "imports torch"),
        ("from pycocotools import cocoeval", "imports pycocotools"),
        ("__import__('cv2')", "imports cv2"),
        ("import importlib\nimportlib.import_module('faster_coco_eval')", "imports importlib"),
        ("m = __import__(name)", "calls __import__ with a computed name"),
        ("import sys as s\ns.modules['grader.grading.harness']", "uses sys.modules"),
        ("from sys import _getframe", "uses sys._getframe"),
        ("import os\nos.write(3, b'x')", "uses os.write"),
        ("import os\nos.execv('/bin/sh', [])", "uses os.execv"),
        ("exec('import torch')", "uses exec"),
        ("f = lambda: 0\nf.__globals__['np']", "uses .__globals__"),
        ("object.__subclasses__()", "uses .__subclasses__"),
        ("from grader.baselines import coco_map", "imports grader"),
        ("import solutions", "imports solutions"),
    ],
)
def test_flags(source, what):
    found = scan_source(source, FORBIDDEN)
    assert found and what in found[0].what, found


def test_scipy_submodule_forbidden_only_where_listed():
    assert scan_source("from scipy import signal", find("conv2d").forbidden_imports)
    assert not scan_source("from scipy import signal", find("iou").forbidden_imports)
    assert forbidden_reason("scipy.ndimage.filters", find("roi_align").forbidden_imports)
    assert forbidden_reason("torchvisionx", FORBIDDEN) is None  # a prefix is not a parent module


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_solutions_and_known_bad_submissions_are_clean(kata):
    """Honest code, including every known-bad submission (wrong, not dishonest), passes the scan."""
    paths = [REPO / "solutions" / kata.folder / kata.filename, *sorted((SUBMISSIONS / kata.slug).glob("*.py"))]
    for path in paths:
        assert scan_source(path.read_text(), kata.forbidden_imports) == [], path.name


def test_import_guard_blocks_submission_code_only(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "shortcut.py").write_text("import json\nimport grader.registry\n")
    guard = ImportGuard(str(folder), {"grader": "the project's answers", "json": "test"})
    guard.install()
    try:
        import json  # noqa: F401  (this file is outside the folder: allowed)
        import sys

        sys.path.insert(0, str(folder))
        with pytest.raises(ImportError, match="forbidden: shortcut.py imports json"):
            import shortcut  # noqa: F401
        assert guard.violations == ["forbidden: shortcut.py imports json (test)"]
    finally:
        import builtins
        import importlib

        builtins.__import__ = guard._import
        importlib.import_module = guard._import_module
        sys.path.remove(str(folder))
        sys.modules.pop("shortcut", None)
