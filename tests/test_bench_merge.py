"""``bench.py --katas``: timing some katas keeps the other katas' saved figures, and the report says when each
was measured."""

from benchmarks.bench import merge_timings


def run(date: str, katas: list[str], median: float) -> dict:
    cases = [{"kata": k, "op": f"{k} op", "impls": {"baseline": {"median_ms": median}}} for k in katas]
    config = {"cases": cases, "kata_notes": {k: f"{k} note {date}" for k in katas}, "not_rerun": []}
    return {"date": date, "configs": {"1": config}, "options": {"katas": katas}}


def test_the_katas_not_timed_keep_their_saved_rows_in_registry_order():
    saved = run("2026-01-01", ["iou", "nms", "anchors"], 1.0)
    merged = merge_timings(saved, run("2026-02-02", ["nms", "pooling"], 2.0), ["nms", "pooling"])
    config = merged["configs"]["1"]
    assert [(c["kata"], c["impls"]["baseline"]["median_ms"]) for c in config["cases"]] == [
        ("iou", 1.0),
        ("nms", 2.0),
        ("anchors", 1.0),
        ("pooling", 2.0),
    ]
    assert config["kata_notes"]["nms"] == "nms note 2026-02-02" and config["kata_notes"]["iou"].endswith("01-01")
    assert merged["earlier"] == {"iou": "2026-01-01", "anchors": "2026-01-01"}
    assert merged["options"]["katas"] == "all"
    # timed again later, a kata's earlier date goes; the others keep the date of their own run
    again = merge_timings(merged, run("2026-03-03", ["iou"], 3.0), ["iou"])
    assert again["earlier"] == {"nms": "2026-02-02", "pooling": "2026-02-02", "anchors": "2026-01-01"}


def test_nothing_saved_keeps_the_run_as_it_is():
    timed = run("2026-02-02", ["nms"], 2.0)
    assert merge_timings(None, timed, ["nms"]) is timed and "earlier" not in timed
