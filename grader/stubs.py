"""Generates the exercise stubs from the reference solutions.

Each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block of ``solutions/NN_slug/slug.py`` becomes
``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the block's indentation (nbgrader's own
replacement), so signatures, docstrings and imports are written once, in the solution.
"""

from __future__ import annotations

from pathlib import Path

from grader.registry import Kata

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


class StubError(ValueError):
    pass


def make_stub(source: str, name: str = "<solution>") -> str:
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise StubError(f"{name}:{number}: nested {BEGIN}")
            indent = line[: len(line) - len(line.lstrip())]
            if not indent:
                raise StubError(f"{name}:{number}: a solution block must sit inside a function body")
            out.append(f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n")
            inside = True
        elif marker == END:
            if not inside:
                raise StubError(f"{name}:{number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise StubError(f"{name}: unterminated {BEGIN}")
    return "".join(out)


def stub_paths(root: Path, kata: Kata) -> tuple[Path, Path]:
    return root / "solutions" / kata.folder / kata.filename, root / "exercises" / kata.folder / kata.filename


def sync(root: Path, katas: list[Kata], check: bool) -> list[Path]:
    """Write (or, with ``check``, only compare) each kata's stub; return the stubs that were out of date."""
    stale = []
    for kata in katas:
        solution, stub = stub_paths(root, kata)
        text = make_stub(solution.read_text(), str(solution))
        if not stub.is_file() or stub.read_text() != text:
            stale.append(stub)
            if not check:
                stub.parent.mkdir(parents=True, exist_ok=True)
                stub.write_text(text)
    return stale
