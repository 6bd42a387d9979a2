"""Speed-verdict stability: grade the speed check of every kata many times, quiet and with the other core busy.

For each kata it grades the reference solution (must pass every time) and each known-slow submission in
tests/submissions/ (``CAUGHT_BY = "speed"``, must fail every time), and prints the spread of the measured
ratios against the target. Usage::

    python benchmarks/speed_stability.py [--runs 10] [--load busy|quiet|both] [--json FILE] [SLUG ...]

``--json FILE`` also saves every run's ratio and verdict (``bench.py`` puts them in the benchmark report).
"""
from __future__ import annotations

import argparse
import ast
import json
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
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "CAUGHT_BY":
                if ast.literal_eval(node.value) == "speed":
                    found.append(path)
    return found


def layout(root: Path, katas, variant: str) -> Path:
    """An impl folder with, for each kata, the reference solution or the named slow submission."""
    for kata in katas:
        folder = root / kata.folder
        folder.mkdir(parents=True, exist_ok=True)
        solution = REPO / "solutions" / kata.folder / kata.filename
        shutil.copy(solution, folder / "_reference.py")
        source = solution if variant == "reference" else REPO / "tests" / "submissions" / kata.slug / f"{variant}.py"
        shutil.copy(source, folder / kata.filename)
    return root


@contextmanager
def busy_core(enabled: bool):
    """Keep one core spinning (the machine's other core, on a 2-core machine) while grading."""
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if enabled else None
    try:
        yield
    finally:
        if proc:
            proc.kill()
            proc.wait()


def speed_ratios(impl: Path, katas) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "grader", *[k.slug for k in katas], "--impl", str(impl), "--only", "speed",
             "--json", str(out), "--quiet"],
            cwd=REPO, capture_output=True, text=True, timeout=1800,
        )
        report = json.loads(out.read_text())
    return {k["kata"]: k["checks"]["speed"] for k in report["katas"]}


def study(katas, runs: int, busy: bool) -> dict[tuple[str, str], list[dict]]:
    """{(slug, variant): [speed check result per run]}"""
    variants = {"reference": list(katas)}
    for kata in katas:
        for path in slow_submissions(kata.slug):
            variants.setdefault(path.stem, []).append(kata)
    results: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp, busy_core(busy):
        impls = {v: layout(Path(tmp) / v, ks, v) for v, ks in variants.items()}
        for _ in range(runs):
            for variant, ks in variants.items():
                for slug, check in speed_ratios(impls[variant], ks).items():
                    results.setdefault((slug, variant), []).append(check)
    return results


def summarise(results, label: str) -> list[str]:
    lines = [f"| kata | submission | load | runs | ratio min | median | max | target | passed |", "|---|---|---|---|---|---|---|---|---|"]
    for (slug, variant), checks in sorted(results.items()):
        ratios = [c["ratio"] for c in checks if c.get("ratio") is not None]
        passed = sum(c["status"] == "passed" for c in checks)
        bound = ">" if any(c.get("details", {}).get("lower_bound") for c in checks) else ""
        fmt = lambda x: f"{bound}{x:.1f}x"  # noqa: E731
        spread = (fmt(min(ratios)), fmt(statistics.median(ratios)), fmt(max(ratios))) if ratios else ("-", "-", "-")
        target = checks[0].get("target")
        lines.append(f"| {slug} | {variant} | {label} | {len(checks)} | {' | '.join(spread)} | {target:g}x | {passed}/{len(checks)} |")
    return lines


def run_study(katas, runs: int, loads: list[bool], log=print) -> dict:
    """The study as a JSON-ready record: every run's ratio and verdict per (kata, submission, load), and the
    number of verdicts different from the expected one (reference: passed; known-slow: failed)."""
    record = {"runs": runs, "rows": [], "flips": 0, "started": time.strftime("%Y-%m-%d %H:%M")}
    t0 = time.perf_counter()
    for busy in loads:
        label = "other core busy" if busy else "quiet"
        results = study(katas, runs, busy)
        log("\n".join(summarise(results, label)) + "\n")
        for (slug, variant), checks in sorted(results.items()):
            want = "passed" if variant == "reference" else "failed"
            flips = sum(c["status"] != want for c in checks)
            record["flips"] += flips
            record["rows"].append({
                "kata": slug, "submission": variant, "load": label, "expected": want, "flips": flips,
                "target": checks[0].get("target"),
                "ratios": [c.get("ratio") for c in checks],
                "statuses": [c["status"] for c in checks],
                "lower_bound": any(c.get("details", {}).get("lower_bound") for c in checks),
                "baseline_ms": [c.get("details", {}).get("baseline_ms") for c in checks],
            })
    record["seconds"] = time.perf_counter() - t0
    return record


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("katas", nargs="*")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--load", choices=("busy", "quiet", "both"), default="both")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write every run's ratio and verdict as JSON")
    args = p.parse_args(argv)
    katas = registry.select(args.katas)
    loads = {"busy": [True], "quiet": [False], "both": [False, True]}[args.load]
    record = run_study(katas, args.runs, loads)
    if args.json:
        args.json.write_text(json.dumps(record, indent=1) + "\n")
    print(f"verdicts different from the expected one: {record['flips']}")
    return 1 if record["flips"] else 0


if __name__ == "__main__":
    sys.exit(main())
