"""``regrade --similarity``: a copied baseline and a shared file are flagged; independent work and the stub are not;
the regrade's CSV carries the columns.

One comparison of six students on kata nms (numba baseline: a copy of it runs as a submission) serves most
tests. The copy is made here from the checkout's baseline, so it follows the baseline when that changes.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("copydetect", reason="copydetect is not installed (the teacher extra: pip install -e '.[teacher]')")

from conftest import REPO, SUBMISSIONS

from grader.exits import ExitCode
from grader.registry import find
from grader.teacher import regrade, similarity

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")  # copydetect 0.5's report

NMS = find("nms")
RENAMES = {
    "boxes": "bb",
    "scores": "conf",
    "order": "ranking",
    "keep": "chosen",
    "kept": "n_chosen",
    "iou_threshold": "thr",
    "class_ids": "labels",
    "n": "count",
    "start": "lo",
    "stop": "hi",
}


def _baseline_copy() -> str:
    """The baseline's kata part (everything above its speed workload) with the identifiers renamed."""
    source = (REPO / "grader" / "baselines" / "nms.py").read_text()
    kata_part = source.split("# --- speed workload")[0]
    return re.sub(r"\b(" + "|".join(RENAMES) + r")\b", lambda m: RENAMES[m.group(1)], kata_part)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(students folder, detections, columns, rows) for six students of kata nms."""
    folder = tmp_path_factory.mktemp("students")
    files = {
        "copier": _baseline_copy(),
        "ann": (SUBMISSIONS / "nms" / "python_loop.py").read_text(),
        "ben": (SUBMISSIONS / "nms" / "python_loop.py").read_text(),
        "ref": NMS.solution_path(REPO).read_text(),
        "indep": (SUBMISSIONS / "nms" / "suppressed_boxes_suppress.py").read_text(),
        "stub": NMS.stub_path(REPO).read_text(),
    }
    for name, text in files.items():
        path = NMS.impl_path(folder / name / "exercises")
        path.parent.mkdir(parents=True)
        path.write_text(text)
    students = [(name, folder / name) for name in files]
    detections = similarity.detect([NMS], students, REPO)
    names, rows = similarity.similarity_columns(detections)
    return folder, detections, names, rows


def test_columns_name_the_kata_and_the_flags(course):
    _, _, names, rows = course
    assert names == ["similarity_nms", "flags"]
    assert set(rows) == {"copier", "ann", "ben", "ref", "indep", "stub"}


def test_a_renamed_copy_of_the_baseline_is_flagged(course):
    _, (nms,), _, rows = course
    match = nms.baseline["copier"]
    assert match.score >= 0.9 and match.file.name == "nms.py", match
    assert rows["copier"]["similarity_nms"].startswith(f"baseline {match.score:.2f}")
    assert rows["copier"]["flags"].startswith("nms: baseline")


def test_two_students_with_the_same_file_are_flagged_as_each_others(course):
    _, (nms,), _, rows = course
    assert nms.peer["ann"].source == "ben" and nms.peer["ann"].score == pytest.approx(1.0)
    assert nms.peer["ben"].source == "ann" and nms.peer["ben"].score == pytest.approx(1.0)
    assert rows["ann"]["flags"] == "nms: ben 1.00"
    assert rows["ben"]["flags"] == "nms: ann 1.00"


def test_the_reference_and_an_independent_variant_are_not_flagged(course):
    _, (nms,), _, rows = course
    for student in ("ref", "indep"):
        assert nms.baseline[student].score < similarity.BASELINE_THRESHOLD / 2, nms.baseline[student]
        assert nms.peer[student] is None or nms.peer[student].score < similarity.PEER_THRESHOLD / 2
        assert rows[student]["flags"] == ""


def test_the_stub_alone_scores_zero(course):
    _, (nms,), _, rows = course
    assert nms.baseline["stub"].score == 0
    assert nms.peer["stub"] is None
    assert rows["stub"] == {"similarity_nms": "baseline 0.00", "flags": ""}


def test_a_two_line_function_everybody_writes_alike_is_not_flagged(tmp_path):
    iou = find("iou")
    body = "    boxes = np.asarray(boxes)\n    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])\n"
    unsolved = "    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    one_function = iou.stub_path(REPO).read_text().replace(unsolved, body, 1)
    for name in ("amy", "bob"):
        path = iou.impl_path(tmp_path / name / "exercises")
        path.parent.mkdir(parents=True)
        path.write_text(one_function)
    (detection,) = similarity.detect([iou], [("amy", tmp_path / "amy"), ("bob", tmp_path / "bob")], REPO)
    assert detection.peer["amy"].score == pytest.approx(1.0)  # the whole of it is in bob's file: too little to flag
    assert detection.peer["amy"].overlap < similarity.MIN_OVERLAP
    _, rows = similarity.similarity_columns([detection])
    assert rows["amy"]["flags"] == rows["bob"]["flags"] == ""


def test_a_missing_file_leaves_its_cell_empty_and_the_columns_stay(course, tmp_path):
    folder, _, _, _ = course
    (tmp_path / "empty" / "exercises").mkdir(parents=True)
    students = [("copier", folder / "copier"), ("empty", tmp_path / "empty")]
    detections = similarity.detect([find("iou"), NMS], students, REPO)  # nobody has an iou file
    names, rows = similarity.similarity_columns(detections)
    assert names == ["similarity_iou", "similarity_nms", "flags"]
    assert set(rows) == {"copier"} and "similarity_iou" not in rows["copier"]
    assert [p.name for p in similarity.write_html(detections, tmp_path / "report")] == ["02_nms.html"]


def test_the_html_report_is_written(course, tmp_path):
    folder, detections, _, _ = course
    (report,) = similarity.write_html(detections, tmp_path / "report")
    assert report == tmp_path / "report" / "02_nms.html"
    html = report.read_text()
    assert "Copy Detection Report" in html
    assert str(NMS.impl_path(folder / "copier" / "exercises")) in html  # a flagged pair is shown, highlighted


def test_baseline_sources_include_the_kernels_the_module_imports():
    assert [p.name for p in similarity.baseline_sources(find("iou"), REPO)] == ["iou.py", "_iou_kernels.pyx"]
    assert [p.name for p in similarity.baseline_sources(find("anchors"), REPO)] == ["anchors.py", "_anchor_kernels.pyx"]
    assert [p.name for p in similarity.baseline_sources(NMS, REPO)] == ["nms.py"]


def test_without_copydetect_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "copydetect", None)
    with pytest.raises(similarity.SimilarityUnavailable, match=r"pip install -e '\.\[teacher\]'"):
        similarity.detect([NMS], [], Path())


# ------------------------------------------------------------------------------ regrade --similarity


@pytest.mark.timing  # the students' nms is timed: its full points are asserted
def test_regrade_with_similarity_adds_the_columns_and_writes_the_reports(tmp_path):
    students = tmp_path / "students"
    for name in ("ann", "ben"):  # the same file: each other's copy
        path = NMS.impl_path(students / name / "exercises")
        path.parent.mkdir(parents=True)
        shutil.copy(NMS.solution_path(REPO), path)
    out, reports = tmp_path / "grades.csv", tmp_path / "reports"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "regrade",
            str(students),
            "nms",
            "--hidden",
            str(REPO / "hidden_tests"),
            "--csv",
            str(out),
            "--similarity",
            "--similarity-dir",
            str(reports),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "similarity: 1 reports in" in proc.stderr and "Traceback" not in proc.stderr
    with out.open() as f:
        reader = csv.DictReader(f)
        rows = {r["student"]: r for r in reader}
    assert reader.fieldnames == regrade.header([NMS]) + ["similarity_nms", "flags"]
    for student, other in (("ann", "ben"), ("ben", "ann")):
        row = rows[student]
        assert row["similarity_nms"].startswith("baseline ") and row["similarity_nms"].endswith(f" / {other} 1.00")
        assert row["flags"] == f"nms: {other} 1.00"
        assert row["nms"] == row["total"] == row["max"] == "10", row  # flagged, the scores untouched
    assert (reports / "02_nms.html").is_file()


def test_regrade_similarity_dir_needs_similarity(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        regrade.main([str(tmp_path), "--similarity-dir", str(tmp_path / "reports")])
    assert exit_.value.code == ExitCode.USAGE
    assert "--similarity-dir goes with --similarity" in capsys.readouterr().err


def test_regrade_without_copydetect_stops_before_grading(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "copydetect", None)
    (tmp_path / "ann" / "exercises").mkdir(parents=True)
    assert regrade.main([str(tmp_path), "nms", "--similarity"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "pip install -e '.[teacher]'" in err and "[1/1]" not in err
