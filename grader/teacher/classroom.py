"""Generates the students' grading workflow, ``.github/workflows/classroom.yml``, from the registry.

One ``classroom-resources/autograding-command-grader@v1`` step per kata and check group, each worth that
group's points, then ``classroom-resources/autograding-grading-reporter@v1``, then a job-summary table and
the JSON report as an artifact (so the workflow is useful on a plain GitHub repository too). The text is
``templates/classroom.yml``, with ``templates/classroom_step.yml`` once per grading step and
``templates/classroom_result.yml`` once per line of the reporter's environment.

Facts about those two actions that shape the file (read in their sources, v1):

- The command grader runs ``command`` through ``execSync`` with an environment of only ``PATH``, ``HOME``
  and a few ``FORCE_COLOR``/``DOTNET_*`` variables: the commands below depend on nothing else. Its
  ``timeout`` is in minutes (``parseFloat``); scoring is all or nothing (``max-score`` on exit code 0).
  On failure it keeps only "failed with exit code N", dropping the command's stdout, while stderr goes
  straight to the step's log: the commands send the grader's report to stderr so a student can read why.
- The reporter reads each runner's result from the environment variable ``<STEP ID UPPERCASED>_RESULTS``
  and ``JSON.parse``s it; one missing or empty result (a skipped step) throws, and then it reports no
  points at all. So no grading step is ever skipped: without the hidden-tests secret the hidden steps
  still run, find no hidden tests, exit 1 and score 0, and the log and the job summary say why.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from grader import toolchain
from grader.paths import repo_root
from grader.registry import GROUPS, KATAS, Kata
from grader.teacher.render import render

DEFAULT_HIDDEN_REPO_NAME = "cv-katas-hidden"
# The private repository, by default beside the student's: same owner (the course's organisation).
DEFAULT_HIDDEN_REPO = "${{ github.repository_owner }}/" + DEFAULT_HIDDEN_REPO_NAME
DEFAULT_SECRET = "CVKATAS_HIDDEN_TESTS_TOKEN"
TORCH_INDEX_VARIABLE = "CVKATAS_TORCH_INDEX_URL"
HIDDEN_PATH = ".hidden"  # where the private repository is checked out, inside the student's workspace
HIDDEN_TESTS = f"{HIDDEN_PATH}/hidden_tests"
STEP_REPORTS = ".grade/steps"  # one JSON report per grading step
REPORT = "grade-report.json"  # the merged report: not under a dot-folder, which upload-artifact@v4 skips
ARTIFACT = "grade-report"
UNAVAILABLE = "hidden tests unavailable: grading visible tests and speed only"
INSTALL_MINUTES = 20

_SECRET_NAME = re.compile(r"^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$")
_REPO_NAME = re.compile(r"^([A-Za-z0-9-]+/)?[A-Za-z0-9._-]+$")
_STEP_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

GROUP_TITLES = {"visible": "visible tests", "hidden": "hidden tests", "speed": "speed"}


class WorkflowError(ValueError):
    pass


def step_id(kata: Kata, group: str) -> str:
    """``iou_hidden``: a valid step id whose uppercase is a valid shell variable name (the reporter's
    ``<ID>_RESULTS``)."""
    sid = f"{kata.slug}_{group}"
    if not _STEP_ID.match(sid):
        raise WorkflowError(f"kata slug {kata.slug!r} does not make a valid step id")
    return sid


def command(kata: Kata, group: str) -> str:
    """The grading command of one kata and group, run from the repository root with only PATH and HOME."""
    sid = step_id(kata, group)
    hidden = f" --hidden {HIDDEN_TESTS}" if group in ("hidden", "speed") else ""  # speed needs them passed too
    return (
        f"mkdir -p {STEP_REPORTS} && python -m grader {kata.slug} --only {group}{hidden} --sandbox bwrap "
        f"--json {STEP_REPORTS}/{sid}.json --quiet >&2"
    )


def timeout_minutes(kata: Kata) -> int:
    """The command grader's limit: the grader's own limit for the kata plus a minute for start-up, so the
    grader's clearer message wins the race."""
    return math.ceil(kata.time_limit / 60) + 1


def resolve_hidden_repo(name: str | None) -> str:
    """``owner/name`` as given, ``name`` alone under the student repository's owner, or the default."""
    if not name:
        return DEFAULT_HIDDEN_REPO
    if not _REPO_NAME.match(name):
        raise WorkflowError(f"--hidden-repo takes OWNER/NAME or NAME; got {name!r}")
    return name if "/" in name else "${{ github.repository_owner }}/" + name


def check_secret(name: str) -> str:
    if not _SECRET_NAME.match(name):
        raise WorkflowError(
            f"secret names take letters, digits and underscores, must not start with a digit or GITHUB_; got {name!r}"
        )
    return name


def _quoted(text: str) -> str:
    """``text`` for the inside of a single-quoted YAML scalar (quotes inside are doubled)."""
    return text.replace("'", "''")


def workflow(
    katas: list[Kata] | tuple[Kata, ...] = KATAS,
    hidden_repo: str | None = None,
    secret: str = DEFAULT_SECRET,
    root: Path | None = None,
) -> str:
    """The text of ``classroom.yml`` for ``katas``; ``root`` is the checkout whose Python version it uses."""
    repo = resolve_hidden_repo(hidden_repo)
    secret = check_secret(secret)
    steps = [(kata, group) for kata in katas for group in GROUPS]
    ids = [step_id(kata, group) for kata, group in steps]
    grading_steps = [
        render(
            "classroom_step.yml",
            title=_quoted(f"{kata.label}: {GROUP_TITLES[group]}"),
            id=sid,
            command=_quoted(command(kata, group)),
            timeout=timeout_minutes(kata),
            max_score=kata.points.of(group),
        )
        for (kata, group), sid in zip(steps, ids)
    ]
    reporter_env = [render("classroom_result.yml", variable=f"{sid.upper()}_RESULTS", id=sid) for sid in ids]
    return render(
        "classroom.yml",
        total=sum(kata.points.of(group) for kata, group in steps),
        job_minutes=INSTALL_MINUTES + sum(timeout_minutes(kata) for kata, _ in steps),
        hidden_repo=_quoted(repo),
        secret=secret,
        hidden_path=HIDDEN_PATH,
        unavailable=_quoted(UNAVAILABLE),
        python_version=_quoted(toolchain.python_version(root or repo_root())),
        torch=toolchain.torch_requirement(),
        torch_version=toolchain.torch_version(),
        torch_index_variable=TORCH_INDEX_VARIABLE,
        step_reports=STEP_REPORTS,
        report=REPORT,
        grading_steps="".join(grading_steps).rstrip("\n"),
        reporter_env="".join(reporter_env).rstrip("\n"),
        runners=",".join(ids),
        artifact=ARTIFACT,
    )
