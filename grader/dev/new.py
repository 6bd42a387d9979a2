"""``python -m grader dev new SLUG --title ... --functions a,b``: scaffolds a kata.

Every part of a kata is written from a template in ``templates/``, with ``TODO`` wherever the author has
work left, and the registry entry is appended to ``_ENTRIES`` in ``grader/registry.py`` with placeholder
``speed_target`` and ``baseline_kind`` values; ``dev check`` then lists exactly what is left to write.
"""

from __future__ import annotations

import ast
import json
from importlib import resources
from pathlib import Path
from string import Template

from grader import registry, stubs
from grader.dev import check
from grader.registry import Kata, Points

POINTS = Points(visible=3, hidden=5, speed=2)  # as every kata so far


class NewKataError(ValueError):
    """The kata cannot be scaffolded as asked; nothing was written."""


def _render(template: str, **values: str) -> str:
    text = (resources.files("grader.dev") / "templates" / template).read_text(encoding="utf-8")
    return Template(text).substitute(values)


def _each(template: str, names: list[str]) -> str:
    """``template`` rendered for each function ``name``, two blank lines apart (top-level definitions)."""
    return "\n\n\n".join(_render(template, name=name).rstrip("\n") for name in names)


def _validate(root: Path, slug: str, title: str, functions: list[str], number: int | None) -> int:
    """The kata's number; raises NewKataError on anything that would make a broken kata."""
    if not (root / "solutions").is_dir():
        raise NewKataError(f"{root} has no solutions/: scaffold katas in the project's full checkout")
    problem = check.module_name_problem(slug)
    if problem:
        raise NewKataError(problem)
    for kata in registry.KATAS:
        if kata.slug == slug:
            raise NewKataError(f"kata {slug!r} exists already ({kata.label}): pick another slug")
    if not title.strip() or "\n" in title:
        raise NewKataError("--title must be one non-empty line")
    if not functions or not all(map(check.is_function_name, functions)):
        raise NewKataError(f"--functions takes Python names, comma-separated (got {','.join(functions)!r})")
    if len(set(functions)) < len(functions):
        raise NewKataError("--functions names a function twice")
    taken = {kata.number: kata for kata in registry.KATAS}
    number = max(taken, default=0) + 1 if number is None else number
    if number <= 0:
        raise NewKataError(f"--number {number} is not positive")
    if number in taken:
        raise NewKataError(f"number {number} is {taken[number].label}'s: pick a free one (or leave --number out)")
    return number


def append_entry(source: str, entry: str) -> str:
    """``source`` (grader/registry.py) with ``entry`` (indented ``Kata(...),`` lines) added as the last item
    of the ``_ENTRIES`` tuple."""
    tree = ast.parse(source)
    node = next(
        (
            n
            for n in tree.body
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_ENTRIES" for t in n.targets)
        ),
        None,
    )
    if node is None or not isinstance(node.value, ast.Tuple):
        raise NewKataError("grader/registry.py has no `_ENTRIES = (...)` tuple to add the kata to")
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    close = starts[node.value.end_lineno - 1]  # the start of the line holding the closing parenthesis
    if lines[node.value.end_lineno - 1].strip() != ")":
        raise NewKataError("grader/registry.py: `_ENTRIES` must end with `)` on a line of its own")
    if node.value.elts:
        last = node.value.elts[-1]
        line = lines[last.end_lineno - 1]
        end = starts[last.end_lineno - 1] + len(line.encode()[: last.end_col_offset].decode())  # ast counts bytes
        if "," not in source[end:close]:  # the last item needs its comma before another follows
            return append_entry(source[:end] + "," + source[end:], entry)
    return source[:close] + entry + source[close:]


def scaffold(root: Path, slug: str, title: str, functions: list[str], number: int | None = None) -> list[Path]:
    """Write a new kata's every part under ``root``; return the files written (the registry last)."""
    number = _validate(root, slug, title, functions, number)
    # Placeholders that `dev check` reports until the author sets them.
    kata = Kata(
        number=number,
        slug=slug,
        title=title,
        functions=tuple(functions),
        points=POINTS,
        speed_target=0.0,
        baseline_kind="",
        graded_against="",
    )
    hidden = root / check.HIDDEN_ROOT
    values = {
        "number": f"{number:02d}",
        "number_int": str(number),
        "slug": slug,
        "title": title,
        "title_literal": json.dumps(title, ensure_ascii=False),
        "folder": kata.folder,
        "label": kata.label,
        "functions": ", ".join(functions),
        "functions_tuple": f"({', '.join(json.dumps(f) for f in functions)}{',' if len(functions) == 1 else ''})",
        "points": repr(kata.points),
        "speed_target": repr(kata.speed_target),
        "baseline_kind": json.dumps(kata.baseline_kind),
        "graded_against": json.dumps(kata.graded_against),
    }
    files = {
        kata.solution_path(root): _render(
            "solution.py.tmpl", **{**values, "functions": _each("solution_function.py.tmpl", functions)}
        ),
        kata.readme_path(root): _render("readme.md.tmpl", **values),
        kata.visible_tests_path(root): _render(
            "visible_test.py.tmpl", **values, tests=_each("visible_test_function.py.tmpl", functions)
        ),
        kata.hidden_tests_path(hidden): _render("hidden_test.py.tmpl", **values),
        kata.hidden_dir(hidden) / check.MAKE_GOLDEN: _render("make_golden.py.tmpl", **values),
        root / "grader" / "baselines" / kata.filename: _render("baseline.py.tmpl", **values),
        root / check.SUBMISSIONS / slug / "README.md": _render("submissions_readme.md.tmpl", **values),
    }
    taken = [
        p
        for p in (
            *files,
            kata.exercise_dir(root),
            kata.hidden_dir(hidden),
            root / check.SUBMISSIONS / slug,
            kata.solution_path(root).parent,
        )
        if p.exists()
    ]
    if taken:
        raise NewKataError(f"{taken[0].relative_to(root).as_posix()} exists already: pick another slug or number")
    registry_file = root / "grader" / "registry.py"
    new_registry = append_entry(registry_file.read_text(encoding="utf-8"), _render("registry_entry.py.tmpl", **values))
    for path, text in [*files.items(), (registry_file, new_registry)]:
        if path.suffix == ".py":
            try:
                ast.parse(text)
            except SyntaxError:  # a title that closes a docstring or a string early
                raise NewKataError(
                    f"--title {title!r} does not fit in {path.name}: leave out quotes and backslashes"
                ) from None

    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    stubs.sync(root, [kata], check=False)
    registry_file.write_text(new_registry, encoding="utf-8")
    written = list(files)
    written.insert(1, kata.stub_path(root))
    return [*written, registry_file]
