"""Generates the students' grading workflow, ``.github/workflows/classroom.yml``, from the registry.

One ``classroom-resources/autograding-command-grader@v1`` step per kata and check group, each worth that
group's points, then ``classroom-resources/autograding-grading-reporter@v1``, then a job-summary table and
the JSON report as an artifact (so the workflow is useful on a plain GitHub repository too). The text is
``templates/classroom.yml``, with ``templates/classroom_step.yml`` once per grading step and
``templates/classroom_result.yml`` once per line of the reporter's environment.

Facts about those two actions that shape the file (read in their sources, v1):

- The command grader runs ``command`` through ``execSync`` with an environment of only ``PATH``, ``HOME``
  and a few ``FORCE_COLOR``/``DOTNET_*`` variables: the commands below depend on nothing else (what a step
  must know, such as why the hidden tests are missing, reaches it as a file). Its ``timeout`` is in minutes
  (``parseFloat``); scoring is all or nothing (``max-score`` on exit code 0). The command's stdout and stderr
  both go to the step's log, where a student reads the grader's report.
- The reporter reads each runner's result from the environment variable ``<STEP ID UPPERCASED>_RESULTS``
  and ``JSON.parse``s it; one missing or empty result (a skipped step) throws, and then it reports no
  points at all, blaming the ``runners`` list unless every id is letters and digits only. So no grading step
  is ever skipped, and step ids are letters and digits (``roiAlignHidden``): without the hidden tests (no
  secret, or a checkout that failed) the hidden steps still run, say why, exit 1 and score 0.
- The dependencies are cached with ``actions/cache``'s restore and save steps, the save step right after the
  install whatever the grade: ``setup-python``'s own pip cache is saved only when the whole job succeeds,
  which the reporter prevents until every check passes.
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
STATE_DIR = ".grade"  # this run's files, cleared first: a submission may have committed some
STEP_REPORTS = f"{STATE_DIR}/steps"  # one JSON report per grading step
UNAVAILABLE_FILE = f"{STATE_DIR}/hidden-unavailable.txt"  # why the hidden tests are missing, for the hidden steps
REPORT = "grade-report.json"  # the merged report: not under a dot-folder, which upload-artifact skips
ARTIFACT = "grade-report"
UNAVAILABLE_PREFIX = "hidden tests unavailable"
UNAVAILABLE = f"{UNAVAILABLE_PREFIX}: grading visible tests and speed only"
# PyTorch's CPU wheel index: the documented default of the organisation or repository variable the workflow
# reads (the Makefile's TORCH_INDEX_URL has the same default).
TORCH_INDEX_DEFAULT = "https://download.pytorch.org/whl/cpu"
VENV = ".venv"
CACHE_FILES = ("pyproject.toml", "setup.py", "grader/torch-requirement.txt")  # what the environment depends on
INSTALL_MINUTES = 20
# Ids of the workflow's own steps (letters only, as the grading steps' ids).
CHECKOUT_ID = "hiddencheckout"
RESTORE_ID = "restoredeps"
INSTALL_ID = "installdeps"

_SECRET_NAME = re.compile(r"^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$")
_REPO_NAME = re.compile(r"^([A-Za-z0-9-]+/)?[A-Za-z0-9._-]+$")
# The reporter's own check of its runners list: ids of letters and digits, the first a letter (a step id).
_STEP_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

GROUP_TITLES = {"visible": "visible tests", "hidden": "hidden tests", "speed": "speed"}


class WorkflowError(ValueError):
    pass


def step_id(kata: Kata, group: str) -> str:
    """``roiAlignHidden``: the slug's words and the group run together, so that the id is letters and digits
    only, as the reporter's check of its ``runners`` list wants, and its uppercase is a shell variable name."""
    first, *rest = f"{kata.slug}_{group}".split("_")
    sid = first + "".join(word[:1].upper() + word[1:] for word in rest)
    if not _STEP_ID.match(sid):
        raise WorkflowError(f"kata slug {kata.slug!r} does not make a valid step id")
    return sid


def command(kata: Kata, group: str) -> str:
    """The grading command of one kata and group, run from the repository root with only PATH and HOME."""
    sid = step_id(kata, group)
    hidden = f" --hidden {HIDDEN_TESTS}" if group in ("hidden", "speed") else ""  # speed needs them passed too
    # Without the hidden tests, the hidden steps first print why (the line the workflow wrote, if any).
    why = f"cat {UNAVAILABLE_FILE} 2>/dev/null; " if group == "hidden" else ""
    return (
        f"{why}mkdir -p {STEP_REPORTS} && python -m grader {kata.slug} --only {group}{hidden} --sandbox bwrap "
        f"--json {STEP_REPORTS}/{sid}.json --quiet"
    )


def grading_steps(katas: list[Kata] | tuple[Kata, ...]) -> list[tuple[Kata, str, str]]:
    """(kata, group, step id) of every grading step, in the workflow's order; ids unique even uppercased."""
    steps = [(kata, group, step_id(kata, group)) for kata in katas for group in GROUPS]
    seen: dict[str, str] = {}
    for kata, group, sid in steps:
        other = seen.setdefault(sid.upper(), f"{kata.slug} {group}")
        if other != f"{kata.slug} {group}":
            raise WorkflowError(f"{other} and {kata.slug} {group} make the same step id {sid}")
    return steps


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
    steps = grading_steps(katas)
    python_version = toolchain.python_version(root or repo_root())
    grading = [
        render(
            "classroom_step.yml",
            title=_quoted(f"{kata.label}: {GROUP_TITLES[group]}"),
            id=sid,
            command=_quoted(command(kata, group)),
            timeout=timeout_minutes(kata),
            max_score=kata.points.of(group),
        )
        for kata, group, sid in steps
    ]
    reporter_env = [render("classroom_result.yml", variable=f"{sid.upper()}_RESULTS", id=sid) for _, _, sid in steps]
    files = ", ".join(f"'{name}'" for name in CACHE_FILES)
    return render(
        "classroom.yml",
        total=sum(kata.points.of(group) for kata, group, _ in steps),
        job_minutes=INSTALL_MINUTES + sum(timeout_minutes(kata) for kata, _, _ in steps),
        hidden_repo=_quoted(repo),
        secret=secret,
        hidden_path=HIDDEN_PATH,
        state_dir=STATE_DIR,
        unavailable_file=UNAVAILABLE_FILE,
        unavailable_prefix=UNAVAILABLE_PREFIX,
        checkout_id=CHECKOUT_ID,
        restore_id=RESTORE_ID,
        install_id=INSTALL_ID,
        python_version=_quoted(python_version),
        venv=VENV,
        # the exact Python (a new patch release makes a new environment) and the files naming the dependencies
        cache_key=f"cvkatas-${{{{ runner.os }}}}-python${{{{ steps.python.outputs.python-version }}}}-"
        f"${{{{ hashFiles({files}) }}}}",
        torch=toolchain.torch_requirement(),
        torch_index_variable=TORCH_INDEX_VARIABLE,
        torch_index_default=TORCH_INDEX_DEFAULT,
        step_reports=STEP_REPORTS,
        report=REPORT,
        grading_steps="".join(grading).rstrip("\n"),
        reporter_env="".join(reporter_env).rstrip("\n"),
        runners=",".join(sid for _, _, sid in steps),
        artifact=ARTIFACT,
    )
