"""Where the benchmark reads and writes."""

from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TIMINGS_JSON = BENCH / "timings.json"
LOOP_JSON = BENCH / "loop.json"
STABILITY_JSON = BENCH / "stability.json"
RESULTS_MD = BENCH / "RESULTS.md"
RATIOS_PNG = BENCH / "ratios.png"
