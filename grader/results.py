"""What grading produces: one CheckResult per check group of each kata, gathered in a KataResult."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum

from grader.registry import Kata
from grader.text import clean_failures, clean_message, clean_output


class Word(str, Enum):
    """A word the reports and the JSON carry as it is: equal to its value, and printed as its value."""

    def __str__(self) -> str:
        return self.value


class Status(Word):
    """How a check ended. Only PASSED scores."""

    PASSED = "passed"
    FAILED = "failed"  # a wrong or slow answer, or a refusal
    NOT_STARTED = "not_started"  # the stub is untouched
    ERROR = "error"  # the check could not run to completion (crash, hang, import error)
    SKIPPED = "skipped"  # the check needs another to pass first
    UNAVAILABLE = "unavailable"  # nothing to run here (no hidden tests)
    NOT_RUN = "not_run"  # the classroom summary only: no grading step reported the check

    @property
    def words(self) -> str:
        """``not started``: the status in a sentence or a table cell."""
        return self.value.replace("_", " ")


# Checks that say nothing about the code: they had nothing to run.
IDLE = frozenset({Status.UNAVAILABLE, Status.NOT_RUN})


class Refusal(Word):
    """Why a kata was refused outright; each refusal's message starts with its word.

    ``grader.grading.guard`` writes "forbidden: ..." itself: it also runs alone in the sandbox, without this
    package.
    """

    FORBIDDEN = "forbidden"  # a forbidden import or construct
    TAMPERING = "tampering"  # work left running in the worker that would slow the baseline while it is timed

    def says(self, detail: str) -> str:
        """The one-line message of this refusal: ``forbidden: <detail>``."""
        return f"{self.value}: {detail}"


@dataclass(frozen=True)
class Refused:
    """A refusal as grading decides it: its kind, and the message the report shows."""

    refusal: Refusal
    message: str


@dataclass
class CheckResult:
    group: str
    status: Status
    message: str
    points: int
    max_points: int
    passed_tests: int | None = None
    total_tests: int | None = None
    failures: list[dict] = field(default_factory=list)
    ratio: float | None = None
    target: float | None = None
    details: dict = field(default_factory=dict)
    refusal: Refusal | None = None  # set when the kata was refused outright; the message says why

    def __post_init__(self) -> None:
        # The words themselves are accepted too ("passed"): reports read back from JSON carry them.
        self.status = Status(self.status)
        self.refusal = Refusal(self.refusal) if self.refusal else None

    def __setattr__(self, name: str, value) -> None:
        # A submission chooses what its exceptions say: every text is made safe here, on its way into any
        # result however it is built or changed, so that no report can be broken or flooded by it.
        if name == "message":
            value = clean_message(value)
        elif name == "failures":
            value = clean_failures(value)
        super().__setattr__(name, value)

    @property
    def ok(self) -> bool:
        return self.status == Status.PASSED

    @classmethod
    def from_json(cls, group: str, record: dict) -> CheckResult | None:
        """A check as ``KataResult.to_json`` wrote it; None when ``record`` is not one."""
        try:
            return cls(group, **{k: v for k, v in record.items() if k in _JSON_FIELDS})
        except (TypeError, ValueError):  # a field missing, or a status no grader writes
            return None


_JSON_FIELDS = frozenset(CheckResult.__dataclass_fields__) - {"group"}


def not_started(checks: Iterable[CheckResult]) -> bool:
    """True when the kata is simply not started: some check says so and the others had nothing to run."""
    statuses = {c.status for c in checks}
    return Status.NOT_STARTED in statuses and statuses <= {Status.NOT_STARTED, *IDLE}


@dataclass
class KataResult:
    kata: Kata
    checks: dict[str, CheckResult]
    impl_file: str
    output_tail: str = ""
    seconds: float = 0.0
    setup_error: str | None = None

    def __setattr__(self, name: str, value) -> None:
        # As CheckResult's texts: the runner sets these after building the result.
        if name == "output_tail":
            value = clean_output(value)
        elif name == "setup_error" and value is not None:
            value = clean_message(value)
        super().__setattr__(name, value)

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
