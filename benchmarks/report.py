"""``RESULTS.md`` and ``ratios.png`` from the saved JSON of the three parts (timings, grading loop, stability).

Each part is regenerated on its own (``bench.py`` options); the report always shows the latest saved run of
each, with its date.
"""

from __future__ import annotations

import statistics

from benchmarks.cases import BASELINE, PRODUCTION, REFERENCE
from grader import registry

QUIET_LIMIT = 0.25  # cores used by other processes beyond which a run is flagged as not quiet


def kata_label(slug: str) -> str:
    """``01 iou``; a kata the registry no longer has (in an older saved run) keeps its slug."""
    try:
        return registry.find(slug).label
    except registry.UnknownKata:
        return slug


def _kata_order(slugs) -> list[str]:
    """The slugs of a saved run in registry order, then any the registry no longer has."""
    slugs = list(dict.fromkeys(slugs))
    known = [k.slug for k in registry.KATAS if k.slug in slugs]
    return known + [s for s in slugs if s not in known]


def ms(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 1:
        return f"{x:.2f}"
    if x < 100:
        return f"{x:.1f}"
    return f"{x:.0f}"


def ratio(r: float | None) -> str:
    if r is None:
        return "-"
    if r < 0.1:
        return f"{r:.3f}x"
    if r < 10:
        return f"{r:.2f}x"
    return f"{r:.0f}x"


def limit_text(limit: float) -> str:
    return f"<= {limit:g}x" if limit >= 1 else f"<= 1/{1 / limit:.0f}x ({1 / limit:.0f}x faster)"


def _median(impl: dict) -> float | None:
    return impl.get("median_ms")


def _names(case: dict, role: str) -> list[str]:
    return [n for n, i in case["impls"].items() if i["role"] == role]


def _ratio(case: dict, a: str, b: str) -> float | None:
    x, y = _median(case["impls"].get(a, {})), _median(case["impls"].get(b, {}))
    return x / y if x and y else None


def verdict(r: float | None, limit: float) -> str:
    if r is None:
        return "not measured"
    if r <= limit:
        return f"met ({limit / r:.1f}x margin)"
    return f"**missed** ({r / limit:.2f}x over)"


def target_rows(timings: dict) -> list[dict]:
    """One row per (case, target), single-threaded, with the default-thread ratio alongside."""
    one = timings["configs"].get("1", {}).get("cases", [])
    default = {(c["kata"], c["op"], c["size"]): c for c in timings["configs"].get("default", {}).get("cases", [])}
    rows = []
    for case in one:
        for t in case["targets"]:
            base = _names(case, BASELINE)[0]
            r = _ratio(case, base, t["production"])
            d = default.get((case["kata"], case["op"], case["size"]))
            rows.append(
                {
                    "case": case,
                    "target": t,
                    "ratio": r,
                    "met": r is not None and r <= t["limit"],
                    "baseline_ms": _median(case["impls"][base]),
                    "production_ms": _median(case["impls"].get(t["production"], {})),
                    "default_ratio": _ratio(d, base, t["production"]) if d else None,
                    "baseline_faults": case["impls"][base].get("faults_per_call"),
                    "production_faults": case["impls"].get(t["production"], {}).get("faults_per_call"),
                }
            )
    return rows


def _machine(timings: dict) -> list[str]:
    m, v = timings["machine"], timings["versions"]
    lines = [
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']:.0f} GB memory; {m['os']}.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        f"- Threads: the one-thread run sets OMP/OpenBLAS/MKL/numba threads to 1 and `torch.set_num_threads(1)`; "
        f"the default run leaves every library at its default (torch used "
        f"{timings['configs'].get('default', {}).get('torch_threads', '?')} threads). Each runs in a process of its own.",
    ]
    return lines


def _load_text(load: float | None) -> str:
    return "unknown" if load is None else f"{load:.2f} cores"


def _quiet(timings: dict) -> list[str]:
    loads = {k: c.get("other_load") for k, c in timings["configs"].items()}
    worst = {
        k: max((x.get("other_load") or 0.0 for x in c["cases"]), default=0.0) for k, c in timings["configs"].items()
    }
    text = "; ".join(
        f"{'one thread' if k == '1' else 'default threads'}: {_load_text(v)} on average (busiest case {worst[k]:.2f})"
        for k, v in loads.items()
    )
    out = [f"- Other processes' load during the timings (machine busy time minus the benchmark's own): {text}."]
    if any((v or 0.0) > QUIET_LIMIT for v in loads.values()):
        out.append(
            f"- **The machine was not quiet** (more than {QUIET_LIMIT} of a core used by other processes): "
            "the times are inflated, the default-thread ones most (with a core taken, a two-thread pool's "
            "barriers wait for a descheduled thread: small torch ops ran 10-20x slower). Regenerate on a "
            "quiet machine."
        )
    return out


def _summary(timings: dict) -> list[str]:
    rows = target_rows(timings)
    out = [
        "| target (issue 9) | case | size | baseline ms | production ms | baseline / production (1 thread) | "
        "target | verdict | default threads |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        c, t = row["case"], row["target"]
        shown = ratio(row["ratio"])
        if t["limit"] < 1 and row["ratio"]:
            shown += f" ({1 / row['ratio']:.0f}x faster)"
        out.append(
            f"| {t['text']} | {c['op']} | {c['size']} | {ms(row['baseline_ms'])} | {ms(row['production_ms'])} "
            f"({t['production']}) | {shown} | {limit_text(t['limit'])} | "
            f"{verdict(row['ratio'], t['limit'])} | {ratio(row['default_ratio'])} |"
        )
    met = sum(r["met"] for r in rows)
    out.append("")
    out.append(f"{met} of {len(rows)} targets met on one thread.")
    out += [
        "",
        "Key ratios (baseline / production, one thread, over the sizes measured):",
        "",
        "| op | against | ratio, best to worst size | target | met at every size |",
        "|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["case"]["op"], row["target"]["production"]), []).append(row)
    for (op, production), group in groups.items():
        measured = [r for r in group if r["ratio"] is not None]
        best = min(measured, key=lambda r: r["ratio"], default=None)
        worst = max(measured, key=lambda r: r["ratio"], default=None)
        span = (
            "-"
            if best is None
            else (
                f"{ratio(best['ratio'])} ({best['case']['size']}) to {ratio(worst['ratio'])} ({worst['case']['size']})"
            )
        )
        out.append(
            f"| {op} | {production} | {span} | {limit_text(group[0]['target']['limit'])} | "
            f"{'yes' if all(r['met'] for r in group) else '**no**'} |"
        )
    misses = [r for r in rows if not r["met"]]
    if misses:
        out += ["", "Measured facts about each miss (see the per-kata tables for the other sizes):", ""]
        for r in misses:
            c, t = r["case"], r["target"]
            facts = [f"baseline {ms(r['baseline_ms'])} ms vs {t['production']} {ms(r['production_ms'])} ms"]
            if r["baseline_faults"] is not None and r["production_faults"] is not None:
                facts.append(
                    f"minor page faults per call: baseline {r['baseline_faults']:.0f}, "
                    f"{t['production']} {r['production_faults']:.0f}"
                )
            if r["default_ratio"] is not None:
                facts.append(f"with default threads the ratio is {ratio(r['default_ratio'])}")
            out.append(
                f"- {c['op']}, {c['size']}: {ratio(r['ratio'])} against {limit_text(t['limit'])}; "
                + "; ".join(facts)
                + "."
            )
    return out


def _kata_table(cases: list[dict]) -> list[str]:
    refs = [n for c in cases for n in _names(c, REFERENCE)][:1]
    bases = [n for c in cases for n in _names(c, BASELINE)][:1]
    prods = list(dict.fromkeys(n for c in cases for n in _names(c, PRODUCTION)))
    head = ["op", "size", *(f"{n} ms" for n in refs + bases + prods)]
    head += [f"baseline / {p}" for p in prods] + ["reference / baseline", "results", "other load"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in cases:
        cells = [c["op"], c["size"]]
        for n in refs + bases + prods:
            impl = c["impls"].get(n)
            cells.append("-" if impl is None else ("error" if "error" in impl else ms(impl["median_ms"])))
        cells += [ratio(_ratio(c, bases[0], p)) if p in c["impls"] else "-" for p in prods]
        cells.append(ratio(_ratio(c, refs[0], bases[0])))
        bad = [f"{n}: {a['detail']}" for n, a in c["agreement"].items() if not a["ok"]]
        errors = [f"{n}: {i['error']}" for n, i in c["impls"].items() if "error" in i]
        cells.append("agree" if not bad and not errors else "**" + "; ".join(bad + errors) + "**")
        load = c.get("other_load")
        cells.append("-" if load is None else (f"**{load:.2f}**" if load > QUIET_LIMIT else f"{load:.2f}"))
        out.append("| " + " | ".join(cells) + " |")
    return out


def _kata_sections(timings: dict) -> list[str]:
    configs = timings["configs"]
    out = []
    for slug in _kata_order(c["kata"] for cfg in configs.values() for c in cfg["cases"]):
        per = {k: [c for c in cfg["cases"] if c["kata"] == slug] for k, cfg in configs.items()}
        out += [f"### {kata_label(slug)}", ""]
        kata_note = next((cfg.get("kata_notes", {}).get(slug) for cfg in configs.values() if cfg.get("kata_notes")), "")
        out += [kata_note, ""] if kata_note else []
        notes = list(dict.fromkeys(f"{c['op']}: {c['note']}" for c in per.get("1") or per.get("default") if c["note"]))
        out += [f"- {n}" for n in notes] + ([""] if notes else [])
        for key, label in (("1", "One thread"), ("default", "Default threads")):
            if per.get(key):
                out += [f"{label}:", "", *_kata_table(per[key]), ""]
        skipped = [k for k in configs.get("default", {}).get("not_rerun", []) if k.startswith(slug + "/")]
        if skipped and configs.get("default"):
            out += [
                "Default threads: not rerun, as none of these implementations uses a thread pool "
                "(the one-thread figures stand).",
                "",
            ]
    missing = _kata_order(s for cfg in configs.values() for s in cfg.get("no_cases", []))
    if missing:
        out += [
            "**Not measured**, for want of a case module `benchmarks/cases/<slug>.py`: "
            + ", ".join(kata_label(s) for s in missing)
            + ".",
            "",
        ]
    return out


def _agreement(timings: dict) -> list[str]:
    out = ["| case | size | checked against | " + "results |", "|---|---|---|---|"]
    for c in timings["configs"].get("1", {}).get("cases", []):
        details = "; ".join(
            f"{n}: {a['detail']}" + ("" if a["ok"] else " **DIFFERS**") for n, a in c["agreement"].items()
        )
        against = next(iter(c["agreement"].values()), {}).get("against", "-")
        out.append(f"| {c['op']} | {c['size']} | {against} | {details} |")
    return out


def _loop(loop: dict) -> list[str]:
    from benchmarks.loop import TARGETS

    where = (
        "the full grades in the fresh clone, with the `.venv` its `make grade` made"
        if loop.get("grade_where") == "clone"
        else "the full grades in this tree with the same python"
    )
    out = [
        f"Measured {loop['date']} ({loop['seconds']:.0f} s for this part; other processes' load meanwhile "
        f"{_load_text(loop.get('other_load'))}): `pytest` with the bench's `{loop['python_label']}`, {where}. "
        "Wall-clock time of the whole command, warm (after one untimed run); median of the runs shown.",
        "",
    ]
    out += [
        "| `pytest exercises/NN_slug` | stub (tests fail) | reference solution copied in | target |",
        "|---|---|---|---|",
    ]
    worst = 0.0
    for row in loop["pytest"]:
        s, v = row["stub"], row["solved"]
        worst = max(worst, s["max_s"], v["max_s"])
        passed = "" if v["exit_codes"] == [0] else f" (exit {v['exit_codes']})"
        out.append(
            f"| {row['kata']} | {s['median_s']:.2f} s (max {s['max_s']:.2f}) | "
            f"{v['median_s']:.2f} s (max {v['max_s']:.2f}){passed} | < {TARGETS['pytest']:g} s |"
        )
    out += [
        "",
        f"Slowest single run: {worst:.2f} s: target < {TARGETS['pytest']:g} s "
        + ("met." if worst < TARGETS["pytest"] else "**missed**."),
        "",
    ]
    g = loop["grade"]
    in_clone = loop.get("grade_where") == "clone"
    cmds = (
        ("stubs", "make grade" if in_clone else "python -m grader"),
        ("solutions", 'make grade ARGS="--impl solutions"' if in_clone else "python -m grader --impl solutions"),
    )
    out += [
        f"| full grade, warm{' (in the fresh clone, its own .venv)' if in_clone else ''} | time | first run | "
        "points | target |",
        "|---|---|---|---|---|",
    ]
    for label, cmd in cmds:
        r = g[label]
        ok = "met" if r["max_s"] < TARGETS["grade"] else "**missed**"
        first = f"{r['first_s']:.1f} s" if "first_s" in r else "-"
        out.append(
            f"| `{cmd}` | {r['median_s']:.1f} s (max {r['max_s']:.1f}) | {first} | {r['points']}/{r['max_points']} | "
            f"< {TARGETS['grade']:g} s: {ok} |"
        )
    per = g["solutions"]["katas"]
    out += [
        "",
        "Per kata, solved (seconds in its grading subprocess; speed ratio to the baseline): "
        + ", ".join(f"{k} {v['seconds']:.1f} s ({ratio(v['speed_ratio'])})" for k, v in per.items())
        + ".",
        "",
    ]
    c = loop.get("clone")
    if c and "error" not in c:
        ok = "met" if c["first_report_s"] < TARGETS["clone"] and c.get("first_report_ok", True) else "**missed**"
        if not c.get("first_report_ok", True):
            ok += " (no report was printed)"
        out += [
            f"Fresh clone (commit {c['commit']}, the committed HEAD) to a first report: `git clone` {c['clone_s']:.1f} s "
            f"+ first `make grade` {c['first_grade_s']:.1f} s (creates `.venv`, installs, builds the Cython "
            f"baselines, grades the stubs) = **{c['first_report_s']:.0f} s**, target < {TARGETS['clone']:g} s: {ok}.",
            "",
        ]
    elif c:
        out += [f"Fresh clone: {c['error']}", ""]
    else:
        out += ["Fresh clone: not measured in this run (`--skip-clone`).", ""]
    return out


def _stability(st: dict) -> list[str]:
    out = [
        f"{st['runs']} runs per load, started {st['started']} ({st['seconds'] / 60:.0f} min; other processes' "
        f'load meanwhile {_load_text(st.get("other_load"))}, so "quiet" means that much). Each run grades the '
        "speed check of every kata for the reference solution (must pass) and for every known-slow submission "
        '(`CAUGHT_BY = "speed"` in tests/submissions/, must fail), through the grader itself. "Margin": how far '
        "the closest run stays from the target (target / max ratio for the reference, min ratio / target for "
        'a slow submission); ">" marks a ratio where the slow call was stopped early (a lower bound).'
        + (
            ""
            if st.get("hidden_gate", True)
            else " The speed check was timed once the visible tests passed, without running the hidden tests "
            "first (`--stability-visible-gate`): the same timing, in half the time."
        ),
        "",
    ]
    out += [
        "| kata | submission | load | runs | ratio min | median | max | target | margin | flips |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in st["rows"]:
        ratios = [r for r in row["ratios"] if r is not None]
        if not ratios:
            out.append(
                f"| {row['kata']} | {row['submission']} | {row['load']} | {len(row['ratios'])} | - | - | - | "
                f"{row['target']:g}x | - | {row['flips']} |"
            )
            continue
        lo, mid, hi = min(ratios), statistics.median(ratios), max(ratios)
        margin = row["target"] / hi if row["expected"] == "passed" else lo / row["target"]
        b = ">" if row["lower_bound"] else ""
        out.append(
            f"| {row['kata']} | {row['submission']} | {row['load']} | {len(ratios)} | {b}{ratio(lo)} | "
            f"{b}{ratio(mid)} | {b}{ratio(hi)} | {row['target']:g}x | {margin:.1f}x | {row['flips']} |"
        )
    out += ["", f"Verdict flips (a run whose verdict differs from the expected one): **{st['flips']}**.", ""]
    return out


def markdown(timings: dict | None, loop: dict | None, stability: dict | None) -> str:
    out = [
        "# Benchmark report",
        "",
        "Generated by `make bench` (`benchmarks/bench.py`; see `benchmarks/README.md`). The compiled baselines "
        "of the grader against the implementations used in production, the reference solutions beside them, "
        "the grading loop's own speed, and the stability of the speed verdicts.",
        "",
    ]
    if timings:
        opts = timings["options"]
        out += [
            f"Timings measured {timings['date']} ({timings['seconds'] / 60:.1f} min for both thread settings): "
            f"for each case, every implementation runs on the same seeded inputs, once to warm up (its output "
            f"is checked against the production result first), then in up to {opts['rounds']} interleaved rounds "
            f"(order rotated every round), stopping after 3 once {opts['max_seconds']:g} s have passed; the figure is "
            "the median. Freed memory is kept in the heap (glibc `mallopt`), as the grader's harness does, so "
            "a call measures its code rather than page faults; with several threads, a call that follows one "
            "using another thread pool waits for that pool to stop spinning, then wakes its own pool with an "
            "untimed call.",
            "",
        ]
        if timings.get("earlier"):
            dates: dict[str, list[str]] = {}
            for slug, date in timings["earlier"].items():
                dates.setdefault(date, []).append(slug)
            out += [
                "Some katas keep the figures of an earlier run (`bench.py --katas` times only the katas named): "
                + "; ".join(f"{', '.join(sorted(slugs))} measured {date}" for date, slugs in sorted(dates.items()))
                + ".",
                "",
            ]
        out += _machine(timings) + _quiet(timings) + [""]
        out += ["## Targets", "", *_summary(timings), ""]
        out += [
            "## Times and ratios per kata",
            "",
            'Times in ms (median). "baseline / X" below 1 means the baseline is faster than X. "other load": '
            "cores kept busy by other processes while the case ran (bold above "
            f"{QUIET_LIMIT}: its times are suspect).",
            "",
            *_kata_sections(timings),
        ]
        out += [
            "## Result checks",
            "",
            "Before timing, each implementation's output is compared with the production result.",
            "",
            *_agreement(timings),
            "",
        ]
    else:
        out += ["No timings saved yet: run `make bench`.", ""]
    out += ["## Grading loop", ""]
    out += _loop(loop) if loop else ["Not measured yet (`make bench` without `--skip-loop`).", ""]
    out += ["## Speed-verdict stability", ""]
    out += _stability(stability) if stability else ["Not run yet: `make bench-stability` (20 runs per load).", ""]
    return "\n".join(out).rstrip() + "\n"


def plot(timings: dict, path) -> None:
    """Baseline / production ratio of every case and size (log scale), one thread and default threads, with
    the target of each case as a red segment."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    one = timings["configs"].get("1", {}).get("cases", [])
    default = {(c["kata"], c["op"], c["size"]): c for c in timings["configs"].get("default", {}).get("cases", [])}
    points = []  # (label, kata, ratio 1 thread, ratio default, limit or None)
    for c in one:
        base = _names(c, BASELINE)[0]
        limits = {t["production"]: t["limit"] for t in c["targets"]}
        d = default.get((c["kata"], c["op"], c["size"]))
        for p in _names(c, PRODUCTION):
            label = f"{c['op']} {c['size']}" + (f" vs {p}" if len(_names(c, PRODUCTION)) > 1 else "")
            points.append((label, c["kata"], _ratio(c, base, p), _ratio(d, base, p) if d else None, limits.get(p)))
    # one row per case (top to bottom in report order), the ratio along a log x axis
    fig, ax = plt.subplots(figsize=(11, 0.24 * len(points) + 2.2))
    colours = plt.get_cmap("tab10")
    katas = list(dict.fromkeys(p[1] for p in points))
    for y, (_label, kata, r1, rd, limit) in enumerate(points):
        colour = colours(katas.index(kata) % 10)
        if r1:
            ax.scatter(r1, y, color=colour, marker="o", s=30, zorder=3)
        if rd:
            ax.scatter(rd, y, facecolors="none", edgecolors=colour, marker="s", s=30, zorder=3)
        if limit:
            ax.vlines(limit, y - 0.42, y + 0.42, colors="red", linewidth=2, zorder=2)
        if y and points[y - 1][1] != kata:
            ax.axhline(y - 0.5, color="grey", linewidth=0.5)
    ax.set_xscale("log")
    ax.axvline(1.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_yticks(range(len(points)))
    ax.set_yticklabels([p[0] for p in points], fontsize=7)
    ax.set_ylim(len(points) - 0.5, -0.5)
    ax.set_xlabel("baseline time / production time (log scale; left of 1: the baseline is faster)")
    ax.set_title("Compiled baselines against production implementations")
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color="black", label="one thread"),
        Line2D([], [], marker="s", linestyle="", markerfacecolor="none", color="black", label="default threads"),
        Line2D([], [], color="red", linewidth=2, label="target (one thread)"),
    ]
    handles += [
        Line2D([], [], marker="o", linestyle="", color=colours(i % 10), label=kata_label(k))
        for i, k in enumerate(katas)
    ]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
