"""Generates the hidden repository's ``.github/workflows/regrade.yml``: ``regrade`` at course scale on GitHub.

A course too big to regrade on one machine is regraded by a matrix of jobs in the hidden repository, one per
shard of the students its roster lists (:mod:`grader.teacher.shards`). Each job checks out the hidden tests
(its own repository), the course's template repository (the grader and visible tests that grade every student,
as a local ``regrade`` uses the teacher's checkout), clones its shard's student repositories with a token
secret, regrades them in the bwrap sandbox and uploads a CSV; a last job merges the CSVs (``regrade-merge``)
into one ``grades.csv`` artifact. The text is ``templates/regrade.yml``.

Every value the workflow takes from outside (the matrix's shard, the roster's names, the token) reaches a
shell through an environment variable, never through ``${{ }}`` inside a script.
"""

from __future__ import annotations

from pathlib import Path

from grader import toolchain
from grader.paths import HIDDEN_TESTS
from grader.teacher import classroom, shards
from grader.teacher.render import render

WORKFLOW = Path(".github") / "workflows" / "regrade.yml"
ROSTER = "students.txt"
DEFAULT_COURSE_REPO_NAME = "cv-katas-course"
DEFAULT_SECRET = "CVKATAS_REGRADE_TOKEN"
DEFAULT_SHARDS = 4
MAX_SHARDS = 256  # GitHub's limit on the jobs of one matrix
JOBS = 2  # students graded side by side in a job: the cores of a standard runner for private repositories
JOB_MINUTES = 360  # GitHub's limit on a job: a course that needs more needs more shards
HIDDEN_EXTRA = "hidden"  # pyproject.toml's extra for what only the hidden tests import (torch, pycocotools)
ARTIFACT = "grades"
COURSE = "course"  # where a job checks the course's template repository out
SHARD_ARTIFACT = "grades-shard"
# The majors that run on Node 24 (GitHub retired Node 20 from its runners), read in the actions' release notes.
ACTIONS = {"checkout": "v6", "setup_python": "v6", "upload_artifact": "v7", "download_artifact": "v8"}


def resolve_course_repo(name: str | None) -> str:
    """``owner/name`` as given, ``name`` alone under the hidden repository's owner, or the default."""
    name = name or DEFAULT_COURSE_REPO_NAME
    try:
        shards.check_repository(name if "/" in name else f"owner/{name}")
    except shards.RosterError:
        raise classroom.WorkflowError(f"--course-repo takes OWNER/NAME or NAME; got {name!r}") from None
    return name if "/" in name else "${{ github.repository_owner }}/" + name


def check_shards(count: int) -> int:
    if not 1 <= count <= MAX_SHARDS:
        raise classroom.WorkflowError(f"--shards takes 1 to {MAX_SHARDS} (a matrix's jobs); got {count}")
    return count


def workflow(root: Path, course_repo: str | None = None, shards: int = DEFAULT_SHARDS) -> str:
    """The text of ``regrade.yml``; ``root`` is the checkout whose Python version it uses."""
    return render(
        "regrade.yml",
        roster=ROSTER,
        artifact=ARTIFACT,
        shard_artifact=SHARD_ARTIFACT,
        course_repo=resolve_course_repo(course_repo).replace("'", "''"),
        job_minutes=JOB_MINUTES,
        shards=", ".join(str(k) for k in range(1, check_shards(shards) + 1)),
        secret=classroom.check_secret(DEFAULT_SECRET),
        python_version=toolchain.python_version(root),
        torch_index_variable=classroom.TORCH_INDEX_VARIABLE,
        torch_index=classroom.TORCH_INDEX_DEFAULT,
        cache_files="".join(f"\n            {COURSE}/{f}" for f in classroom.CACHE_FILES),
        course=COURSE,
        torch=toolchain.torch_requirement(),
        extra=HIDDEN_EXTRA,
        hidden_tests=HIDDEN_TESTS,
        jobs=JOBS,
        **ACTIONS,
    )


def roster_template() -> str:
    return render("students.txt", workflow=WORKFLOW.as_posix())
