"""The terminal report: the table of katas and checks, and what to do next for each kata not fully passing."""

from __future__ import annotations

from pathlib import Path

from grader.results import CheckResult, KataResult, Status, not_started


def tests_cell(check: CheckResult | None) -> str:
    if check is None:
        return ""
    if check.refusal:
        return check.refusal.value
    if check.status == Status.ERROR:
        return Status.ERROR.value
    if check.status == Status.NOT_STARTED and check.total_tests:
        return f"0/{check.total_tests}"
    if check.status in (Status.NOT_STARTED, Status.UNAVAILABLE, Status.SKIPPED) or check.total_tests is None:
        return "-"
    return f"{check.passed_tests}/{check.total_tests}"


def speed_cell(check: CheckResult | None, kind: str) -> str:
    if check is None:
        return ""
    if check.refusal:
        return check.refusal.value
    if check.status == Status.NOT_STARTED:
        return Status.NOT_STARTED.words
    if check.ratio is not None:
        mark = "" if check.ok else "  too slow"
        bound = "> " if check.details.get("lower_bound") else ""
        return f"{bound}{check.ratio:.1f}x {kind} baseline (<= {check.target:g}x){mark}"
    return "needs correct tests" if check.status == Status.SKIPPED else check.status.words


def table(results: list[KataResult]) -> str:
    rows = [("kata", "visible", "hidden", "speed", "points")]
    for r in results:
        c = r.checks
        rows.append(
            (
                r.kata.label,
                tests_cell(c.get("visible")),
                tests_cell(c.get("hidden")),
                speed_cell(c.get("speed"), r.kata.baseline_kind),
                f"{r.points}/{r.max_points}",
            )
        )
    total = sum(r.points for r in results), sum(r.max_points for r in results)
    rows.append(("total", "", "", "", f"{total[0]}/{total[1]}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["   ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def next_steps(results: list[KataResult], impl_root: Path = Path("exercises")) -> str:
    """One short paragraph per kata that is not fully passing: what is wrong and what to do next.

    ``impl_root`` is the graded folder as the learner named it (``exercises`` by default).
    """
    notes = []
    for r in results:
        if r.ok:
            continue
        k = r.kata
        impl = k.impl_path(impl_root)
        folder = impl.parent.as_posix()
        bad = [c for c in r.checks.values() if not c.ok]
        if not_started(bad):
            notes.append(
                f"{k.label}: not started. Read {folder}/README.md, implement "
                f"{', '.join(k.functions)} in {impl.as_posix()}, then run `pytest {folder}`."
            )
            continue
        lines = [f"{k.label}:"]
        if len(bad) > 1 and len({c.message for c in bad}) == 1 and bad[0].refusal:
            notes.append(f"{k.label}: {bad[0].message}")
            continue
        for c in bad:
            lines.append(f"  {c.group}: {c.message}")
            if c.status == Status.FAILED and c.group == "visible" and c.failures:
                lines.append(f"    run `pytest {folder} -x` to see the first failure in full")
        if r.output_tail.strip() and any(c.status == Status.ERROR for c in bad):
            tail = r.output_tail.strip().splitlines()[-3:]
            lines.append("    last output: " + " | ".join(t[:120] for t in tail))
        notes.append("\n".join(lines))
    return "\n\n".join(notes)
