"""The speed check's measurement (grader.grading.timing.measure) on stand-in functions whose times are set by
sleeping: how many rounds it runs, and how it ends a call that is too slow or an answer that is wrong."""

import time

import numpy as np
import pytest

from grader.grading import timing


def run(base_s: float, sub_s: float, target: float, compare=lambda got, expected: None, **kwargs):
    def sleeper(seconds):
        def fn(inputs):
            time.sleep(seconds)
            return inputs.sum()

        return fn

    return timing.measure(
        make_inputs=lambda rng: rng.random(3),
        run_baseline=sleeper(base_s),
        run_submission=sleeper(sub_s),
        compare=compare,
        target=target,
        rng_for_round=np.random.default_rng,
        **kwargs,
    )


@pytest.mark.parametrize(
    "sub_s, target, passed", [(0.005, 50.0, True), (0.5, 2.0, False)], ids=["clear-pass", "clear-fail"]
)
def test_a_clear_verdict_stops_after_the_fewest_rounds(sub_s, target, passed):
    # 1x the baseline against a 50x target, 100x against 2x: every ratio is decisively inside or outside it,
    # even when a loaded machine stretches a sleep several times over
    result = run(0.005, sub_s, target=target)
    assert result.passed is passed and result.rounds == timing.MIN_ROUNDS, result


def test_a_close_call_runs_every_round():
    # the submission and the baseline take the same time, the target is 1x: no round decides it alone
    result = run(0.01, 0.01, target=1.0, rounds=7)
    assert result.rounds == 7 and len(result.ratios) == 7, result


def test_a_call_past_its_budget_is_stopped_and_reported_as_a_lower_bound():
    started = time.perf_counter()
    result = run(0.001, 5.0, target=2.0)
    assert not result.passed and result.lower_bound and "stopped after 1.0 s" in result.message, result
    assert time.perf_counter() - started < 4.0


def test_a_call_at_several_times_the_target_is_stopped_at_the_first_call():
    # 3.5x a 2x target, with the budget above its 1 s floor: stopped in the warm-up round, not timed three times
    result = run(0.2, 0.2 * 2.0 * 3.5, target=2.0)
    assert not result.passed and result.lower_bound and result.rounds == 0, result


def test_a_wrong_answer_on_the_workload_fails_without_a_ratio():
    result = run(0.001, 0.001, target=5.0, compare=lambda got, expected: "off by one")
    assert not result.passed and result.ratio is None and "off by one" in result.message, result
