"""Recorded oracles (grader.grading.oracle): torch's answers read back by the exact arguments, asked live otherwise,
so that the recorded file changes no verdict; and the recorded files of this checkout answer every call the
reference solutions' hidden tests make, without torch."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, run_grader

from grader import registry
from grader.dev.record import records
from grader.grading import oracle, zygote
from grader.grading.oracle import MODE_VARIABLE, RECORD, STRICT, NotRecorded, Recorded, call_key

RECORDED_KATAS = [k for k in registry.KATAS if records(REPO, k)]


class Calls:
    """An oracle function that counts its calls (``.fn``): an answer was recorded if the count does not move."""

    def __init__(self):
        self.count = 0

        def torch_scale(x, scale=1.0, kind="float64"):
            self.count += 1
            if scale < 0:
                raise ValueError(f"scale {scale} < 0")
            return {"y": (x * scale).astype(kind), "sum": float(x.sum()), "shape": tuple(x.shape), "none": None}

        self.fn = torch_scale


def recorded(tmp_path, monkeypatch, calls: Calls, *argsets) -> Path:
    """Record ``calls`` on each of ``argsets`` ((args, kwargs) pairs) as `dev record` does; return the file."""
    monkeypatch.setenv(MODE_VARIABLE, RECORD + str(tmp_path / "parts"))
    target = tmp_path / "kata" / oracle.ORACLE_FILE
    target.parent.mkdir()
    ask = Recorded(target)(calls.fn)
    for args, kwargs in argsets:
        try:
            ask(*args, **kwargs)
        except ValueError:
            pass
    oracle.write_answers(target, oracle.merge_recorded(tmp_path / "parts" / "kata"))
    monkeypatch.delenv(MODE_VARIABLE)
    return target


X = np.arange(6, dtype=np.float64).reshape(2, 3) / 7


def test_a_recorded_call_is_answered_without_asking(tmp_path, monkeypatch):
    calls = Calls()
    path = recorded(tmp_path, monkeypatch, calls, ((X,), {"scale": 2.0}))
    assert calls.count == 1
    ask = Recorded(path)(calls.fn)
    first = ask(X, scale=2.0)
    assert calls.count == 1
    np.testing.assert_array_equal(first["y"], X * 2.0)
    assert first["y"].dtype == np.float64 and first["sum"] == float(X.sum()) and first["shape"] == (2, 3)
    assert first["none"] is None
    first["y"][...] = 0  # each answer is a fresh array
    np.testing.assert_array_equal(ask(X, scale=2.0)["y"], X * 2.0)
    assert calls.count == 1


def test_any_other_call_is_asked_live(tmp_path, monkeypatch):
    calls = Calls()
    path = recorded(tmp_path, monkeypatch, calls, ((X,), {"scale": 2.0}))
    ask = Recorded(path)(calls.fn)
    for args, kwargs in [
        ((X,), {"scale": 3.0}),  # another value
        ((X,), {"scale": 2}),  # 2 is not 2.0
        ((X.astype(np.float32),), {"scale": 2.0}),  # another dtype
        ((X.reshape(3, 2),), {"scale": 2.0}),  # another shape, the same bytes
        ((X + 1e-16,), {"scale": 2.0}),  # another last bit
        ((X, 2.0), {}),  # positional instead of keyword
    ]:
        before = calls.count
        ask(*args, **kwargs)
        assert calls.count == before + 1, (args, kwargs)
    assert Recorded(tmp_path / "none.npz")(calls.fn)(X, scale=2.0)["sum"] == float(X.sum())  # no file: all live


def test_strict_mode_fails_an_unrecorded_call(tmp_path, monkeypatch):
    calls = Calls()
    path = recorded(tmp_path, monkeypatch, calls, ((X,), {}))
    monkeypatch.setenv(MODE_VARIABLE, STRICT)
    ask = Recorded(path)(calls.fn)
    ask(X)
    with pytest.raises(NotRecorded, match=r"torch_scale: no recorded answer .* `python -m grader dev record`"):
        ask(X, scale=5.0)
    assert issubclass(NotRecorded, AssertionError)  # it fails the test that made the call
    assert calls.count == 1


def test_a_recorded_error_is_raised_again(tmp_path, monkeypatch):
    class TorchLikeError(ValueError):
        pass

    def raising(x):
        raise TorchLikeError("Expected 4D input, got 2D")

    monkeypatch.setenv(MODE_VARIABLE, RECORD + str(tmp_path / "parts"))
    target = tmp_path / "kata" / oracle.ORACLE_FILE
    target.parent.mkdir()
    with pytest.raises(TorchLikeError):
        Recorded(target)(raising)(X)
    oracle.write_answers(target, oracle.merge_recorded(tmp_path / "parts" / "kata"))
    monkeypatch.setenv(MODE_VARIABLE, STRICT)
    with pytest.raises(ValueError, match="Expected 4D input, got 2D") as caught:
        Recorded(target)(raising)(X)
    assert type(caught.value) is ValueError  # the first built-in class of the error


def test_answers_keep_their_types_and_values(tmp_path):
    answers = {
        "k": oracle.encode(
            (
                np.array([1.5, np.nan, -np.inf, 0.1]),  # 0.1 is not a float32: stored as float64
                np.array([1.5, np.nan, 2.0]),  # float32-exact float64: stored narrow, widened back
                np.array([[3, -1]], dtype=np.int64),
                np.float32(0.25),
                [float("nan"), 2, True, "s", None],
                {"a": np.zeros((0, 3))},
            )
        )
    }
    oracle.write_answers(tmp_path / "a.npz", answers)
    (spec, arrays) = oracle.read_answers(tmp_path / "a.npz")["k"]
    a, b, ints, scalar, items, d = oracle.decode(spec, lambda i: arrays[i])
    np.testing.assert_array_equal(a, [1.5, np.nan, -np.inf, 0.1])
    assert a.dtype == b.dtype == np.float64 and arrays[1].dtype == np.float32
    np.testing.assert_array_equal(b, [1.5, np.nan, 2.0])
    assert ints.dtype == np.int64 and ints.tolist() == [[3, -1]]
    assert type(scalar) is np.float32 and scalar == 0.25
    assert np.isnan(items[0]) and items[1:] == [2, True, "s", None] and type(items[1]) is int
    assert d["a"].shape == (0, 3)


@pytest.mark.parametrize("bad", [object(), np.array([object()]), {1, 2}])
def test_arguments_that_cannot_be_keyed_are_refused(bad):
    with pytest.raises(TypeError, match="an oracle's arguments cannot be"):
        call_key("f", (bad,), {})


def test_keys_tell_dtypes_and_scalars_apart():
    keys = {
        call_key("f", (value,), {})
        for value in (1, 1.0, True, "1", None, np.float32(1), np.float64(1), np.int64(1), np.float32, (1,), [1])
    }
    assert len(keys) == 11
    assert call_key("f", (np.float32,), {}) == call_key("f", (np.dtype("float32"),), {})
    assert call_key("f", (1,), {}) != call_key("g", (1,), {})


@pytest.mark.parametrize("kata", RECORDED_KATAS, ids=lambda k: k.slug)
def test_hidden_tests_that_record_import_no_torch(kata):
    """torch is imported only by a call the file does not answer: never at the hidden tests' top level (the
    zygote would preload it for every judge)."""
    path = kata.hidden_tests_path(REPO / "hidden_tests")
    assert not [m for m in zygote.preloads(None, path, kata.module) if m.partition(".")[0] == "torch"]
    tree = ast.parse(path.read_text())
    assert any(isinstance(n, ast.Name) and n.id == "Recorded" for n in ast.walk(tree))


@pytest.mark.slow
def test_the_recorded_files_answer_every_call_of_the_solutions(tmp_path, monkeypatch):
    """The reference solutions' hidden tests pass with recorded answers only: `dev record` is up to date."""
    assert {k.slug for k in RECORDED_KATAS} >= {"conv2d", "normalization", "cross_entropy", "pooling"}
    monkeypatch.setenv(MODE_VARIABLE, STRICT)
    run = run_grader(*(k.slug for k in RECORDED_KATAS), "--impl", "solutions", "--only", "hidden", tmp_path=tmp_path)
    for kata in RECORDED_KATAS:
        check = run.kata(kata.slug)["checks"]["hidden"]
        assert check["status"] == "passed", check["message"]


def test_dev_record_leaves_the_other_katas_alone(capsys):
    from grader.dev.record import record

    assert record(REPO, [registry.find("iou"), registry.find("coco_map")]) == 0
    assert "none of these katas' hidden tests ask a recorded oracle" in capsys.readouterr().out
