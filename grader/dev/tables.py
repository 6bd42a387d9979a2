"""The main README's generated regions: every place it lists the katas, rendered from the registry.

A region sits between ``<!-- katas:NAME -->`` and ``<!-- /katas:NAME -->``. Only what lies between the markers
is rewritten, so the prose around them stays the writers'. ``python -m grader dev tables`` rewrites the
regions; ``python -m grader dev check`` reports any that is out of date or has lost its markers.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.registry import BASELINE_KINDS, KATAS
from grader.reports.console import next_steps, table
from grader.results import CheckResult, KataResult

README = "README.md"
COMMAND = "python -m grader dev tables"
WIDTH = 110  # the README's line length: the sample report's long lines are wrapped to it


@dataclass(frozen=True)
class Region:
    name: str
    what: str  # for messages: "the kata table"
    render: Callable[[Path], str]
    # Inside a paragraph: the text stays on the markers' line, with words before the first marker, since a line
    # that starts with "<!--" ends a Markdown paragraph.
    inline: bool = False

    def pattern(self) -> re.Pattern:
        return re.compile(rf"(<!-- katas:{self.name} -->)(.*?)(<!-- /katas:{self.name} -->)", re.DOTALL)

    def text(self, root: Path) -> str:
        body = self.render(root)
        return body if self.inline else f"\n{body}\n"


def topics(root: Path) -> str:
    return ", ".join(k.topic or k.title for k in KATAS)


def kata_table(root: Path) -> str:
    rows = ["| kata | what you write | graded against |", "|---|---|---|"]
    for k in KATAS:
        baseline = f"{BASELINE_KINDS.get(k.baseline_kind, k.baseline_kind)} baseline"
        against = f"{k.graded_against}, {baseline}" if k.graded_against else baseline
        rows.append(f"| {k.label} | {', '.join(f'`{f}`' for f in k.functions)} | {against} |")
    return "\n".join(rows)


def shortcuts(root: Path) -> str:
    return "; ".join(f"{' and '.join(f'`{m}`' for m in k.shortcuts)} in {k.label}" for k in KATAS if k.shortcuts)


def _visible_test_counts(root: Path) -> Counter:
    """{kata folder: number of visible tests}, as pytest collects them (parametrized cases count one each)."""
    folders = [k.exercise_dir(root).relative_to(root).as_posix() for k in KATAS]
    # check=False: a folder that fails to collect counts 0, and its own checks say why
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *folders],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return Counter(line.split("/")[1] for line in out.splitlines() if "::" in line and line.count("/") >= 2)


def first_report(root: Path) -> str:
    """What ``make grade`` prints on a fresh checkout, drawn by the grader's own report code: every stub is
    untouched, so every check is "not started"."""
    counts = _visible_test_counts(root)
    results = []
    for k in KATAS:
        checks = {
            "visible": CheckResult(
                group="visible",
                status="not_started",
                message="",
                points=0,
                max_points=k.points.visible,
                passed_tests=0,
                total_tests=counts[k.folder],
            ),
            "hidden": CheckResult(
                group="hidden", status="not_started", message="", points=0, max_points=k.points.hidden
            ),
            "speed": CheckResult(group="speed", status="not_started", message="", points=0, max_points=k.points.speed),
        }
        results.append(KataResult(kata=k, checks=checks, impl_file=str(k.stub_path(root).relative_to(root))))
    advice = textwrap.fill(next_steps(results[:1]), WIDTH, break_long_words=False, break_on_hyphens=False)
    return f"```\n{table(results)}\n\n{advice}\n...\n```"


REGIONS = (
    Region("topics", "the list of katas in the introduction", topics, inline=True),
    Region("first-report", "the sample report of a fresh checkout", first_report),
    Region("table", "the kata table", kata_table),
    Region("shortcuts", "the list of each kata's forbidden shortcuts", shortcuts, inline=True),
)


def _rendered(root: Path) -> tuple[str, str, list[str]]:
    """(README as it is, README with every region regenerated, problems that regenerating cannot fix)."""
    path = root / README
    if not path.is_file():
        return "", "", [f"{README}: missing, so its kata tables cannot be checked"]
    old = new = path.read_text()
    unfixable = []
    for region in REGIONS:
        found = region.pattern().findall(new)
        if len(found) != 1:
            how = "has no" if not found else f"has {len(found)}"
            unfixable.append(
                f"{README}: {how} <!-- katas:{region.name} --> ... <!-- /katas:{region.name} --> "
                f"region ({region.what}): keep exactly one pair of markers around it"
            )
            continue
        match = region.pattern().search(new)
        new = new[: match.start(2)] + region.text(root) + new[match.end(2) :]
    return old, new, unfixable


def _region(region: Region, text: str) -> str | None:
    found = region.pattern().search(text)
    return found.group(2) if found else None


def problems(root: Path) -> list[str]:
    """One line per region of the main README that is out of date or cannot be found."""
    old, new, unfixable = _rendered(root)
    stale = [r.what for r in REGIONS if _region(r, old) != _region(r, new)]
    return unfixable + [f"{README}: {what} is out of date; run `{COMMAND}`" for what in stale]


def write(root: Path) -> list[Path]:
    """Regenerate every region the README has markers for; return the files changed (regions whose markers
    are missing stay as they are, and ``problems`` reports them)."""
    old, new, _ = _rendered(root)
    if old == new:
        return []
    path = root / README
    path.write_text(new)
    return [path]
