"""Grading results as files: the ``--json`` report and JUnit XML."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.results import KataResult, Status

# How JUnit counts each status; a passed check is none of these.
_FAILURES = (Status.FAILED, Status.NOT_STARTED)
_ERRORS = (Status.ERROR, Status.UNAVAILABLE)


def write_json(results: list[KataResult], path: Path) -> None:
    data = {
        "points": sum(r.points for r in results),
        "max_points": sum(r.max_points for r in results),
        "katas": [r.to_json() for r in results],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


def write_junit(results: list[KataResult], path: Path) -> None:
    suites = ET.Element("testsuites", name="cv-katas")
    for r in results:
        failures = sum(1 for c in r.checks.values() if c.status in _FAILURES)
        errors = sum(1 for c in r.checks.values() if c.status in _ERRORS)
        skipped = sum(1 for c in r.checks.values() if c.status == Status.SKIPPED)
        suite = ET.SubElement(
            suites, "testsuite", name=r.kata.folder, tests=str(len(r.checks)),
            failures=str(failures), errors=str(errors), skipped=str(skipped), time=f"{r.seconds:.3f}",
        )
        for c in r.checks.values():
            case = ET.SubElement(suite, "testcase", classname=r.kata.folder, name=c.group)
            ET.SubElement(case, "properties")
            if c.status in _FAILURES:
                ET.SubElement(case, "failure", message=c.message, type=c.status.value)
            elif c.status in _ERRORS:
                ET.SubElement(case, "error", message=c.message, type=c.status.value)
            elif c.status == Status.SKIPPED:
                ET.SubElement(case, "skipped", message=c.message)
            ET.SubElement(case, "system-out").text = f"points {c.points}/{c.max_points}"
    ET.indent(suites)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
