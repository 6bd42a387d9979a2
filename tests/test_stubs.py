"""Stubs are generated from the solutions: in sync, and the generator rejects malformed markers."""

import pytest
from conftest import REPO

from grader import registry
from grader.stubs import StubError, make_stub, sync

SOLUTION = '''import numpy as np


def f(x):
    """Doc."""
    y = 1
    ### BEGIN SOLUTION
    return x + y
    ### END SOLUTION
'''


def test_blocks_become_not_implemented():
    stub = make_stub(SOLUTION)
    assert "return x + y" not in stub
    assert '    """Doc."""\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()\n' in stub
    assert stub.startswith("import numpy as np\n")


@pytest.mark.parametrize(
    "source",
    [
        "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",
        "def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n",
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n",
        "def f():\n    ### END SOLUTION\n",
    ],
    ids=["module-level", "nested", "unterminated", "end-without-begin"],
)
def test_malformed_markers_are_rejected(source):
    with pytest.raises(StubError):
        make_stub(source)


def test_committed_stubs_are_up_to_date():
    stale = sync(REPO, list(registry.KATAS), check=True)
    assert not stale, f"out of date (run `python -m grader stubs`): {stale}"


@pytest.mark.parametrize("kata", registry.KATAS, ids=lambda k: k.slug)
def test_stub_keeps_signatures_and_has_no_solution_code(kata):
    solution = (REPO / "solutions" / kata.folder / kata.filename).read_text()
    stub = (REPO / "exercises" / kata.folder / kata.filename).read_text()
    assert "### BEGIN SOLUTION" not in stub
    for fn in kata.functions:
        assert f"\ndef {fn}(" in stub
    assert stub.count("raise NotImplementedError()") == solution.count("### BEGIN SOLUTION")
