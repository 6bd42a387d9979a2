"""The benchmark report (``make bench``): baselines against production implementations, the grading loop,
and the stability of the speed verdicts, written to ``benchmarks/RESULTS.md`` and ``benchmarks/ratios.png``.

Three parts, each saved to JSON in ``benchmarks/`` so that any one can be redone alone and the report rebuilt:

1. Timings (``timings.json``): every case of ``benchmarks/cases/`` timed in two processes, one thread and
   default threads (``worker.py``).
2. The grading loop (``loop.json``): ``pytest exercises/NN_slug``, a full grade, a fresh clone (``loop.py``).
3. The speed-verdict stability study (``stability.json``): ``speed_stability.py``, only with
   ``--stability-runs N`` (about 75 s per run and load).

Usage::

    python benchmarks/bench.py                      # 1 and 2, then the report
    python benchmarks/bench.py --stability-runs 20  # 1, 2 and 3
    python benchmarks/bench.py --only stability --stability-runs 20
    python benchmarks/bench.py --only report        # rebuild RESULTS.md and ratios.png from the saved JSON
    python benchmarks/bench.py --quick --skip-clone # a smoke run: the smallest size of each case
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import paths, report  # noqa: E402
from benchmarks.cases import case_file, without_cases  # noqa: E402
from benchmarks.machine import OtherLoad, machine, versions  # noqa: E402
from grader import registry  # noqa: E402

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_timings(args) -> dict:
    started = time.perf_counter()
    configs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for threads in ("1", "default"):
            env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
            if threads == "1":
                env.update({k: "1" for k in THREAD_VARS})
            out = Path(tmp) / f"threads-{threads}.json"
            cmd = [
                sys.executable,
                str(paths.BENCH / "worker.py"),
                "--threads",
                threads,
                "--out",
                str(out),
                "--rounds",
                str(args.rounds),
                "--max-seconds",
                str(args.max_seconds),
            ]
            if args.katas:
                cmd += ["--katas", *args.katas]
            if args.quick:
                cmd.append("--quick")
            log(f"== timings, {threads} thread(s)")
            subprocess.run(cmd, env=env, check=True)
            configs[threads] = json.loads(out.read_text())
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "seconds": time.perf_counter() - started,
        "machine": machine(),
        "versions": versions(),
        "configs": configs,
        "options": {
            "rounds": args.rounds,
            "max_seconds": args.max_seconds,
            "quick": args.quick,
            "katas": args.katas or "all",
        },
    }


def merge_timings(saved: dict | None, timed: dict, katas: list[str]) -> dict:
    """``timed`` (a run of some ``katas``) with every other kata's rows of the ``saved`` run kept, so that timing
    a new or changed kata leaves the others' figures in the report; ``earlier`` names the runs they came from."""
    if not saved:
        return timed
    order = [k.slug for k in registry.KATAS]
    for name, config in timed["configs"].items():
        old = saved["configs"].get(name, {})
        kept = [c for c in old.get("cases", []) if c["kata"] not in katas and c["kata"] in order]
        config["cases"] = sorted(kept + config["cases"], key=lambda c: order.index(c["kata"]))
        notes = {k: v for k, v in old.get("kata_notes", {}).items() if k not in katas and k in order}
        config["kata_notes"] = {**notes, **config["kata_notes"]}
    earlier = {k: d for k, d in saved.get("earlier", {}).items() if k not in katas}
    for slug in {c["kata"] for config in saved["configs"].values() for c in config.get("cases", [])}:
        if slug not in katas and slug in order:
            earlier.setdefault(slug, saved["date"])
    timed["earlier"] = earlier
    timed["options"]["katas"] = "all"
    return timed


def run_loop(args) -> dict:
    from benchmarks import loop

    log("== grading loop")
    load = OtherLoad().start()
    out = loop.run(sys.executable, clone=not args.skip_clone, log=log)
    out["other_load"] = load.stop()
    out["date"] = time.strftime("%Y-%m-%d %H:%M")
    out["python_label"] = (
        "python " + platform.python_version() + (f", torch {metadata.version('torch')}" if _installed("torch") else "")
    )
    return out


def run_stability(args) -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location("speed_stability", paths.BENCH / "speed_stability.py")
    stability = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stability)

    log(
        f"== speed-verdict stability, {args.stability_runs} runs quiet and {args.stability_runs} with the other core busy"
    )
    load = OtherLoad().start()
    out = stability.run_study(
        registry.select(args.katas or []),
        args.stability_runs,
        [False, True],
        log=log,
        hidden_gate=not args.stability_visible_gate,
    )
    out["other_load"] = load.stop()  # the study's own busy core is its child, so not counted here
    return out


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def _load(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def _save(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1) + "\n")
    log(f"wrote {path.relative_to(paths.REPO)}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Usage::")[1],
    )
    p.add_argument(
        "--only",
        choices=("timings", "loop", "stability", "report"),
        help="do one part only (then rebuild the report from the saved JSON of the others)",
    )
    p.add_argument("--skip-loop", action="store_true", help="do not time the grading loop (keep the saved figures)")
    p.add_argument("--skip-clone", action="store_true", help="time the grading loop without the fresh clone")
    p.add_argument(
        "--stability-runs",
        type=int,
        default=0,
        metavar="N",
        help="run the stability study with N runs per load (0: keep the saved study)",
    )
    p.add_argument(
        "--stability-visible-gate",
        action="store_true",
        help="in the stability study, time once the visible tests pass, without running the hidden tests first "
        "(the same timing, in half the time)",
    )
    p.add_argument(
        "--katas",
        nargs="*",
        metavar="SLUG",
        help="time these katas only, keeping the other katas' saved figures (default: all)",
    )
    p.add_argument("--quick", action="store_true", help="the smallest size of each case only (a smoke test)")
    p.add_argument("--rounds", type=int, default=7, help="timed rounds per case (default 7)")
    p.add_argument(
        "--max-seconds",
        type=float,
        default=15.0,
        help="stop a case's rounds after this long, once 3 are done (default 15)",
    )
    args = p.parse_args(argv)
    try:
        registry.select(args.katas or [])
    except registry.UnknownKata as exc:
        p.error(str(exc))

    t0 = time.perf_counter()
    parts = {"timings", "loop", "stability"} if args.only is None else {args.only}
    if parts != {"report"}:
        probe = OtherLoad().start()
        time.sleep(1.0)
        busy = probe.stop()
        if busy is not None and busy > report.QUIET_LIMIT:
            log(
                f"warning: other processes keep {busy:.1f} cores busy: the figures will be inflated "
                "(the report will say so); a quiet machine gives the figures worth committing"
            )
    if "timings" in parts:
        for kata in without_cases(args.katas):
            log(
                f"warning: {kata.label} has no benchmark cases ({case_file(kata).relative_to(paths.REPO)}): "
                "not timed (the report lists it)"
            )
        timed = run_timings(args)
        if args.katas:
            timed = merge_timings(_load(paths.TIMINGS_JSON), timed, args.katas)
        _save(paths.TIMINGS_JSON, timed)
    if "loop" in parts and not (args.only is None and args.skip_loop):
        _save(paths.LOOP_JSON, run_loop(args))
    if "stability" in parts and (args.stability_runs > 0 or args.only == "stability"):
        if args.stability_runs <= 0:
            p.error("--only stability needs --stability-runs N")
        _save(paths.STABILITY_JSON, run_stability(args))

    timings, loop, stability = (_load(x) for x in (paths.TIMINGS_JSON, paths.LOOP_JSON, paths.STABILITY_JSON))
    paths.RESULTS_MD.write_text(report.markdown(timings, loop, stability))
    log(f"wrote {paths.RESULTS_MD.relative_to(paths.REPO)}")
    if timings:
        report.plot(timings, paths.RATIOS_PNG)
        log(f"wrote {paths.RATIOS_PNG.relative_to(paths.REPO)}")
    log(f"bench done in {time.perf_counter() - t0:.0f} s")
    if stability and stability["flips"]:
        log(f"the stability study saw {stability['flips']} verdict flips")
    return 0


if __name__ == "__main__":
    sys.exit(main())
