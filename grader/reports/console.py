"""The terminal report: the table of katas and checks, and what to do next for each kata not fully passing."""
from __future__ import annotations

from grader.results import KataResult


def _refused(check) -> str | None:
    """"forbidden" or "tampering" when the kata was refused outright."""
    word = check.message.split(":", 1)[0]
    return word if check.status == "failed" and word in ("forbidden", "tampering") else None


def tests_cell(check) -> str:
    if check is None:
        return ""
    if _refused(check):
        return _refused(check)
    if check.status == "error":
        return "error"
    if check.status == "not_started" and check.total_tests:
        return f"0/{check.total_tests}"
    if check.status in ("not_started", "unavailable", "skipped") or check.total_tests is None:
        return "-"
    return f"{check.passed_tests}/{check.total_tests}"


def speed_cell(check, kind: str) -> str:
    if check is None:
        return ""
    if _refused(check):
        return _refused(check)
    if check.status == "not_started":
        return "not started"
    if check.ratio is not None:
        mark = "" if check.ok else "  too slow"
        bound = "> " if check.details.get("lower_bound") else ""
        return f"{bound}{check.ratio:.1f}x {kind} baseline (<= {check.target:g}x){mark}"
    return {"skipped": "needs correct tests", "error": "error"}.get(check.status, check.status.replace("_", " "))


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


def next_steps(results: list[KataResult], exercises_dir: str = "exercises") -> str:
    """One short paragraph per kata that is not fully passing: what is wrong and what to do next."""
    notes = []
    for r in results:
        if r.ok:
            continue
        k = r.kata
        bad = [c for c in r.checks.values() if not c.ok]
        if all(c.status in ("not_started", "unavailable") for c in bad) and any(c.status == "not_started" for c in bad):
            notes.append(
                f"{k.label}: not started. Read {exercises_dir}/{k.folder}/README.md, implement "
                f"{', '.join(k.functions)} in {exercises_dir}/{k.folder}/{k.filename}, then run "
                f"`pytest {exercises_dir}/{k.folder}`."
            )
            continue
        lines = [f"{k.label}:"]
        if len(bad) > 1 and len({c.message for c in bad}) == 1 and _refused(bad[0]):
            notes.append(f"{k.label}: {bad[0].message}")
            continue
        for c in bad:
            lines.append(f"  {c.group}: {c.message}")
            if c.status == "failed" and c.group == "visible" and c.failures:
                lines.append(f"    run `pytest {exercises_dir}/{k.folder} -x` to see the first failure in full")
        if r.output_tail.strip() and any(c.status == "error" for c in bad):
            tail = r.output_tail.strip().splitlines()[-3:]
            lines.append("    last output: " + " | ".join(t[:120] for t in tail))
        notes.append("\n".join(lines))
    return "\n\n".join(notes)
