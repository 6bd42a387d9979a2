"""Grading results as files: the ``--json`` report, JUnit XML, and the regrade's CSV; each written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from grader.results import KataResult, Status
from grader.text import clean_message

# How JUnit counts each status; a passed check is none of these.
_FAILURES = (Status.FAILED, Status.NOT_STARTED)
_ERRORS = (Status.ERROR, Status.UNAVAILABLE)
CSV_CELL_LIMIT = 2000  # characters of one CSV cell: a note lists several katas' messages


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step.

    A report is read by other programs (a CI step, a spreadsheet), and grading it took minutes: a full disk, a
    crash or a Ctrl-C midway must leave the previous file or the new one, never a truncated one. The data goes
    to a file beside ``path`` (same file system, so the rename is atomic), is flushed to the disk, then
    renamed over ``path``.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never through a file or link already there; mode 0o666 less the umask, as any file the user writes
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(results: list[KataResult], path: Path) -> None:
    data = {
        "points": sum(r.points for r in results),
        "max_points": sum(r.max_points for r in results),
        "katas": [r.to_json() for r in results],
    }
    write_atomically(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))


def write_junit(results: list[KataResult], path: Path) -> None:
    suites = ET.Element("testsuites", name="cv-katas")
    for r in results:
        failures = sum(1 for c in r.checks.values() if c.status in _FAILURES)
        errors = sum(1 for c in r.checks.values() if c.status in _ERRORS)
        skipped = sum(1 for c in r.checks.values() if c.status == Status.SKIPPED)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=r.kata.folder,
            tests=str(len(r.checks)),
            failures=str(failures),
            errors=str(errors),
            skipped=str(skipped),
            time=f"{r.seconds:.3f}",
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
    write_atomically(path, ET.tostring(suites, encoding="utf-8", xml_declaration=True) + b"\n")


def csv_text(rows: Iterable[dict], fields: list[str]) -> str:
    """The CSV of ``rows`` under ``fields``. Text cells are made printable and capped: student names are folder
    names and notes quote messages, either of which may hold characters that cannot be written."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: clean_message(v, CSV_CELL_LIMIT) if isinstance(v, str) else v for k, v in row.items()})
    return buf.getvalue()


def write_csv(rows: Iterable[dict], fields: list[str], path: Path) -> None:
    write_atomically(path, csv_text(rows, fields).encode("utf-8"))
