"""``python -m grader classroom-check DIR [--hidden FOLDER]``: a teacher's dry run of the students' workflow.

Runs, in an exported student repository, what GitHub runs to grade it: every grading step's command as the
command grader runs it (``/bin/sh -c``, from the repository's root, with an environment of only ``PATH`` and
``HOME``, under the step's timeout), one after the other as on the runner, then the reporter's sum and the
score-table step. The hidden tests come from FOLDER (the private repository, or its ``hidden_tests/``), put
where the workflow's checkout puts them; without ``--hidden`` the run takes the workflow's path for a missing
secret. What the runner installs (bubblewrap, the Python environment) is this machine's: the commands run with
the Python running this command first on ``PATH``, and the repository's compiled baselines are built in place
if they are missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader.exits import ExitCode
from grader.paths import HIDDEN_TESTS
from grader.reports.streams import progress
from grader.teacher import classroom

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
COMMAND_GRADER = "classroom-resources/autograding-command-grader@"
SHELL = "/bin/sh"  # the command grader's execSync runs commands through the default shell
SKIPPED = "skipped"  # the hidden checkout's outcome when the secret is not set


class DryRunError(Exception):
    pass


@dataclass
class StepRun:
    """One grading step as run: its id, title, points and what the command printed."""

    id: str
    title: str
    max_score: int
    returncode: int | None  # None: killed at the step's timeout
    output: str
    seconds: float

    @property
    def points(self) -> int:
        return self.max_score if self.returncode == 0 else 0


def load_workflow(repo: Path) -> dict:
    path = repo / WORKFLOW
    if not path.is_file():
        raise DryRunError(f"no {WORKFLOW} in {repo}: give a repository written by `python -m grader export student`")
    try:
        import yaml
    except ImportError:
        raise DryRunError("reading the workflow needs pyyaml (pip install pyyaml, or the dev extra)") from None
    try:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        (job,) = workflow["jobs"].values()
        steps = job["steps"]
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DryRunError(f"{path}: not a classroom workflow with one job ({type(exc).__name__})") from None
    return {"job": job, "steps": steps}


def grading_steps(workflow: dict) -> list[dict]:
    return [s for s in workflow["steps"] if str(s.get("uses", "")).startswith(COMMAND_GRADER)]


def _run_step(step: dict) -> str:
    return str(step.get("run", ""))


def unavailable_step(workflow: dict) -> dict | None:
    """The step that runs when the hidden checkout did not succeed (it writes why, for the hidden steps)."""
    marker = f"steps.{classroom.CHECKOUT_ID}.outcome"
    return next((s for s in workflow["steps"] if marker in str(s.get("if", "")) and "run" in s), None)


def summary_step(workflow: dict) -> dict:
    found = [s for s in workflow["steps"] if "grader summary" in _run_step(s)]
    if len(found) != 1:
        raise DryRunError("the workflow has no score-table step (`python -m grader summary`)")
    return found[0]


def step_env(home: str | None = None, **extra: str) -> dict[str, str]:
    """What the command grader gives a command: PATH (this Python's folder first, as the runner's environment
    is first on its PATH) and HOME, nothing else."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")])
    return {"PATH": path, "HOME": home or os.environ.get("HOME", tempfile.gettempdir()), **extra}


def run_grading_step(step: dict, repo: Path, env: dict[str, str]) -> StepRun:
    given = step.get("with", {})
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [SHELL, "-c", str(given["command"])],
            cwd=repo,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # both go to the step's log
            text=True,
            errors="replace",
            timeout=float(given.get("timeout", 10)) * 60,
        )
        code, output = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or ""
        code, output = None, out if isinstance(out, str) else out.decode("utf-8", "replace")
    return StepRun(
        step["id"],
        str(given.get("test-name", step.get("name", ""))),
        int(given.get("max-score", 0)),
        code,
        output,
        time.monotonic() - started,
    )


def run_shell_step(step: dict, repo: Path, env: dict[str, str]) -> None:
    """A ``run:`` step of the workflow, with bash as GitHub runs it (``bash -e``)."""
    subprocess.run(["bash", "-e", "-c", _run_step(step)], cwd=repo, env=env, stdin=subprocess.DEVNULL, check=True)


def hidden_tests(hidden: Path) -> Path:
    """The folder of hidden tests in FOLDER: the private repository's ``hidden_tests/``, or FOLDER itself."""
    source = hidden / HIDDEN_TESTS if (hidden / HIDDEN_TESTS).is_dir() else hidden
    if not source.is_dir():
        raise DryRunError(f"no hidden tests in {hidden} (give the private repository or its {HIDDEN_TESTS}/ folder)")
    return source


def build_baselines(repo: Path) -> None:
    """The compiled baselines, built in place where missing (the workflow's install step does it on GitHub),
    then numba's cache (its step before the grading)."""
    baselines = repo / "grader" / "baselines"
    missing = [p for p in baselines.glob("*.pyx") if not any(baselines.glob(f"{p.stem}.*.so"))]
    if missing:
        progress(f"building the compiled baselines in {baselines} ...")
        subprocess.run(
            [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
            cwd=repo,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run([sys.executable, "-m", "grader.baselines"], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def report_unavailable(workflow: dict, repo: Path, outcome: str, env: dict[str, str]) -> None:
    """The workflow's step for a hidden checkout that did not succeed, with that checkout's ``outcome``
    (``skipped``: no secret; ``failure``: the checkout failed) and the job's environment."""
    step = unavailable_step(workflow)
    if step is None:
        raise DryRunError("the workflow has no step for unavailable hidden tests")
    job_env = {k: str(v) for k, v in (workflow["job"].get("env") or {}).items()}
    run_shell_step(step, repo, {**env, **job_env, "OUTCOME": outcome})


def reporter_line(runs: list[StepRun]) -> str:
    """The total the classroom reporter announces ("Autograding complete")."""
    return f"Points {sum(r.points for r in runs)}/{sum(r.max_score for r in runs)}"


def dry_run(repo: Path, hidden: Path | None, home: str | None = None) -> tuple[list[StepRun], str]:
    """Run the workflow's grading in ``repo``: the runs of its grading steps and the job summary's text."""
    workflow = load_workflow(repo)
    steps = grading_steps(workflow)
    if not steps:
        raise DryRunError(f"{repo / WORKFLOW} has no grading step")
    source = hidden_tests(hidden) if hidden else None
    for name in (classroom.HIDDEN_PATH, classroom.STATE_DIR, classroom.REPORT):  # as its first step does
        target = repo / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    build_baselines(repo)
    summary_file = repo / classroom.STATE_DIR / "job-summary.md"
    summary_file.parent.mkdir(parents=True)
    summary_file.touch()
    shell_env = {**step_env(home), "GITHUB_STEP_SUMMARY": str(summary_file)}
    if source:  # where the workflow's checkout puts them
        shutil.copytree(source, repo / classroom.HIDDEN_TESTS, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        report_unavailable(workflow, repo, SKIPPED, shell_env)
    runs = []
    for i, step in enumerate(steps, start=1):
        run = run_grading_step(step, repo, step_env(home))
        runs.append(run)
        state = "timed out" if run.returncode is None else f"exit {run.returncode}"
        progress(f"[{i}/{len(steps)}] {run.title}: {run.points}/{run.max_score} ({state}, {run.seconds:.1f} s)")
    run_shell_step(summary_step(workflow), repo, shell_env)
    return runs, summary_file.read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader classroom-check",
        description="Run an exported student repository's grading workflow here, step by step, as GitHub would: "
        "the reporter's total and the job summary's table.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="a repository written by `python -m grader export student`")
    p.add_argument(
        "--hidden",
        type=Path,
        metavar="FOLDER",
        help="the hidden tests: the private repository (`export hidden`) or its hidden_tests/ folder "
        "(default: none, as when the workflow's secret is not set)",
    )
    p.add_argument("--log", action="store_true", help="print each grading step's log")
    args = p.parse_args(argv)
    repo = args.dir.resolve()
    try:
        if not repo.is_dir():
            raise DryRunError(f"no folder {args.dir}")
        runs, summary = dry_run(repo, args.hidden.resolve() if args.hidden else None)
    except DryRunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except subprocess.CalledProcessError as exc:
        print(f"error: a workflow step failed here: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if args.log:
        for run in runs:
            print(f"--- {run.title} ---\n{run.output.rstrip()}\n")
    print(f"\nreporter: {reporter_line(runs)}\n")
    print(summary, end="")
    return ExitCode.OK
