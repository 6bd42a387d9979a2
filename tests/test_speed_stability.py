"""The speed verdict is stable: with the other core busy, the reference passes and every known-slow
submission fails, run after run (benchmarks/speed_stability.py runs the longer study)."""
import importlib.util

from conftest import REPO
from grader import registry

spec = importlib.util.spec_from_file_location("speed_stability", REPO / "benchmarks" / "speed_stability.py")
stability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stability)


def test_verdicts_hold_with_the_other_core_busy():
    results = stability.study(list(registry.KATAS), runs=3, busy=True)
    for kata in registry.KATAS:
        assert (kata.slug, "reference") in results
        assert stability.slow_submissions(kata.slug), f"{kata.slug} has no known-slow submission"
    for (slug, variant), checks in results.items():
        want = "passed" if variant == "reference" else "failed"
        statuses = [c["status"] for c in checks]
        assert statuses == [want] * len(checks), (slug, variant, [c["message"] for c in checks])
