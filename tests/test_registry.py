"""The registry is the one list of katas: every entry must have all its parts, and lookups must be forgiving."""

import ast
import importlib

import pytest
from conftest import REPO

from grader import registry

KATAS = registry.KATAS


def test_numbers_and_slugs_are_unique_and_ordered():
    numbers = [k.number for k in KATAS]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert len({k.slug for k in KATAS}) == len(KATAS)


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_every_kata_has_all_its_parts(kata):
    assert (REPO / "solutions" / kata.folder / kata.filename).is_file()
    assert (REPO / "exercises" / kata.folder / kata.filename).is_file()
    assert (REPO / "exercises" / kata.folder / kata.visible_test_file).is_file()
    assert (REPO / "exercises" / kata.folder / "README.md").is_file()
    assert list((REPO / "hidden_tests" / kata.folder).glob("test_*.py"))
    assert kata.points.total > 0 and kata.speed_target > 1
    baseline = importlib.import_module(kata.baseline_module)
    for name in ("WORKLOAD", "make_inputs", "run_baseline", "run_submission", "compare"):
        assert hasattr(baseline, name), f"{kata.baseline_module} lacks {name}"


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_solution_defines_the_contract_functions(kata):
    source = (REPO / "solutions" / kata.folder / kata.filename).read_text()
    for fn in kata.functions:
        assert f"\ndef {fn}(" in source, f"{kata.folder} does not define {fn}"


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_readme_has_the_teaching_sections(kata):
    text = (REPO / "exercises" / kata.folder / "README.md").read_text()
    headings = (
        "## The task",
        "## The maths",
        "## Worked example",
        "## Why interviewers ask it",
        "## Pitfalls",
        "## Hints",
        "## Follow-up questions",
        "## Debrief",
    )
    for heading in headings:
        assert heading in text, f"{kata.folder}/README.md lacks {heading!r}"
    assert "<details><summary>Hint 1: " in text


@pytest.mark.parametrize("name", ["nms", "2", "02", "02_nms", "exercises/02_nms/", "NMS"])
def test_find_accepts_slug_number_and_folder(name):
    assert registry.find(name).slug == "nms"


def test_unknown_name_lists_the_valid_slugs():
    with pytest.raises(registry.UnknownKata) as err:
        registry.find("yolo")
    for kata in KATAS:
        assert kata.slug in str(err.value)


def test_hidden_tests_never_reach_into_solutions():
    # A classroom's student repository has no solutions/: hidden tests must not need it.
    for path in (REPO / "hidden_tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "solutions" for a in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "solutions", path
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "solutions" not in node.value, f"{path} mentions solutions: {node.value!r}"
