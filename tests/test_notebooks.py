"""The katas as an nbgrader course (``python -m grader notebooks``), end to end and headless.

One course is built in a temporary folder and graded by nbgrader itself, with three students:
``solution`` submits the source notebooks (reference solutions), ``blank`` the released notebooks untouched,
and ``partial`` the released 01 iou notebook with an answer that passes the visible tests but not the hidden
ones (a known-bad submission), which shows that the hidden tests a student never saw come back from the
gradebook and run. The last tests need no nbgrader: the command's errors and its handling of old gradebooks.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SUBMISSIONS

from grader import registry
from grader.grading.oracle import ORACLE_FILE
from grader.stubs import BEGIN, END, make_stub
from grader.teacher import notebooks

KATAS = registry.KATAS
PARTIAL = ("iou", "enclosing_not_clamped")  # make grade: visible 7/7, hidden fails
_skip_without_nbgrader = pytest.mark.skipif(
    notebooks.nbgrader_available() != "",
    reason=f"nbgrader is not installed ({notebooks.INSTALL_HINT}; make test installs it)",
)


def needs_nbgrader(test):
    """A test of the nbgrader course: marked ``notebooks`` (``make test-fast`` leaves them out), skipped without
    nbgrader."""
    return pytest.mark.notebooks(_skip_without_nbgrader(test))


def _cells(path: Path) -> dict[str, str]:
    """A notebook's cells by grade id (cells without one under their index), as source text."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return {
        c["metadata"].get("nbgrader", {}).get("grade_id", str(i)): "".join(c["source"])
        for i, c in enumerate(nb["cells"])
    }


def _notebook_text(path: Path) -> str:
    """Everything a reader of the notebook sees: every cell's source and outputs, and the metadata."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = [json.dumps(nb["metadata"])]
    for cell in nb["cells"]:
        parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            parts.append(json.dumps(out, ensure_ascii=False))
    return "\n".join(parts)


def _block_lines(solution: str) -> list[str]:
    lines, inside = [], False
    for line in solution.splitlines():
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _secrets(kata) -> tuple[list[str], list[str], list[str]]:
    """What a student must not see: solution-block lines and hidden-test lines that appear nowhere in the
    material released on purpose (README, visible tests, stub, runner), and the golden data's base64 lines (not
    torch's recorded answers: they stay out of the notebooks)."""
    folder = kata.folder
    solution = (REPO / "solutions" / folder / kata.filename).read_text()
    public = "\n".join(
        [
            (REPO / "exercises" / folder / "README.md").read_text(),
            (REPO / "exercises" / folder / kata.visible_test_file).read_text(),
            make_stub(solution),
            notebooks.RUNNER,
        ]
    )
    solution_lines = [ln for ln in _block_lines(solution) if ln not in public]
    hidden_dir = REPO / "hidden_tests" / folder
    hidden = (hidden_dir / f"test_{kata.slug}_hidden.py").read_text()
    hidden_lines = [ln.strip() for ln in hidden.splitlines() if ln.strip() and ln.strip() not in public]
    golden = [
        line
        for p in sorted(hidden_dir.glob("*.npz"))
        if p.name != ORACLE_FILE
        for line in base64.encodebytes(p.read_bytes()).decode().splitlines()
        if len(line) == 76  # full lines only: a short last line could occur by chance
    ]
    # the checks below must have something to find: most of each block and of the hidden tests is secret
    assert len(solution_lines) >= len(_block_lines(solution)) // 2, f"{folder}: too few distinctive solution lines"
    assert len(hidden_lines) >= len([ln for ln in hidden.splitlines() if ln.strip()]) // 2, f"{folder}: hidden tests"
    return solution_lines, hidden_lines, golden


def _env(tmp: Path) -> dict[str, str]:
    """nbgrader's environment: this Python's scripts first on PATH (alembic, and the kernel's `python`), and
    Jupyter's and IPython's per-user folders in tmp, so the user's own configuration and kernels stay out."""
    env = notebooks.nbgrader_env()
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[var] = str(tmp / "jupyter" / var.lower())
    return env


def _run(args: list[str], cwd: Path, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _student(course: Path, step: str, student: str, kata) -> Path:
    """nbgrader's path of a student's notebook: {step}/{student}/{assignment}/{notebook}.ipynb."""
    return course / step / student / kata.folder / f"{kata.slug}.ipynb"


def _answer_with(release_nb: Path, answer: str, target: Path) -> None:
    nb = json.loads(release_nb.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "answer")
    cell["source"] = answer.splitlines(keepends=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Build, submit, autograde and validate once; the tests below read the results."""
    tmp = tmp_path_factory.mktemp("nbgrader")
    course = tmp / "course"
    env = _env(tmp)
    times = {}

    start = time.perf_counter()
    build = _run([sys.executable, "-m", "grader", "notebooks", str(course)], REPO, env)
    times["build"] = time.perf_counter() - start
    assert build.returncode == 0, build.stderr

    for kata in KATAS:
        for student, step in (("solution", "source"), ("blank", "release")):
            target = _student(course, "submitted", student, kata)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(notebooks.notebook_path(course, kata, step).read_bytes())
    slug, bad = PARTIAL
    kata = registry.find(slug)
    reference = (REPO / "solutions" / kata.folder / kata.filename).read_text()
    mistake = (SUBMISSIONS / slug / f"{bad}.py").read_text()
    answer = (
        reference
        + "\n\n# A known-bad submission, with the reference above as its `_reference` module.\n"
        + "import sys, types\n_reference = types.ModuleType('_reference')\n"
        + "_reference.__dict__.update(globals())\nsys.modules['_reference'] = _reference\n\n"
        + mistake
    )
    _answer_with(
        notebooks.notebook_path(course, kata, "release"), answer, _student(course, "submitted", "partial", kata)
    )

    # validate reads only release/, so it runs beside autograde (each starts one kernel per notebook)
    start = time.perf_counter()
    released = [str(notebooks.notebook_path(course, k, "release")) for k in KATAS]
    validate = subprocess.Popen(
        [sys.executable, "-m", "nbgrader", "validate", "--invert", *released],
        cwd=course,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    autograde = _run([sys.executable, "-m", "nbgrader", "autograde", "*"], course, env)
    times["autograde"] = time.perf_counter() - start
    v_out, v_err = validate.communicate(timeout=900)
    times["validate"] = time.perf_counter() - start
    assert autograde.returncode == 0, autograde.stdout + autograde.stderr
    print("nbgrader course test:", ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / notebooks.GRADEBOOK}") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        scores[submission.student.id, assignment.name, grade.name] = (grade.score, grade.max_score)
    return {"dir": course, "scores": scores, "validate": (validate.returncode, v_out, v_err), "build": build}


@needs_nbgrader
def test_course_layout_and_points_follow_the_registry(course):
    root = course["dir"]
    assert notebooks.CONFIG_MARKER in (root / notebooks.CONFIG).read_text()
    assert "generate_assignment" in course["build"].stderr  # progress lines
    for kata in KATAS:
        for step in ("source", "release"):
            nb = json.loads(notebooks.notebook_path(root, kata, step).read_text())
            graded = {
                c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
                for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade")
            }
            assert graded == {"visible_tests": kata.points.visible, "hidden_tests": kata.points.hidden}, (
                kata.slug,
                step,
            )
            first = "".join(nb["cells"][0]["source"])
            assert "make grade" in first and "30 s" in first and "Speed is not graded" in first


@needs_nbgrader
def test_solution_notebooks_score_full_correctness_points(course):
    scores = course["scores"]
    total = 0
    for kata in KATAS:
        visible = scores["solution", kata.folder, "visible_tests"]
        hidden = scores["solution", kata.folder, "hidden_tests"]
        assert visible == (kata.points.visible, kata.points.visible), kata.slug
        assert hidden == (kata.points.hidden, kata.points.hidden), kata.slug
        total += visible[0] + hidden[0]
        # the hidden tests really ran (not only the "started" check the students' copy keeps)
        out = _notebook_text(_student(course["dir"], "autograded", "solution", kata))
        assert "hidden tests: " in out and " tests passed" in out.split("hidden tests: ", 1)[1][:40], kata.slug
    assert total == sum(k.points.visible + k.points.hidden for k in KATAS)


@needs_nbgrader
def test_released_notebooks_score_zero(course):
    for kata in KATAS:
        for cell in ("visible_tests", "hidden_tests"):
            assert course["scores"]["blank", kata.folder, cell][0] == 0, (kata.slug, cell)
        out = _notebook_text(_student(course["dir"], "autograded", "blank", kata))
        assert "not started" in out, kata.slug


@needs_nbgrader
def test_hidden_tests_come_back_from_the_gradebook(course):
    slug, bad = PARTIAL
    kata = registry.find(slug)
    scores = course["scores"]
    assert scores["partial", kata.folder, "visible_tests"][0] == kata.points.visible
    assert scores["partial", kata.folder, "hidden_tests"][0] == 0
    out = _notebook_text(_student(course["dir"], "autograded", "partial", kata))
    assert "hidden tests: " in out and "failed" in out


@needs_nbgrader
def test_validate_invert_passes_on_the_released_notebooks(course):
    code, out, err = course["validate"]
    assert code == 0, err
    assert out.count("Success! The notebook does not pass any tests.") == len(KATAS), out[-2000:]
    assert "PASSED ON" not in out


@needs_nbgrader
def test_release_holds_no_solution_code_and_no_hidden_tests(course):
    root = course["dir"]
    release_files = sorted(p for p in (root / "release").rglob("*") if p.is_file())
    assert len(release_files) == len(KATAS)
    for kata in KATAS:
        solution_lines, hidden_lines, golden = _secrets(kata)
        released, source = (notebooks.notebook_path(root, kata, step) for step in ("release", "source"))
        text, source_text = _notebook_text(released), _notebook_text(source)
        # the answer cell is exactly the exercise stub
        solution = (REPO / "solutions" / kata.folder / kata.filename).read_text()
        assert _cells(released)["answer"].rstrip("\n") == make_stub(solution).rstrip("\n"), kata.slug
        for word in notebooks.MARKER_WORDS:
            assert word not in text, (kata.slug, word)
        # the scan finds them in the source notebook, and none of them in the release
        for what, lines in (("solution", solution_lines), ("hidden test", hidden_lines)):
            assert all(ln in source_text for ln in lines), (kata.slug, what)
            leaked = [ln for ln in lines if ln in text]
            assert not leaked, f"{kata.slug}: {what} lines in the release: {leaked[:3]}"
        text_lines = {ln.strip() for ln in text.splitlines()}
        assert not text_lines.intersection(golden), f"{kata.slug}: golden data in the release"
        assert all(ln in source_text for ln in golden[:: max(1, len(golden) // 20)]), kata.slug
        assert f"{ORACLE_FILE!r}:" not in source_text, f"{kata.slug}: torch's recorded answers in the notebook"


# --- No nbgrader needed below: the command's errors and the gradebook it finds. ---


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", "notebooks", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_refuses_a_folder_that_is_not_a_course(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    proc = _cli(str(tmp_path), "--no-release")
    assert proc.returncode == 2
    assert "is not an nbgrader course" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    a_file = tmp_path / "notes.txt"
    proc = _cli(str(a_file), "--no-release")
    assert proc.returncode == 2 and "is not a folder" in proc.stderr and "Traceback" not in proc.stderr


def test_no_release_writes_source_notebooks_only(tmp_path):
    proc = _cli(str(tmp_path / "c"), "nms", "--no-release")
    assert proc.returncode == 0, proc.stderr
    assert sorted(str(p.relative_to(tmp_path / "c")) for p in (tmp_path / "c").rglob("*") if p.is_file()) == [
        "nbgrader_config.py",
        "source/02_nms/nms.ipynb",
    ]
    cells = _cells(tmp_path / "c" / "source" / "02_nms" / "nms.ipynb")
    assert cells["answer"].rstrip("\n") == (REPO / "solutions" / "02_nms" / "nms.py").read_text().rstrip("\n")
    # an existing course of the teacher's is extended, and its configuration kept
    (tmp_path / "c" / "nbgrader_config.py").write_text("c = get_config()\n")
    proc = _cli(str(tmp_path / "c"), "iou", "--no-release")
    assert proc.returncode == 0 and "kept" in proc.stderr
    assert (tmp_path / "c" / "nbgrader_config.py").read_text() == "c = get_config()\n"
    assert (tmp_path / "c" / "source" / "01_iou" / "iou.ipynb").is_file()


def test_missing_nbgrader_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nbgrader", None)  # makes `import nbgrader` fail
    assert notebooks.main([str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "nbgrader is not installed" in err and "pip install -e '.[notebooks]'" in err
    assert not (tmp_path / "c").exists()


def _gradebook(path: Path, alembic: bool, students: int) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE student (id VARCHAR(128))")
    con.executemany("INSERT INTO student VALUES (?)", [(f"s{i}",) for i in range(students)])
    if alembic:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        con.execute("INSERT INTO alembic_version VALUES ('abc')")
    con.commit()
    con.close()


def test_old_gradebooks(tmp_path):
    db = tmp_path / notebooks.GRADEBOOK
    _gradebook(db, alembic=True, students=0)
    assert "deleted" in notebooks.prepare_gradebook(tmp_path) and not db.exists()
    _gradebook(db, alembic=False, students=0)  # what a run without alembic on PATH leaves behind
    assert "no schema version" in notebooks.prepare_gradebook(tmp_path) and not db.exists()
    _gradebook(db, alembic=True, students=2)  # a teacher's grades are never deleted
    assert "kept" in notebooks.prepare_gradebook(tmp_path) and db.exists()
    db.write_bytes(b"not a database" * 100)
    assert "moved to" in notebooks.prepare_gradebook(tmp_path) and not db.exists()
    assert len(list(tmp_path.glob(f"{notebooks.GRADEBOOK}.unreadable-*"))) == 1
