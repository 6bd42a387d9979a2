"""Speed-verdict stability: grade the speed check of every kata many times, quiet and with the other core busy.

For each kata it grades the reference solution (must pass every time) and each known-slow submission in
tests/submissions/ (``CAUGHT_BY = "speed"``, must fail every time), and prints the spread of the measured
ratios against the target. ``make bench-stability`` runs it 20 times per load; the test suite grades the same
speed checks once, with the other core busy (``tests/test_speed_stability.py``). Usage::

    python benchmarks/speed_stability.py [--runs 10] [--load busy|quiet|both] [--json FILE] [--visible-gate] [SLUG ...]

``--json FILE`` also saves every run's ratio and verdict (``bench.py`` puts them in the benchmark report).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader import registry  # noqa: E402


def slow_submissions(slug: str) -> list[Path]:
    found = []
    for path in sorted((REPO / "tests" / "submissions" / slug).glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            is_caught_by = isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "CAUGHT_BY"
            if is_caught_by and ast.literal_eval(node.value) == "speed":
                found.append(path)
    return found


def reference_and_slow(katas) -> dict[str, dict[str, Path]]:
    """The study's submissions, by variant: ``{"reference": {slug: solution}, "python_loop": {slug: file}, ...}``
    (each known-slow submission under its file name, beside the other katas' submissions of that name)."""
    variants = {"reference": {k.slug: REPO / "solutions" / k.folder / k.filename for k in katas}}
    for kata in katas:
        for path in slow_submissions(kata.slug):
            variants.setdefault(path.stem, {})[kata.slug] = path
    return variants


def layout(root: Path, files: dict[str, Path]) -> Path:
    """An impl folder with, for each kata of ``files`` (``{slug: file}``), that file as the kata's submission and
    the reference solution beside it as ``_reference.py`` (the known-bad submissions import from it)."""
    for slug, source in files.items():
        kata = registry.find(slug)
        folder = root / kata.folder
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "solutions" / kata.folder / kata.filename, folder / "_reference.py")
        shutil.copy(source, folder / kata.filename)
    return root


# Set by tests/suite.py for its timing lane: the process id of the other lane, which keeps the other cores busy
# while it runs.
OTHER_CORES_LOADED = "CVKATAS_OTHER_CORES_LOADED"


def _other_part_running() -> bool:
    pid = os.environ.get(OTHER_CORES_LOADED, "")
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except OSError:
        return False
    return True


@contextmanager
def busy_core(enabled: bool):
    """Keep another core busy while grading: one spinning process, allowed on every CPU but the one the grader
    runs a kata on (the highest it may use). Nothing is started while the test suite's other lane is running
    beside this one (``tests/suite.py``): it keeps those cores busy already."""
    proc = None
    if enabled and not _other_part_running():
        pin = ""
        if hasattr(os, "sched_getaffinity"):
            others = set(range(os.cpu_count() or 1)) - {max(os.sched_getaffinity(0))}
            pin = f"import os; os.sched_setaffinity(0, {others})\n" if others else ""
        proc = subprocess.Popen([sys.executable, "-c", pin + "while True: pass"])
    try:
        yield
    finally:
        if proc:
            proc.kill()
            proc.wait()


def speed_ratios(impl: Path, slugs: list[str], grader_args: tuple[str, ...] = ()) -> dict[str, dict]:
    """The speed check of each kata of ``slugs`` in ``impl``: one grader run, ``--only speed`` (plus
    ``grader_args``)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "grader",
                *slugs,
                "--impl",
                str(impl),
                "--only",
                "speed",
                *grader_args,
                "--json",
                str(out),
                "--quiet",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if not out.exists():
            raise RuntimeError(f"the grader wrote no report (exit code {proc.returncode}): {proc.stderr[-2000:]}")
        report = json.loads(out.read_text())
    return {k["kata"]: k["checks"]["speed"] for k in report["katas"]}


def study(katas, runs: int, busy: bool, variants: dict[str, dict[str, Path]] | None = None, hidden_gate: bool = True):
    """{(slug, variant): [speed check result per run]} for ``variants`` (``{variant: {slug: file}}``, one grader
    run each; default: the reference solutions and the known-slow submissions of ``katas``).

    ``hidden_gate=False`` grades with an empty hidden-tests folder, so that the speed check's gate runs the
    visible tests only: the timing is the same, in half the time (the test suite checks the hidden tests apart)."""
    variants = reference_and_slow(katas) if variants is None else variants
    results: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp, busy_core(busy):
        grader_args: tuple[str, ...] = ()
        if not hidden_gate:
            no_hidden = Path(tmp) / "no-hidden-tests"
            no_hidden.mkdir()
            grader_args = ("--hidden", str(no_hidden))
        impls = {v: layout(Path(tmp) / v, files) for v, files in variants.items()}
        for _ in range(runs):
            for variant, files in variants.items():
                for slug, check in speed_ratios(impls[variant], list(files), grader_args).items():
                    results.setdefault((slug, variant), []).append(check)
    return results


def summarise(results, label: str) -> list[str]:
    lines = [
        "| kata | submission | load | runs | ratio min | median | max | target | passed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (slug, variant), checks in sorted(results.items()):
        ratios = [c["ratio"] for c in checks if c.get("ratio") is not None]
        passed = sum(c["status"] == "passed" for c in checks)
        bound = ">" if any(c.get("details", {}).get("lower_bound") for c in checks) else ""
        spread = (
            tuple(f"{bound}{x:.1f}x" for x in (min(ratios), statistics.median(ratios), max(ratios)))
            if ratios
            else ("-", "-", "-")
        )
        target = checks[0].get("target")
        lines.append(
            f"| {slug} | {variant} | {label} | {len(checks)} | {' | '.join(spread)} | {target:g}x | {passed}/{len(checks)} |"
        )
    return lines


def run_study(katas, runs: int, loads: list[bool], log=print, hidden_gate: bool = True) -> dict:
    """The study as a JSON-ready record: every run's ratio and verdict per (kata, submission, load), and the
    number of verdicts different from the expected one (reference: passed; known-slow: failed)."""
    record = {
        "runs": runs,
        "rows": [],
        "flips": 0,
        "started": time.strftime("%Y-%m-%d %H:%M"),
        "hidden_gate": hidden_gate,
    }
    t0 = time.perf_counter()
    for busy in loads:
        label = "other core busy" if busy else "quiet"
        results = study(katas, runs, busy, hidden_gate=hidden_gate)
        log("\n".join(summarise(results, label)) + "\n")
        for (slug, variant), checks in sorted(results.items()):
            want = "passed" if variant == "reference" else "failed"
            flips = sum(c["status"] != want for c in checks)
            record["flips"] += flips
            record["rows"].append(
                {
                    "kata": slug,
                    "submission": variant,
                    "load": label,
                    "expected": want,
                    "flips": flips,
                    "target": checks[0].get("target"),
                    "ratios": [c.get("ratio") for c in checks],
                    "statuses": [c["status"] for c in checks],
                    "lower_bound": any(c.get("details", {}).get("lower_bound") for c in checks),
                    "baseline_ms": [c.get("details", {}).get("baseline_ms") for c in checks],
                }
            )
    record["seconds"] = time.perf_counter() - t0
    return record


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("katas", nargs="*")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--load", choices=("busy", "quiet", "both"), default="both")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write every run's ratio and verdict as JSON")
    p.add_argument(
        "--visible-gate",
        action="store_true",
        help="time once the visible tests pass, without running the hidden tests first (the same timing, in half "
        "the time)",
    )
    args = p.parse_args(argv)
    katas = registry.select(args.katas)
    loads = {"busy": [True], "quiet": [False], "both": [False, True]}[args.load]
    record = run_study(katas, args.runs, loads, hidden_gate=not args.visible_gate)
    if args.json:
        args.json.write_text(json.dumps(record, indent=1) + "\n")
    print(f"verdicts different from the expected one: {record['flips']}")
    return 1 if record["flips"] else 0


if __name__ == "__main__":
    sys.exit(main())
