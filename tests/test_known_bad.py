"""Every known-bad submission in tests/submissions/ is caught by the check group it declares.

``CAUGHT_BY = "hidden"``: a wrong answer the hidden tests must catch. ``"speed"``: correct but slow, so visible and
hidden pass and the speed check fails. ``None``: a correct alternative that must score full marks.

The submissions are graded in batches: batch k is one folder holding the k-th submission of every kata, graded by
one grader run (each kata still in a subprocess of its own); each submission is still a test of its own, which
reads its kata's line of the batch's report. Two parts:

- the hidden tests of every submission (``TestHiddenBatchNN``: a class per batch, so that ``--dist loadscope``
  sends a batch's tests to one pytest-xdist worker), run with the other tests that time nothing. They stop at
  the first failure (``--exitfirst``), which is all "is it caught" needs; a submission that must pass them runs
  them all;
- the speed check of every ``"speed"`` and ``None`` submission (``timing``: run serially on a core of their own,
  with the other core kept busy; see ``busy_speed_checks`` in conftest.py). Graded alone, the speed check is timed
  only once the visible tests pass, so a timed verdict also says that the visible tests passed.
"""

import pytest
from conftest import KNOWN_BAD, SPEED_BATCHES, batches, caught_by, make_batch, run_grader

CAUGHT = {path: caught_by(path) for path in KNOWN_BAD}
HIDDEN_BATCHES = batches(KNOWN_BAD)


def case_id(path):
    return f"{path.parent.name}/{path.stem}"


def test_every_submission_declares_what_catches_it():
    assert set(CAUGHT.values()) <= {"hidden", "speed", None}, CAUGHT
    for slug in {p.parent.name for p in KNOWN_BAD}:
        kinds = {CAUGHT[p] for p in KNOWN_BAD if p.parent.name == slug}
        assert {"hidden", "speed"} <= kinds, f"{slug}: needs submissions caught by the hidden tests and by speed"
    # every submission is in exactly one batch of each part it reaches
    assert sorted(p for b in HIDDEN_BATCHES for p in b.values()) == KNOWN_BAD
    assert sorted(p for b in SPEED_BATCHES for p in b.values()) == [p for p in KNOWN_BAD if CAUGHT[p] != "hidden"]


def _hidden_batch_class(k: int, batch: dict):
    @pytest.mark.slow
    class HiddenBatch:
        @pytest.fixture(scope="class")
        @classmethod
        def run(cls, tmp_path_factory):
            """The batch's hidden tests, one grader run for all its katas, stopped at each one's first failure."""
            tmp = tmp_path_factory.mktemp(f"known-bad-hidden-{k}")
            impl = make_batch(tmp / "impl", batch)
            run = run_grader(*batch, "--impl", str(impl), "--only", "hidden", "--exitfirst", tmp_path=tmp)
            assert run.report is not None, run.stdout + run.stderr
            return run

        @pytest.mark.parametrize("path", list(batch.values()), ids=case_id)
        def test_hidden_tests_decide_as_declared(self, path, run):
            check = run.kata(path.parent.name)["checks"]["hidden"]
            expected = "failed" if CAUGHT[path] == "hidden" else "passed"
            assert check["status"] == expected, check["message"]
            # the exit status says whether anything in the batch failed
            assert run.code == (1 if any(CAUGHT[p] == "hidden" for p in batch.values()) else 0), run.stdout

    HiddenBatch.__name__ = HiddenBatch.__qualname__ = f"TestHiddenBatch{k:02d}"
    HiddenBatch.__doc__ = f"Batch {k}: " + ", ".join(case_id(p) for p in batch.values())
    return HiddenBatch


for _k, _batch in enumerate(HIDDEN_BATCHES):
    globals()[f"TestHiddenBatch{_k:02d}"] = _hidden_batch_class(_k, _batch)


@pytest.mark.timing
@pytest.mark.parametrize(
    "k, path",
    [pytest.param(k, path, id=case_id(path)) for k, batch in enumerate(SPEED_BATCHES) for path in batch.values()],
)
def test_speed_check_decides_as_declared(k, path, busy_speed_checks):
    check = busy_speed_checks[path.parent.name, f"known-bad-{k}"]
    # timed (so the visible tests passed), and not stopped for a wrong answer on the speed workload
    assert check["status"] in ("passed", "failed") and check["ratio"] is not None, check["message"]
    if CAUGHT[path] == "speed":
        assert check["status"] == "failed" and "too slow" in check["message"], check["message"]
    else:
        assert check["status"] == "passed", check["message"]
