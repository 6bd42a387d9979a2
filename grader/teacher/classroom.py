"""Generates the students' grading workflow, ``.github/workflows/classroom.yml``, from the registry.

One ``classroom-resources/autograding-command-grader@v1`` step per kata and check group, each worth that
group's points, then ``classroom-resources/autograding-grading-reporter@v1``, then a job-summary table and
the JSON report as an artifact (so the workflow is useful on a plain GitHub repository too).

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

from grader.registry import GROUPS, KATAS, Kata

DEFAULT_HIDDEN_REPO_NAME = "cv-katas-hidden"
# The private repository, by default beside the student's: same owner (the course's organisation).
DEFAULT_HIDDEN_REPO = "${{ github.repository_owner }}/" + DEFAULT_HIDDEN_REPO_NAME
DEFAULT_SECRET = "CVKATAS_HIDDEN_TESTS_TOKEN"
TORCH_INDEX_VARIABLE = "CVKATAS_TORCH_INDEX_URL"
TORCH = "torch==2.13.0"
PYTHON_VERSION = "3.11"
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
    hidden = f" --hidden {HIDDEN_TESTS}" if group == "hidden" else ""
    return (
        f"mkdir -p {STEP_REPORTS} && python -m grader {kata.slug} --only {group}{hidden} "
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


def _q(text: str) -> str:
    """A single-quoted YAML scalar (quotes inside are doubled)."""
    return "'" + text.replace("'", "''") + "'"


def workflow(katas: list[Kata] | tuple[Kata, ...] = KATAS, hidden_repo: str | None = None,
             secret: str = DEFAULT_SECRET) -> str:
    """The text of ``classroom.yml`` for ``katas``."""
    repo = resolve_hidden_repo(hidden_repo)
    secret = check_secret(secret)
    steps = [(kata, group) for kata in katas for group in GROUPS]
    total = sum(kata.points.of(group) for kata, group in steps)
    job_minutes = INSTALL_MINUTES + sum(timeout_minutes(kata) for kata, _ in steps)
    ids = [step_id(kata, group) for kata, group in steps]

    out: list[str] = []
    add = out.append
    add("# Generated by `python -m grader export student` from the kata registry: regenerate it rather than")
    add("# editing it. Every push is graded: one step per kata and check group, each worth that group's points")
    add(f"# ({total} in all), then the reporter's total, a table on the run's summary page and the JSON report.")
    add("name: Autograding Tests")
    add("on: [push, workflow_dispatch, repository_dispatch]")
    add("permissions:")
    add("  contents: read")
    add("jobs:")
    add("  run-autograding-tests:")
    add("    runs-on: ubuntu-latest")
    add("    if: github.actor != 'github-classroom[bot]'")
    add(f"    timeout-minutes: {job_minutes}")
    add("    env:")
    add("      # The private repository holding hidden_tests/, and whether the secret with a token that can read it")
    add("      # is set (a secret cannot appear in a step's `if:`, so its presence is mapped to this variable).")
    add(f"      HIDDEN_TESTS_REPO: {_q(repo)}")
    add(f"      HAS_HIDDEN_TESTS: ${{{{ secrets.{secret} != '' }}}}")
    add("    steps:")
    add("      - name: Check out the submission")
    add("        uses: actions/checkout@v4")
    add("        with:")
    add("          persist-credentials: false")
    add("      - name: Check out the hidden tests")
    add("        if: env.HAS_HIDDEN_TESTS == 'true'")
    add("        uses: actions/checkout@v4")
    add("        with:")
    add("          repository: ${{ env.HIDDEN_TESTS_REPO }}")
    add(f"          token: ${{{{ secrets.{secret} }}}}")
    add(f"          path: {HIDDEN_PATH}")
    add("          # keep the token out of the checkout's git config, where the submission could read it")
    add("          persist-credentials: false")
    add("      - name: Hidden tests unavailable")
    add("        if: env.HAS_HIDDEN_TESTS != 'true'")
    notice = f"{UNAVAILABLE} (the {secret} secret is not set, so the hidden-test steps score 0)"
    warn = 'echo "::warning title=Hidden tests unavailable::' + notice + '"'
    add(f"        run: {_q(warn)}")
    add("      - name: Set up Python")
    add("        uses: actions/setup-python@v5")
    add("        with:")
    add(f"          python-version: {_q(PYTHON_VERSION)}")
    add("          cache: pip")
    add("          cache-dependency-path: |")
    add("            pyproject.toml")
    add("            setup.py")
    add("      - name: Install torch (CPU build)")
    add("        env:")
    add("          # A package index serving torch's CPU wheels (set as a repository or organisation variable).")
    add("          # Its 2.13.0+cpu sorts above the default index's 2.13.0, so pip takes it; unset, pip installs")
    add("          # the default build, a much larger download that works all the same.")
    add(f"          TORCH_INDEX_URL: ${{{{ vars.{TORCH_INDEX_VARIABLE} }}}}")
    add("        run: |")
    add("          if [ -n \"$TORCH_INDEX_URL\" ]; then")
    add(f"            python -m pip install \"{TORCH}\" --extra-index-url \"$TORCH_INDEX_URL\"")
    add("          else")
    add(f"            python -m pip install \"{TORCH}\"")
    add("          fi")
    add("      - name: Install the grader and build the compiled baselines")
    add("        run: |")
    add("          python -m pip install -e .")
    add("          # numba compiles the baselines once, here, into the workspace's cache, not in every grading step")
    add("          python -m grader.baselines")
    add("          # only this run's reports count, whatever the repository holds")
    add(f"          rm -rf {STEP_REPORTS} {REPORT}")
    for kata, group in steps:
        sid = step_id(kata, group)
        title = f"{kata.label}: {GROUP_TITLES[group]}"
        add(f"      - name: {_q(title)}")
        add(f"        id: {sid}")
        add("        uses: classroom-resources/autograding-command-grader@v1")
        add("        with:")
        add(f"          test-name: {_q(title)}")
        add(f"          command: {_q(command(kata, group))}")
        add(f"          timeout: {timeout_minutes(kata)}")
        add(f"          max-score: {kata.points.of(group)}")
    add("      - name: Autograding Reporter")
    add("        uses: classroom-resources/autograding-grading-reporter@v1")
    add("        env:")
    for sid in ids:
        add(f"          {sid.upper()}_RESULTS: ${{{{ steps.{sid}.outputs.result }}}}")
    add("        with:")
    add(f"          runners: {','.join(ids)}")
    add("      - name: Score table")
    add("        if: always()")
    summary = f"python -m grader summary {STEP_REPORTS} --json {REPORT}" + ' >> "$GITHUB_STEP_SUMMARY"'
    add(f"        run: {_q(summary)}")
    add("      - name: Upload the JSON report")
    add("        if: always()")
    add("        uses: actions/upload-artifact@v4")
    add("        with:")
    add(f"          name: {ARTIFACT}")
    add(f"          path: {REPORT}")
    add("          if-no-files-found: ignore")
    return "\n".join(out) + "\n"
