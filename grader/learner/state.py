"""The learner's local state, kept under ``.grade/`` in the checkout (ignored by git).

``last.json`` holds the most recent grade of each kata in ``exercises/``: its checks, when it was graded, and
a digest of the file that was graded, so ``python -m grader list`` can tell a result that still describes
the file from one the learner has edited since. Grading one kata (``make grade EX=nms``) replaces only
that kata's entry. Every grade is also appended to the history (:mod:`grader.learner.history`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from grader.learner import clock, history
from grader.paths import repo_root

VERSION = 1
STATE_DIR = ".grade"
LAST = "last.json"
# Only what `list` and `watch` read; the full report stays with `--json`.
CHECK_FIELDS = ("status", "message", "points", "max_points", "passed_tests", "total_tests", "ratio", "target")


class StateError(ValueError):
    """A state file exists but cannot be read as this module wrote it."""


def state_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / STATE_DIR


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_json(path: Path) -> dict:
    """A JSON object from ``path``; ``{}`` when the file does not exist. Raises StateError when unreadable."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise StateError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise StateError(f"cannot read {path}: not a JSON object")
    return data


def write_json(path: Path, data: dict) -> None:
    """Write atomically: a grade interrupted half-way must not leave a truncated file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # plain open(): the usual file permissions
    try:
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def now() -> str:
    return clock.stamp()


def _entry(result, root: Path, when: str) -> dict:
    kata = result.kata
    impl = Path(result.impl_file)
    try:
        shown = impl.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = str(impl)
    checks = {group: {f: getattr(check, f) for f in CHECK_FIELDS} for group, check in result.checks.items()}
    return {
        "number": kata.number,
        "file": shown,
        "sha256": file_digest(impl),
        "graded_at": when,
        "checks": checks,
    }


def _totals(entry: dict) -> dict:
    checks = entry["checks"]
    entry["points"] = sum(c.get("points") or 0 for c in checks.values())
    entry["max_points"] = sum(c.get("max_points") or 0 for c in checks.values())
    return entry


def save(results, root: Path | None = None) -> Path:
    """Record ``results`` (a list of :class:`grader.results.KataResult`) as the last grade of their katas.

    Other katas' entries are kept. A kata graded for some groups only (``--only``) keeps its other groups
    from the previous grade when the file has not changed since; otherwise its entry is replaced. Results
    spoiled by a grader setup error say nothing about the learner's code and are not recorded.
    """
    root = root or repo_root()
    path = state_dir(root) / LAST
    try:
        data = read_json(path)
    except StateError:
        data = {}  # an unreadable file is rebuilt from this grade on
    katas = data.get("katas") if isinstance(data.get("katas"), dict) else {}
    when = now()
    grades = []
    for result in results:
        if result.setup_error:
            continue
        entry = _entry(result, root, when)
        old = katas.get(result.kata.slug)
        if isinstance(old, dict) and old.get("sha256") == entry["sha256"] and isinstance(old.get("checks"), dict):
            kept = {g: c for g, c in old["checks"].items() if g not in entry["checks"]}
            if kept:
                merged = {**kept, **entry["checks"]}
                entry["checks"] = {g: merged[g] for g in sorted(merged, key=_group_order)}
                entry["graded_at_by_group"] = {
                    **{g: old.get("graded_at_by_group", {}).get(g, old.get("graded_at")) for g in kept},
                    **{g: when for g in result.checks},
                }
        katas[result.kata.slug] = _totals(entry)
        grades.append(history.Grade.from_entry(result.kata.slug, entry, result.checks, _measured_ratio(result)))
    data = {"version": VERSION, "updated": when, "katas": katas}
    write_json(path, data)
    history.record(path.parent, grades)
    return path


def _measured_ratio(result) -> float | None:
    """The speed ratio this grade measured; None for none, or for a lower bound (a call stopped early)."""
    speed = result.checks.get("speed")
    if speed is None or speed.ratio is None or speed.details.get("lower_bound"):
        return None
    return speed.ratio


def _group_order(group: str) -> int:
    from grader.registry import GROUPS

    return GROUPS.index(group) if group in GROUPS else len(GROUPS)


def load(root: Path | None = None) -> dict:
    """The last grade of each kata, by slug (``{}`` when nothing was graded yet).

    Raises StateError when the file exists but is not one this module wrote.
    """
    data = read_json(state_dir(root) / LAST)
    if not data:
        return {}
    katas = data.get("katas")
    if data.get("version") != VERSION or not isinstance(katas, dict):
        raise StateError(
            f"cannot read {state_dir(root) / LAST}: unknown format (delete it; the next grade rewrites it)"
        )
    return {slug: entry for slug, entry in katas.items() if isinstance(entry, dict)}
