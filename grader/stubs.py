"""Generates the exercise stubs from the reference solutions.

Each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block of ``solutions/NN_slug/slug.py`` becomes
``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the block's indentation (nbgrader's own
replacement), so signatures, docstrings and imports are written once, in the solution.

Everything outside the blocks is what the learner reads, so two rules hold for every kata (a solution that
breaks one is refused with a :class:`StubError`, by ``python -m grader stubs [--check]`` and ``dev check``):

- no text about the solution itself ("this solution also ...", "the reference ..."): the docstrings state the
  task, and a sentence about how the answer goes belongs inside a block;
- a private helper left to write (a module-level ``_name`` with a block) is optional, and says so: its
  docstring starts with :data:`OPTIONAL` (``"Optional helper: ..."``). Only the kata's public functions are
  graded; the helpers are one way to split the work, to use, change or delete.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from grader.registry import Kata

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
OPTIONAL = "Optional helper"  # how the docstring of every private helper of a stub starts
# Text about the answer rather than the task: "this solution", "the reference solution", "the reference uses".
SOLUTION_TEXT = re.compile(
    r"\b(?:this|our|my) (?:solution|implementation)\b|\breference (?:solution|implementation)\b"
    r"|\bthe reference\b(?!\s+(?:box|boxes|point|points|frame|frames)\b)",
    re.IGNORECASE,
)


class StubError(ValueError):
    pass


def make_stub(source: str, name: str = "<solution>") -> str:
    """The stub of a solution: each block replaced, and the rules above checked (StubError otherwise)."""
    out: list[str] = []
    inside = False
    blocks: list[int] = []  # line numbers of the BEGIN markers
    problems: list[str] = []
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
            blocks.append(number)
        elif marker == END:
            if not inside:
                raise StubError(f"{name}:{number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
            found = SOLUTION_TEXT.search(line)
            if found:
                problems.append(
                    f"{name}:{number}: the stub would show text about the solution ({found.group(0)!r}): "
                    "say it about the task, or move it inside a solution block"
                )
    if inside:
        raise StubError(f"{name}: unterminated {BEGIN}")
    problems += _unmarked_helpers(source, blocks, name)
    if problems:
        raise StubError("\n".join(problems))
    return "".join(out)


def _unmarked_helpers(source: str, blocks: list[int], name: str) -> list[str]:
    """The private helpers left to write whose docstring does not start with :data:`OPTIONAL`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the solution's own syntax error is reported wherever it is imported
    problems = []
    for node in tree.body:
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("_")):
            continue
        if not any(node.lineno <= b <= node.end_lineno for b in blocks):
            continue  # given whole in the stub: nothing to write
        if not (ast.get_docstring(node) or "").startswith(OPTIONAL):
            problems.append(
                f"{name}:{node.lineno}: {node.name} is a private helper left to write: start its docstring "
                f'with "{OPTIONAL}: " (the stubs of every kata mark their helpers so)'
            )
    return problems


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
