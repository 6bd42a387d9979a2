"""What grading produces: one CheckResult per check group of each kata, gathered in a KataResult."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from grader.registry import Kata

# Statuses: "passed" is the only one that scores. "not_started" means the stub is untouched; "failed" a
# wrong or slow answer; "error" a check that could not run to completion (crash, hang, import error);
# "skipped" a check that needs another to pass first; "unavailable" a check with nothing to run (no
# hidden tests here).
PASSED = "passed"


@dataclass
class CheckResult:
    group: str
    status: str
    message: str
    points: int
    max_points: int
    passed_tests: int | None = None
    total_tests: int | None = None
    failures: list[dict] = field(default_factory=list)
    ratio: float | None = None
    target: float | None = None
    details: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == PASSED


@dataclass
class KataResult:
    kata: Kata
    checks: dict[str, CheckResult]
    impl_file: str
    output_tail: str = ""
    seconds: float = 0.0
    setup_error: str | None = None

    @property
    def points(self) -> int:
        return sum(c.points for c in self.checks.values())

    @property
    def max_points(self) -> int:
        return sum(c.max_points for c in self.checks.values())

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks.values())

    def to_json(self) -> dict:
        return {
            "kata": self.kata.slug,
            "number": self.kata.number,
            "file": self.impl_file,
            "points": self.points,
            "max_points": self.max_points,
            "seconds": round(self.seconds, 2),
            "checks": {g: {k: v for k, v in asdict(c).items() if k != "group"} for g, c in self.checks.items()},
        }
