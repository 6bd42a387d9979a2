"""The classroom export end to end: both repositories built, every grading step of the generated workflow run
exactly as written (as the command grader runs it: from the student repository, with only PATH and HOME), the
export free of solutions and hidden tests, and the local regrade of a folder of student repositories.

The export's ``grader`` package has no compiled baselines: on GitHub the workflow's install step builds them
(``pip install -e .``). Here the test copies the checkout's built extensions in, after checking that their
``.pyx`` sources are identical to the exported ones, which saves a compiler run per test session; what these
tests are about is the commands and the files, not the build. It copies the checkout's numba cache too (about
40 s of compiling on a fresh copy): numba checks each entry against its source file and recompiles whatever
does not match, so the copy can only save time.
"""

from __future__ import annotations

import csv
import json
import os
import queue
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from grader import registry
from grader.registry import GROUPS
from grader.stubs import BEGIN, END
from grader.teacher import classroom, dry_run

# Inputs each action documents in its action.yml at the version the workflow uses (read in the actions'
# repositories and release notes): name -> (all inputs, required inputs). The majors are the first that run on
# Node 24 (checkout v5+, setup-python v6, cache v5, upload-artifact v6+), at their latest: the Node 20 ones are
# retired on GitHub's runners.
CHECKOUT_INPUTS = {
    "repository",
    "ref",
    "token",
    "ssh-key",
    "ssh-known-hosts",
    "ssh-strict",
    "ssh-user",
    "persist-credentials",
    "path",
    "clean",
    "filter",
    "sparse-checkout",
    "sparse-checkout-cone-mode",
    "fetch-depth",
    "fetch-tags",
    "show-progress",
    "lfs",
    "submodules",
    "set-safe-directory",
    "github-server-url",
}
DOCUMENTED_INPUTS = {
    "actions/checkout@v6": (CHECKOUT_INPUTS, set()),
    "actions/setup-python@v6": (
        {
            "python-version",
            "python-version-file",
            "cache",
            "architecture",
            "check-latest",
            "token",
            "cache-dependency-path",
            "update-environment",
            "allow-prereleases",
            "freethreaded",
            "pip-version",
            "pip-install",
        },
        set(),
    ),
    "actions/cache/restore@v5": (
        {"path", "key", "restore-keys", "enableCrossOsArchive", "fail-on-cache-miss", "lookup-only"},
        {"path", "key"},
    ),
    "actions/cache/save@v5": ({"path", "key", "upload-chunk-size", "enableCrossOsArchive"}, {"path", "key"}),
    # classroom-resources/autograding-command-grader@v1 action.yml
    "classroom-resources/autograding-command-grader@v1": (
        {"test-name", "setup-command", "command", "timeout", "max-score"},
        {"test-name", "command"},
    ),
    # classroom-resources/autograding-grading-reporter@v1 action.yml
    "classroom-resources/autograding-grading-reporter@v1": ({"runners", "token"}, {"runners"}),
    "actions/upload-artifact@v7": (
        {
            "name",
            "path",
            "if-no-files-found",
            "retention-days",
            "compression-level",
            "overwrite",
            "include-hidden-files",
            "archive",
        },
        {"path"},
    ),
}
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
TOTAL = sum(k.points.total for k in registry.KATAS)


def export(kind: str, target: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "export", kind, str(target), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def copy_built_baselines(student: Path) -> None:
    for pyx in sorted((student / "grader" / "baselines").glob("*.pyx")):
        ours = REPO / "grader" / "baselines" / pyx.name
        assert pyx.read_bytes() == ours.read_bytes(), f"{pyx.name} differs from the checkout's"
        built = sorted(ours.parent.glob(f"{pyx.stem}.*.so"))
        assert built, f"{pyx.stem} is not built in the checkout (pip install -e .)"
        shutil.copy2(built[0], pyx.parent / built[0].name)
    cache = REPO / "grader" / "baselines" / "__pycache__"
    if cache.is_dir():
        (student / "grader" / "baselines" / "__pycache__").mkdir(exist_ok=True)
        for entry in cache.glob("*.nb[ic]"):
            shutil.copy2(entry, student / "grader" / "baselines" / "__pycache__" / entry.name)


def step_env(home: Path, **extra: str) -> dict:
    """What the command grader gives a command: PATH and HOME, nothing else."""
    return dry_run.step_env(str(home), **extra)


def load_workflow(student: Path) -> dict:
    return yaml.safe_load((student / ".github" / "workflows" / "classroom.yml").read_text())


def job_steps(workflow: dict) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def grading_steps(workflow: dict) -> list[dict]:
    return [s for s in job_steps(workflow) if s.get("uses") == COMMAND_GRADER]


def make_course(base: Path) -> tuple[Path, Path]:
    """A student repository with the hidden repository checked out where the workflow puts it, and a HOME."""
    student = base / "student"
    export("student", student)
    export("hidden", student / ".hidden")  # the workflow's `path: .hidden`
    copy_built_baselines(student)
    home = base / "home"
    home.mkdir()
    return student, home


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A student repository as exported: the stubs, untouched."""
    return make_course(tmp_path_factory.mktemp("course"))


def run_step(step: dict, student: Path, home: Path) -> dry_run.StepRun:
    """One command-grader step, as the action runs it (its timeout is in minutes; stdout and stderr to its log)."""
    return dry_run.run_grading_step(step, student, step_env(home))


def run_steps_side_by_side(steps: list[dict], student: Path, home: Path) -> dict[str, dry_run.StepRun]:
    """Steps that time nothing, run two or more at once, each on a CPU of its own (the grader pins a kata's
    processes to the highest CPU they may use, which would put them all on one)."""
    cpus: queue.Queue = queue.Queue()
    for cpu in sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [None]:
        cpus.put(cpu)

    def run(step: dict) -> dry_run.StepRun:
        cpu = cpus.get()
        try:
            # bash -c COMMAND as run_step runs it, started by a Python that first pins itself to the CPU
            pinned = [
                sys.executable,
                "-c",
                "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])}); "
                "os.execvp('sh', ['sh', '-c', sys.argv[2]])",
                str(cpu),
                step["with"]["command"],
            ]
            argv = ["sh", "-c", step["with"]["command"]] if cpu is None else pinned
            proc = subprocess.run(
                argv,
                cwd=student,
                env=step_env(home),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=float(step["with"]["timeout"]) * 60,
            )
            w = step["with"]
            return dry_run.StepRun(step["id"], w["test-name"], int(w["max-score"]), proc.returncode, proc.stdout, 0.0)
        finally:
            cpus.put(cpu)

    with ThreadPoolExecutor(max(cpus.qsize(), 1)) as pool:
        return dict(zip([s["id"] for s in steps], pool.map(run, steps)))


def run_summary(workflow: dict, student: Path, home: Path, out: Path) -> str:
    (step,) = [s for s in job_steps(workflow) if "grader summary" in str(s.get("run", ""))]
    subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=student,
        env=step_env(home, GITHUB_STEP_SUMMARY=str(out)),
        check=True,
        timeout=120,
    )
    return out.read_text()


@pytest.fixture(scope="module")
def stub_runs(course):
    """Every grading step run on the stubs: exit codes and outputs, and the job-summary text."""
    student, home = course
    workflow = load_workflow(student)
    steps = grading_steps(workflow)
    runs = {step["id"]: run_step(step, student, home) for step in steps}
    return {"steps": steps, "runs": runs, "summary": run_summary(workflow, student, home, home / "summary-stubs.md")}


@pytest.fixture(scope="module")
def solved_course_runs(tmp_path_factory):
    """Every grading step run on the reference solutions, in a course of its own: exit codes, outputs, the
    job-summary text and the merged report; then one hidden step without the hidden tests (no secret). The speed
    steps time the solutions, one at a time: clear verdicts, which need a core of their own and no more."""
    student, home = make_course(tmp_path_factory.mktemp("solved-course"))
    for kata in registry.KATAS:
        shutil.copy(
            REPO / "solutions" / kata.folder / kata.filename, student / "exercises" / kata.folder / kata.filename
        )
    workflow = load_workflow(student)
    steps = grading_steps(workflow)
    timed = [s for s in steps if "--only speed" in s["with"]["command"]]
    # first the steps that time nothing, side by side; then the speed steps, one at a time, with nothing beside
    runs = run_steps_side_by_side([s for s in steps if s not in timed], student, home)
    runs.update({step["id"]: run_step(step, student, home) for step in timed})
    assert len(runs) == len(steps) and timed
    summary = run_summary(workflow, student, home, home / "summary-solutions.md")
    report = json.loads((student / "grade-report.json").read_text())
    # then the first kata again without the hidden tests: no secret, and a checkout that failed
    first = registry.KATAS[0]
    by_id = {s["id"]: s for s in steps}
    unavailable = {}
    (student / ".hidden").rename(student / ".hidden-kept")
    try:
        for outcome in ("skipped", "failure"):
            out = home / f"summary-{outcome}.md"
            out.write_text("")
            dry_run.report_unavailable(
                dry_run.load_workflow(student), student, outcome, step_env(home, GITHUB_STEP_SUMMARY=str(out))
            )
            unavailable[outcome] = {g: run_step(by_id[classroom.step_id(first, g)], student, home) for g in GROUPS}
            unavailable[outcome]["summary"] = out.read_text()
    finally:
        (student / classroom.UNAVAILABLE_FILE).unlink(missing_ok=True)
        (student / ".hidden-kept").rename(student / ".hidden")
    return {"steps": steps, "runs": runs, "summary": summary, "report": report, "unavailable": unavailable}


def test_steps_import_the_exported_grader(course):
    student, home = course
    proc = subprocess.run(
        [sys.executable, "-c", "import grader; print(grader.__file__)"],
        cwd=student,
        env=step_env(home),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(proc.stdout.strip()).resolve().is_relative_to(student.resolve())


@pytest.mark.slow
def test_every_step_fails_on_the_stubs(stub_runs):
    failed = {sid: r.returncode for sid, r in stub_runs["runs"].items() if r.returncode == 0}
    assert not failed, f"steps passing on untouched stubs: {failed}"
    points = sum(int(s["with"]["max-score"]) for s in stub_runs["steps"] if stub_runs["runs"][s["id"]].returncode == 0)
    assert points == 0
    for r in stub_runs["runs"].values():
        assert "Traceback" not in r.output, r.output[-2000:]
    assert f"0/{TOTAL} points" in stub_runs["summary"]


@pytest.mark.slow
def test_every_step_passes_on_the_solutions_and_points_add_up(solved_course_runs):
    runs = solved_course_runs["runs"]
    failing = {sid: r.output[-1500:] for sid, r in runs.items() if r.returncode != 0}
    assert not failing, failing
    points = sum(int(s["with"]["max-score"]) for s in solved_course_runs["steps"] if runs[s["id"]].returncode == 0)
    assert points == TOTAL
    assert f"{TOTAL}/{TOTAL} points" in solved_course_runs["summary"]
    assert solved_course_runs["report"]["points"] == solved_course_runs["report"]["max_points"] == TOTAL


@pytest.mark.parametrize(
    "outcome, cause",
    [
        ("skipped", "the CVKATAS_HIDDEN_TESTS_TOKEN secret is not set (hidden checkout: skipped)"),
        ("failure", "the checkout of ${{ github.repository_owner }}/cv-katas-hidden ended in failure"),
    ],
)
@pytest.mark.slow
def test_without_the_hidden_tests_the_hidden_steps_score_zero_and_say_why(solved_course_runs, outcome, cause):
    runs = solved_course_runs["unavailable"][outcome]
    assert runs["hidden"].returncode == 1
    assert f"hidden tests unavailable: {cause}" in runs["hidden"].output and "Traceback" not in runs["hidden"].output
    # every other step still grades: the solution's visible tests pass, and its speed counts on them alone
    assert runs["visible"].returncode == 0 and runs["speed"].returncode == 0, runs["speed"].output[-1500:]
    assert f"hidden tests unavailable**: {cause}" in runs["summary"]  # the job summary names the real cause


def test_workflow_has_one_step_per_kata_and_group_worth_its_points(course):
    student, _ = course
    workflow = load_workflow(student)
    steps = grading_steps(workflow)
    expected = [(k, g) for k in registry.KATAS for g in GROUPS]
    assert len(steps) == len(expected)
    for step, (kata, group) in zip(steps, expected):
        w = step["with"]
        assert int(w["max-score"]) == kata.points.of(group), step["id"]
        assert 0 < float(w["timeout"]) <= 60  # minutes, as the action expects
        assert f"python -m grader {kata.slug} --only {group}" in w["command"]
        # speed counts only once the hidden tests pass too: its step needs them as well
        assert ("--hidden .hidden/hidden_tests" in w["command"]) == (group in ("hidden", "speed"))
        assert "$" not in w["command"]  # nothing from the workflow's environment reaches the command
    ids = [s["id"] for s in steps]
    # the reporter's own check of its runners list (autograding-grading-reporter src/main.js): a missing result
    # is reported as itself only when every id is letters and digits
    assert len({i.upper() for i in ids}) == len(ids) and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", i) for i in ids)
    assert classroom.step_id(registry.find("roi_align"), "hidden") == "roiAlignHidden"
    (reporter,) = [s for s in job_steps(workflow) if s.get("uses") == REPORTER]
    assert reporter["with"]["runners"].split(",") == ids
    # the reporter reads each result from <ID uppercased>_RESULTS
    assert reporter["env"] == {f"{i.upper()}_RESULTS": f"${{{{ steps.{i}.outputs.result }}}}" for i in ids}


def test_workflow_shape_and_documented_inputs(course):
    student, _ = course
    text = (student / ".github" / "workflows" / "classroom.yml").read_text()
    workflow = yaml.safe_load(text)
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert on == {"push": None, "workflow_dispatch": None, "repository_dispatch": None}
    assert workflow["permissions"] == {"contents": "read"}
    assert len(workflow["jobs"]) == 1
    steps = job_steps(workflow)
    for step in steps:
        if "uses" in step:
            assert step["uses"] in DOCUMENTED_INPUTS, step["uses"]
            allowed, required = DOCUMENTED_INPUTS[step["uses"]]
            given = set(step.get("with", {}))
            assert given <= allowed, (step["uses"], given - allowed)
            assert required <= given, (step["uses"], required - given)
    (job,) = workflow["jobs"].values()
    secret = "CVKATAS_HIDDEN_TESTS_TOKEN"
    assert job["env"]["HAS_HIDDEN_TESTS"] == f"${{{{ secrets.{secret} != '' }}}}"
    (checkout,) = [s for s in steps if s.get("with", {}).get("path") == ".hidden"]
    assert checkout["if"] == "env.HAS_HIDDEN_TESTS == 'true'" and checkout["continue-on-error"] is True
    assert checkout["with"]["token"] == f"${{{{ secrets.{secret} }}}}"
    # a .hidden/ committed by the submission is gone before the checkout (or its absence) decides what runs
    clear = next(i for i, s in enumerate(steps) if "rm -rf .hidden" in str(s.get("run", "")))
    assert clear < steps.index(checkout)
    (unavailable,) = [s for s in steps if s.get("if") == f"steps.{checkout['id']}.outcome != 'success'"]
    assert unavailable["env"]["OUTCOME"] == f"${{{{ steps.{checkout['id']}.outcome }}}}"
    assert "secrets." not in json.dumps([s for s in steps if s is not checkout])
    assert not any(s.get("uses", "").startswith("actions/setup-python") and "cache" in s.get("with", {}) for s in steps)
    # the dependencies: restored, installed on a miss, and saved right after the install whatever the grade
    (restore,) = [s for s in steps if s.get("uses") == "actions/cache/restore@v5"]
    (install,) = [s for s in steps if "torch==2.13.0" in str(s.get("run", ""))]
    (save,) = [s for s in steps if s.get("uses") == "actions/cache/save@v5"]
    assert steps.index(restore) < steps.index(install) < steps.index(save) < steps.index(grading_steps(workflow)[0])
    assert install["if"] == f"steps.{restore['id']}.outputs.cache-hit != 'true'"
    # on a hit nothing is installed: only the baselines are built, with pip told to use no index at all
    (build,) = [s for s in steps if "-m grader.baselines" in str(s.get("run", ""))]
    assert "if" not in build and "--no-index --no-deps --no-build-isolation -e ." in build["run"]
    assert build["env"]["CACHE_HIT"] == f"${{{{ steps.{restore['id']}.outputs.cache-hit }}}}"
    assert save["if"].startswith("always()") and save["with"] == restore["with"]
    key = restore["with"]["key"]
    assert "steps.python.outputs.python-version" in key
    assert "hashFiles('pyproject.toml', 'setup.py', 'grader/torch-requirement.txt')" in key
    assert next(s for s in steps if s.get("id") == "python")["uses"] == "actions/setup-python@v6"
    # torch's CPU build: the exact pin, from the variable or, by default, PyTorch's CPU index
    assert install["env"]["TORCH_INDEX_URL"] == (
        "${{ vars.CVKATAS_TORCH_INDEX_URL || 'https://download.pytorch.org/whl/cpu' }}"
    )
    assert '--extra-index-url "$TORCH_INDEX_URL" "torch==2.13.0"' in install["run"]
    assert re.findall(r"\w+://[^\s'\"]+", text) == ["https://download.pytorch.org/whl/cpu"]  # no other host
    for step in job_steps(workflow):  # every `python -m grader...` of a run step exists in the export
        for module in re.findall(r"python -m (grader[\w.]*)", str(step.get("run", ""))):
            assert (student / module.replace(".", "/") / "__main__.py").is_file() or (
                student / (module.replace(".", "/") + ".py")
            ).is_file(), module
    after = job_steps(workflow)[
        job_steps(workflow).index(next(s for s in job_steps(workflow) if s.get("uses") == REPORTER)) + 1 :
    ]
    assert after and all(s.get("if") == "always()" for s in after)
    assert any(s.get("uses") == "actions/upload-artifact@v7" for s in after)


def test_export_options_and_refusals(tmp_path):
    target = tmp_path / "student"
    export("student", target, "iou", "nms", "--hidden-repo", "acme/secret-tests", "--secret", "KATA_TOKEN")
    workflow = load_workflow(target)
    assert [s["id"] for s in grading_steps(workflow)] == [f"{k}{g.title()}" for k in ("iou", "nms") for g in GROUPS]
    (job,) = workflow["jobs"].values()
    assert job["env"]["HIDDEN_TESTS_REPO"] == "acme/secret-tests"
    assert "KATA_TOKEN" in job["env"]["HAS_HIDDEN_TESTS"]
    assert sorted(p.name for p in (target / "exercises").iterdir()) == ["01_iou", "02_nms", "conftest.py"]
    listed = subprocess.run(
        [sys.executable, "-c", "from grader import registry; print([k.slug for k in registry.KATAS])"],
        cwd=target,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.strip() == "['iou', 'nms']"  # the exported grader knows only the course's katas
    again = subprocess.run(
        [sys.executable, "-m", "grader", "export", "student", str(target)], cwd=REPO, capture_output=True, text=True
    )
    assert again.returncode == 2 and "not empty" in again.stderr and "Traceback" not in again.stderr
    (target / ".git").mkdir()
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    export("student", target, "--force")
    assert (target / ".git" / "HEAD").is_file() and (target / "exercises" / "07_coco_map").is_dir()
    bad = subprocess.run(
        [sys.executable, "-m", "grader", "export", "student", str(tmp_path / "x"), "--secret", "GITHUB_X"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and not (tmp_path / "x").exists()


def _block_lines(path: Path) -> list[str]:
    lines, inside = [], False
    for line in path.read_text().splitlines():
        marker = line.strip()
        if marker in (BEGIN, END):
            inside = marker == BEGIN
        elif inside and marker:
            lines.append(marker)
    return lines


def _shipped_lines() -> set[str]:
    """Lines the project ships on purpose: the grader (its baselines implement the katas too) and the katas'
    READMEs and visible tests. A solution line found in none of them can only come from a solution."""
    files = [p for p in (REPO / "grader").rglob("*") if p.suffix in (".py", ".pyx", ".tmpl")]
    files += [
        p
        for p in (REPO / "exercises").rglob("*")
        if p.suffix == ".md" or (p.name.startswith("test_") and p.suffix == ".py")
    ]
    return {line.strip() for f in files for line in f.read_text().splitlines()}


def _text_files(root: Path):
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            yield path, path.read_bytes().decode("utf-8", "replace")


def _found(lines: set[str], text: str) -> set[str]:
    return lines & {line.strip() for line in text.splitlines()}


def test_student_export_holds_no_solution_and_no_hidden_test(tmp_path):
    student = tmp_path / "student"
    export("student", student)
    for name in ("solutions", "hidden_tests", "tests", "benchmarks", ".ci", ".hidden"):
        assert not (student / name).exists(), name
    assert [p.name for p in (student / ".github" / "workflows").iterdir()] == ["classroom.yml"]

    shipped = _shipped_lines()
    solution_files = [REPO / "solutions" / k.folder / k.filename for k in registry.KATAS]
    solution_lines = set()
    for path in solution_files:
        block = set(_block_lines(path))
        own = {line for line in block if line not in shipped}
        assert len(own) >= len(block) / 2, f"{path.name}: too few lines of its own to detect a leak"
        solution_lines |= own
    hidden_files = sorted((REPO / "hidden_tests").rglob("*.py"))
    hidden_lines = {ln.strip() for f in hidden_files for ln in f.read_text().splitlines() if len(ln.strip()) >= 20}
    hidden_lines -= shipped
    # the scan does find what it looks for
    assert _found(solution_lines, solution_files[0].read_text()) and _found(hidden_lines, hidden_files[0].read_text())

    for path, text in _text_files(student):
        rel = path.relative_to(student)
        assert not (path.name.endswith("_hidden.py") or path.suffix == ".npz" or path.name == "make_golden.py"), rel
        assert not _found(solution_lines, text), (rel, sorted(_found(solution_lines, text))[:3])
        assert not _found(hidden_lines, text), (rel, sorted(_found(hidden_lines, text))[:3])
    for kata in registry.KATAS:
        assert "raise NotImplementedError()" in (student / "exercises" / kata.folder / kata.filename).read_text()


def test_hidden_export_holds_the_hidden_tests_and_golden_data(tmp_path):
    hidden = tmp_path / "hidden"
    export("hidden", hidden)
    expected = sorted(
        p.relative_to(REPO) for p in (REPO / "hidden_tests").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    got = sorted(p.relative_to(hidden) for p in (hidden / "hidden_tests").rglob("*") if p.is_file())
    assert got == expected
    assert "private" in (hidden / "README.md").read_text()


@pytest.mark.timing  # alice's iou is timed: her speed points are asserted
def test_regrade_uses_the_teachers_tests_and_survives_broken_repositories(tmp_path):
    kata = registry.find("iou")
    students = tmp_path / "students"
    for name in ("alice", "bob", "carol"):
        (students / name / "exercises" / kata.folder).mkdir(parents=True)
    (students / "notes").mkdir()  # not a repository: a row of zeros with a note
    shutil.copy(REPO / "solutions" / kata.folder / kata.filename, students / "alice" / "exercises" / kata.folder)
    bob = students / "bob" / "exercises" / kata.folder
    shutil.copy(REPO / "exercises" / kata.folder / kata.filename, bob)
    (bob / kata.visible_test_file).write_text("def test_nothing():\n    assert True\n")  # ignored by regrade
    (students / "carol" / "exercises" / kata.folder / kata.filename).write_text("def box_area(:\n")
    out = tmp_path / "grades.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "regrade",
            str(students),
            "iou",
            "--hidden",
            str(REPO / "hidden_tests"),
            "--csv",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[1/4] alice" in proc.stderr and "Traceback" not in proc.stderr
    rows = {r["student"]: r for r in csv.DictReader(out.open())}
    assert list(rows) == ["alice", "bob", "carol", "notes"]
    assert rows["notes"]["total"] == "0" and rows["notes"]["note"].startswith("not a student repository")
    assert rows["alice"] == {
        "student": "alice",
        "iou_visible": "3",
        "iou_hidden": "5",
        "iou_speed": "2",
        "iou": "10",
        "total": "10",
        "max": "10",
        "note": "",
    }
    assert rows["bob"]["total"] == "0" and rows["bob"]["iou_visible"] == "0" and rows["bob"]["note"] == ""
    assert rows["carol"]["total"] == "0" and "SyntaxError" in rows["carol"]["note"]
