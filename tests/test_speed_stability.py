"""The speed verdict is stable: with the machine's other core busy, the reference passes and every known-slow
submission fails.

A short check, sharing its gradings with the tests that read the same verdicts: the reference solutions' full
grade (``solutions_run``, test_grading.py) and the known-bad submissions' speed checks (``busy_speed_checks``,
test_known_bad.py) both run with the other core kept busy; the classroom test times the reference once more,
quiet. ``make bench-stability`` runs the long study: 20 runs per load (benchmarks/speed_stability.py).
"""

import pytest
from conftest import SPEED_BATCHES, load_speed_stability

from grader import registry


def test_every_kata_has_a_known_slow_submission():
    stability = load_speed_stability()
    for kata in registry.KATAS:
        assert stability.slow_submissions(kata.slug), f"{kata.slug} has no known-slow submission"


@pytest.mark.timing
def test_verdicts_hold_with_the_other_core_busy(solutions_run, busy_speed_checks):
    stability = load_speed_stability()
    for kata in registry.KATAS:
        check = solutions_run.kata(kata.slug)["checks"]["speed"]
        assert check["status"] == "passed", (kata.slug, "reference", check["message"])
        for path in stability.slow_submissions(kata.slug):
            # its batch among the known-bad submissions' speed checks (test_known_bad.py reads the same verdict)
            (k,) = [k for k, batch in enumerate(SPEED_BATCHES) if batch.get(kata.slug) == path]
            check = busy_speed_checks[kata.slug, f"known-bad-{k}"]
            assert check["status"] == "failed" and "too slow" in check["message"], (
                kata.slug,
                path.stem,
                check["message"],
            )
