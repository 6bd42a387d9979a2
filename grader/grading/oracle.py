"""A live oracle's answers, recorded once and read back: hidden tests graded against torch without importing it.

Importing torch takes over two seconds, paid by every judge of a kata whose hidden tests ask torch (a grading
workflow step, a notebook's test cell, a regrade of each student), for answers that depend on nothing but the
tests' own inputs. A hidden test wraps each function that asks torch in a :class:`Recorded` oracle::

    TORCH = Recorded(Path(__file__).with_name(ORACLE_FILE))

    @TORCH
    def torch_softmax(x: np.ndarray, dim: int) -> np.ndarray:
        return oracle_torch().softmax(oracle_torch().from_numpy(x), dim).numpy()

A call is keyed by a digest of its arguments (every array's dtype, shape and bytes; every scalar's type and
``repr``). A call recorded in the file returns the recorded result (or raises the recorded error); any other call
asks torch live. So the file changes no verdict: missing or stale, it makes grading slower, never different.
The function must be a pure function of its arguments, returning arrays, scalars, strings, ``None`` and tuples,
lists or dicts of them.

``CVKATAS_ORACLE`` chooses (the grader's judges inherit it):

- unset: recorded answers where there are some, torch live for the other calls;
- ``strict``: recorded answers only; a call not recorded fails its test (the test suite grades the reference
  solutions so, which proves the files complete);
- ``record:DIR``: every call asks torch, and its answer is also written to ``DIR/<tests folder>/<digest>.npz``.
  ``python -m grader dev record`` grades the reference solutions' hidden tests so, then merges each folder into
  the kata's ``oracle.npz``.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ORACLE_FILE = "oracle.npz"
MODE_VARIABLE = "CVKATAS_ORACLE"
STRICT = "strict"
RECORD = "record:"
INDEX = "index"


def asks_recorded_oracle(hidden_tests: Path) -> bool:
    """Whether the hidden test file ``hidden_tests`` asks a :class:`Recorded` oracle (its answers are then
    recorded beside it, in ``ORACLE_FILE``)."""
    return hidden_tests.is_file() and f"{Recorded.__name__}(" in hidden_tests.read_text(encoding="utf-8")


class NotRecorded(AssertionError):
    """Strict mode: a call the file has no answer for (an AssertionError, so that it fails its test)."""


def oracle_torch():
    """torch, imported on first use (only a call with no recorded answer gets here), on one thread: its OpenMP
    threads wait for each other on every tiny operation when the other cores are busy."""
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    return torch


# --- keys ------------------------------------------------------------------------------------------------------


def _feed(h, value: Any) -> None:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("an oracle's arguments cannot be object arrays")
        h.update(f"A{value.dtype.str}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.generic):
        h.update(f"S{value.dtype.str}".encode() + value.tobytes())
    elif isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        h.update(f"D{np.dtype(value).str};".encode())  # np.float32 and np.dtype("float32") alike
    elif isinstance(value, (tuple, list)):
        h.update(f"{type(value).__name__}{len(value)}(".encode())
        for item in value:
            _feed(h, item)
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}(".encode())
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
        h.update(b")")
    elif value is None or type(value) in (bool, int, float, str, bytes):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    else:
        raise TypeError(f"an oracle's arguments cannot be {type(value).__module__}.{type(value).__qualname__}")


def call_key(name: str, args: tuple, kwargs: dict) -> str:
    """The digest a call is recorded under: the function's name and its arguments, exactly."""
    h = hashlib.blake2b(digest_size=16)
    _feed(h, (name, args, kwargs))
    return h.hexdigest()


# --- answers: a JSON description, the arrays stored beside it ---------------------------------------------------


def _describe(value: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("an oracle cannot return object arrays")
        narrow = value.astype(np.float32) if value.dtype == np.float64 else None
        if narrow is not None and np.array_equal(narrow.astype(np.float64), value, equal_nan=True):
            # torch's float32 answers, widened by the test: stored as the float32 they are, half the bytes
            arrays.append(narrow)
            return {"array": len(arrays) - 1, "widen": "float64"}
        arrays.append(value)
        return {"array": len(arrays) - 1}
    if isinstance(value, np.generic):
        arrays.append(np.asarray(value))
        return {"scalar": len(arrays) - 1}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [_describe(v, arrays) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("an oracle's dicts must have string keys")
        return {"dict": {k: _describe(v, arrays) for k, v in value.items()}}
    if value is None or type(value) in (bool, int, float, str):
        return {"type": type(value).__name__, "value": value}  # JSON keeps NaN and the infinities
    raise TypeError(f"an oracle cannot return {type(value).__module__}.{type(value).__qualname__}")


def _rebuild(spec: Any, arrays: Callable[[int], np.ndarray]) -> Any:
    if "array" in spec:
        array = arrays(spec["array"])
        return array.astype(spec["widen"]) if "widen" in spec else array
    if "scalar" in spec:
        return arrays(spec["scalar"])[()]
    if "tuple" in spec:
        return tuple(_rebuild(s, arrays) for s in spec["tuple"])
    if "list" in spec:
        return [_rebuild(s, arrays) for s in spec["list"]]
    if "dict" in spec:
        return {k: _rebuild(s, arrays) for k, s in spec["dict"].items()}
    return float(spec["value"]) if spec["type"] == "float" else spec["value"]


def _builtin_error(exc: BaseException) -> type[Exception] | None:
    """The first built-in exception class of ``exc``'s type (torch's errors derive from RuntimeError and the
    like), or None for an error that is not an Exception."""
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins" and issubclass(cls, Exception):
            return cls
    return None


def encode(result: Any = None, error: BaseException | None = None) -> tuple[dict, list[np.ndarray]]:
    """A call's answer as (JSON-ready description, arrays): its result, or the error it raised."""
    arrays: list[np.ndarray] = []
    if error is not None:
        cls = _builtin_error(error)
        if cls is None:
            raise TypeError(f"cannot record {type(error).__name__}")
        return {"raises": cls.__name__, "message": str(error)}, arrays
    return {"returns": _describe(result, arrays)}, arrays


def decode(spec: dict, arrays: Callable[[int], np.ndarray]) -> Any:
    """Return the recorded result, or raise the recorded error (as its built-in class, with its message)."""
    if "raises" in spec:
        cls = getattr(builtins, spec["raises"], None)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            raise TypeError(f"not a built-in exception: {spec['raises']!r}")
        raise cls(spec["message"])
    return _rebuild(spec["returns"], arrays)


def write_answers(path: Path, answers: dict[str, tuple[dict, list[np.ndarray]]], compress: bool = True) -> None:
    """Save ``{key: (description, arrays)}`` to ``path`` (npz: the index as JSON, then the arrays)."""
    index = {key: spec for key, (spec, _) in answers.items()}
    stored = {f"{key}.{i}": a for key, (_, arrays) in answers.items() for i, a in enumerate(arrays)}
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:
        (np.savez_compressed if compress else np.savez)(
            f, **{INDEX: np.array(json.dumps(index, sort_keys=True))}, **stored
        )
    os.replace(tmp, path)


def read_answers(path: Path) -> dict[str, tuple[dict, list[np.ndarray]]]:
    """Every answer in ``path``, arrays loaded."""
    with np.load(path, allow_pickle=False) as data:
        index = json.loads(str(data[INDEX]))
        counts: dict[str, int] = {}
        for name in data.files:
            key, _, _ = name.partition(".")
            if name != INDEX:
                counts[key] = counts.get(key, 0) + 1
        return {key: (spec, [data[f"{key}.{i}"] for i in range(counts.get(key, 0))]) for key, spec in index.items()}


# --- the oracle --------------------------------------------------------------------------------------------------


class Recorded:
    """Decorates the functions that ask a live oracle: recorded answers from ``path`` (see the module's notes)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.mode = os.environ.get(MODE_VARIABLE, "")
        self._file = None
        self._index: dict[str, dict] = {}
        if not self.mode.startswith(RECORD) and self.path.is_file():
            self._file = np.load(self.path, allow_pickle=False)
            self._index = json.loads(str(self._file[INDEX]))

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def ask(*args, **kwargs):
            key = call_key(fn.__qualname__, args, kwargs)
            spec = self._index.get(key)
            if spec is not None:
                return decode(spec, lambda i: self._file[f"{key}.{i}"])
            if self.mode == STRICT:
                raise NotRecorded(
                    f"{fn.__name__}: no recorded answer for these arguments in {self.path.parent.name}/{self.path.name} "
                    f"({MODE_VARIABLE}={STRICT}): `python -m grader dev record` records them"
                )
            if not self.mode.startswith(RECORD):
                return fn(*args, **kwargs)
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                self._save(key, *encode(error=exc))
                raise
            self._save(key, *encode(result))
            return result

        return ask

    def _save(self, key: str, spec: dict, arrays: list[np.ndarray]) -> None:
        folder = Path(self.mode[len(RECORD) :]) / self.path.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        # one file per call, as the judges of a recording run may write side by side; merged afterwards
        write_answers(folder / f"{key}.npz", {key: (spec, arrays)}, compress=False)


def merge_recorded(folder: Path) -> dict[str, tuple[dict, list[np.ndarray]]]:
    """The answers a recording run wrote to ``folder`` (one ``<key>.npz`` per call)."""
    return {key: answer for part in sorted(folder.glob("*.npz")) for key, answer in read_answers(part).items()}
