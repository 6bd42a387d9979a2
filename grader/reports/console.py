"""The terminal report: the table of katas and checks, and what to do next for each kata not fully passing."""

from __future__ import annotations

from pathlib import Path

from grader.paths import repo_root
from grader.results import CheckResult, KataResult, Status, not_started

# The one way every report and the README spell a run of a kata's visible tests: it works in a fresh shell
# (no activated venv) once `make grade` or `make setup` has created .venv.
PYTEST = ".venv/bin/pytest"
MISSING_FILE = "missing file "  # the runner's message for a kata whose file is not there
PROFILE_LEAD = "; where the time goes"  # grader.grading.profiling's advice after a too-slow speed message


def pytest_command(folder: str, *options: str) -> str:
    """``.venv/bin/pytest exercises/02_nms -x``"""
    return " ".join((PYTEST, folder, *options))


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
        tests_beside = impl_root == Path("exercises")  # another folder holds the learner's file, not the tests
        if not_started(bad):
            run = f", then run `{pytest_command(folder)}`" if tests_beside else ""
            notes.append(
                f"{k.label}: not started. Read {folder}/README.md, implement "
                f"{', '.join(k.functions)} in {impl.as_posix()}{run}."
            )
            continue
        if all(c.message.startswith(MISSING_FILE) for c in bad):
            notes.append(f"{k.label}: {impl.as_posix()} is missing. {_restore(k, impl)}")
            continue
        lines = [f"{k.label}:"]
        if len(bad) > 1 and len({c.message for c in bad}) == 1:
            notes.append(f"{k.label}: {bad[0].message}")  # one cause (a refusal, an import error): said once
            continue
        for c in bad:
            head, _, advice = c.message.partition(PROFILE_LEAD) if c.group == "speed" else (c.message, "", "")
            lines.append(f"  {c.group}: {head}")
            if advice:
                lines.extend(_profile_lines(PROFILE_LEAD.lstrip("; ") + advice))
            if c.status == Status.FAILED and c.group == "visible" and c.failures and tests_beside:
                lines.append(f"    run `{pytest_command(folder, '-x')}` to see the first failure in full")
        if r.output_tail.strip() and any(c.status == Status.ERROR for c in bad):
            tail = r.output_tail.strip().splitlines()[-3:]
            lines.append("    last output: " + " | ".join(t[:120] for t in tail))
        notes.append("\n".join(lines))
    finish = finish_first(results)
    if finish:
        notes.append(finish)
    return "\n\n".join(notes)


def finish_first(results: list[KataResult]) -> str | None:
    """The report's "next" line when it holds katas in progress and katas not started: finish one first.

    A kata half done teaches more when finished than a new one started beside it. Of those in progress, the
    one closest to full marks.
    """
    pending = [r for r in results if not r.ok]
    fresh = [r for r in pending if not_started(r.checks.values())]
    started = [r for r in pending if not not_started(r.checks.values())]
    if not fresh or not started:
        return None
    best = max(started, key=lambda r: r.points)  # max() keeps the first of equals: registry order
    k = best.kata
    visible = best.checks.get("visible")
    command = f"make watch EX={k.slug}" if visible is not None and not visible.ok else f"make grade EX={k.slug}"
    return (
        f"next: finish {k.label} ({best.points}/{best.max_points}, in progress) before starting a new kata "
        f"such as {fresh[0].kata.label}: `{command}`"
    )


def _restore(kata, impl: Path) -> str:
    """How to get a deleted kata file back: from git, or (in the full checkout) as a fresh stub."""
    if impl.parent.parent.as_posix() != "exercises":
        return "Put it back, then grade again."
    how = f"Restore it with `git checkout -- {impl.as_posix()}`"
    if (repo_root() / "solutions").is_dir():
        how += f" (or `.venv/bin/python -m grader stubs {kata.slug}` for a fresh stub)"
    return how + ", then grade again."


def _profile_lines(advice: str) -> list[str]:
    """A too-slow message's advice, a line each: the heading, each function, the README's pointer."""
    heading, _, rest = advice.partition("): ")
    rows = rest.split("; ")
    pointer = rows.pop() if len(rows) > 1 and rows[-1].startswith("see ") else None
    return [f"    {heading}):", *(f"      {row}" for row in rows), *([f"    {pointer}"] if pointer else [])]
