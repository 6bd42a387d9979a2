"""One thread configuration of the benchmark, in a process of its own (started by ``bench.py``).

``bench.py`` sets the thread environment (OMP/OpenBLAS/MKL/numba threads) before this process starts, so every
library's pool is sized before it is imported. Writes one JSON record per case.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import timer  # noqa: E402
from benchmarks.cases import all_cases, kata_notes, without_cases  # noqa: E402
from benchmarks.machine import OtherLoad  # noqa: E402
from grader.grading.timing import warm_malloc  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", choices=("1", "default"), required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--katas", nargs="*")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--max-seconds", type=float, default=15.0)
    args = p.parse_args(argv)

    import torch

    if args.threads == "1":
        torch.set_num_threads(1)
    warm_malloc()
    started, run_load = time.perf_counter(), OtherLoad().start()
    records = []
    cases = all_cases(args.katas, args.quick)
    skipped = []
    for i, case in enumerate(cases, start=1):
        if args.threads != "1" and not any(impl.pool for impl in case.impls):
            skipped.append(case.key)  # nothing here has a thread pool: the one-thread figures stand
            continue
        t0, case_load = time.perf_counter(), OtherLoad().start()
        try:
            record = timer.measure(case, rounds=args.rounds, max_seconds=args.max_seconds, settle=args.threads != "1")
        except Exception as exc:  # noqa: BLE001  (e.g. the inputs could not be made: report, go on)
            record = {
                "kata": case.kata,
                "op": case.op,
                "size": case.size,
                "note": case.note,
                "agreement": {},
                "targets": [vars(t) for t in case.targets],
                "impls": {i.name: {"role": i.role, "error": f"{type(exc).__name__}: {exc}"} for i in case.impls},
            }
        record["seconds"] = time.perf_counter() - t0
        record["other_load"] = case_load.stop()
        records.append(record)
        medians = ", ".join(
            f"{name} {r['median_ms']:.1f}" if "median_ms" in r else f"{name} ERROR"
            for name, r in record["impls"].items()
        )
        bad = [n for n, a in record["agreement"].items() if not a["ok"]]
        print(
            f"[threads {args.threads}] {i}/{len(cases)} {case.key}: {medians} ms"
            + (f"  DISAGREE: {', '.join(bad)}" if bad else "")
            + f"  ({record['seconds']:.0f} s"
            + (f", other load {record['other_load']:.1f} cores)" if record["other_load"] is not None else ")"),
            file=sys.stderr,
            flush=True,
        )
    out = {
        "threads": args.threads,
        "torch_threads": torch.get_num_threads(),
        "seconds": time.perf_counter() - started,
        "other_load": run_load.stop(),
        "cases": records,
        "kata_notes": kata_notes(args.katas),
        "no_cases": [k.slug for k in without_cases(args.katas)],
        "not_rerun": skipped,
    }
    args.out.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
