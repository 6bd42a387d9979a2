"""What a submission may not use, reported as a one-line reason. A policy, not the defence: the sandbox is that.

- :func:`scan_source` reads the submission's source (its AST, never running it) before anything runs, for
  forbidden imports (``import x``, ``from x import y``, ``__import__("x")``, ``importlib.import_module("x")``)
  and for constructs a NumPy kata never needs (frames, ``sys.modules``, ``exec``, raw file descriptors, ...).
- :class:`ImportGuard` refuses the same imports at run time inside the worker, whichever way they are spelled,
  while the submission's code (any file in its folder) runs, and remembers them for the judge.

A submission in control of its own process can switch the guard off; it gains nothing by it: the libraries
it would import are hidden in the sandbox, and the judge checks every answer itself. This module imports
only the standard library, because the worker loads it in a sandbox where the grader package is not visible.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import os
import sys
from dataclasses import dataclass

_REACHES = "it reaches into the interpreter instead of computing"
# Reaching into the interpreter: attributes a kata never needs, by the module they hang off.
_TAMPER_ATTRIBUTES = {
    "sys": {"_getframe", "modules", "meta_path", "path_hooks", "settrace", "setprofile", "_current_frames"},
    "os": {
        "write",
        "writev",
        "pwrite",
        "dup",
        "dup2",
        "fork",
        "forkpty",
        "system",
        "popen",
        "kill",
        "killpg",
        "setsid",
        "setpgid",
        "fdopen",
        "openpty",
        "pipe",
        "register_at_fork",
    },
}
_TAMPER_PREFIXES = {"os": ("exec", "spawn", "posix_spawn")}
# Attributes that walk from an object to the interpreter's internals (frames, globals, every class).
_INTROSPECTION = {
    "f_back",
    "f_globals",
    "f_locals",
    "f_builtins",
    "tb_frame",
    "gi_frame",
    "cr_frame",
    "__globals__",
    "__closure__",
    "__code__",
    "__subclasses__",
    "__builtins__",
    "__mro__",
}
_TAMPER_NAMES = {"exec", "eval", "compile", "breakpoint", "__builtins__", "__loader__"}
_IMPORT_CALLS = {"__import__", "import_module"}


@dataclass(frozen=True)
class Violation:
    line: int
    what: str  # e.g. "imports torchvision"
    reason: str  # why it is not allowed

    def message(self, filename: str) -> str:
        return f"forbidden: {filename} line {self.line} {self.what} ({self.reason})"


def forbidden_reason(name: str, forbidden: dict[str, str]) -> str | None:
    """The reason ``name`` (a dotted module name) may not be imported, or None when it may."""
    for banned, reason in forbidden.items():
        if name == banned or name.startswith(banned + "."):
            return reason
    return None


def scan_source(source: str, forbidden: dict[str, str]) -> list[Violation]:
    """Forbidden imports and tampering constructs in ``source``, in line order.

    Raises SyntaxError when the source does not parse (the harness reports that as an import error).
    """
    tree = ast.parse(source)
    found: list[Violation] = []
    aliases = {"sys": {"sys"}, "os": {"os"}}  # local names bound to these modules

    def check_module(name: str, line: int) -> None:
        reason = forbidden_reason(name, forbidden)
        if reason:
            found.append(Violation(line, f"imports {name}", reason))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check_module(alias.name, node.lineno)
                if alias.name in aliases:
                    aliases[alias.name].add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            check_module(node.module, node.lineno)
            for alias in node.names:
                check_module(f"{node.module}.{alias.name}", node.lineno)
                if node.module in aliases:
                    _check_attribute(node.module, alias.name, node.lineno, found)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in _IMPORT_CALLS:
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    check_module(arg.value, node.lineno)
                else:
                    found.append(
                        Violation(
                            node.lineno,
                            f"calls {name} with a computed name",
                            "the grader must be able to see what a submission imports",
                        )
                    )
        elif isinstance(node, ast.Attribute):
            if node.attr in _INTROSPECTION:
                found.append(Violation(node.lineno, f"uses .{node.attr}", _REACHES))
            elif isinstance(node.value, ast.Name):
                for module, names in aliases.items():
                    if node.value.id in names:
                        _check_attribute(module, node.attr, node.lineno, found)
        elif isinstance(node, ast.Name) and node.id in _TAMPER_NAMES:
            found.append(Violation(node.lineno, f"uses {node.id}", _REACHES))
    return sorted(set(found), key=lambda v: (v.line, v.what))


def _check_attribute(module: str, attr: str, line: int, found: list[Violation]) -> None:
    if attr in _TAMPER_ATTRIBUTES.get(module, ()) or attr.startswith(_TAMPER_PREFIXES.get(module, ("\0",))):
        found.append(Violation(line, f"uses {module}.{attr}", _REACHES))


class ForbiddenImport(ImportError):
    pass


class ImportGuard:
    """Refuses forbidden imports made by code in ``folder`` (except ``exempt`` files), however spelled.

    It replaces ``builtins.__import__`` (every ``import`` statement and ``__import__`` call, including of
    modules already loaded) and ``importlib.import_module``. The importer is the innermost frame that belongs
    to a real file, so code run through ``exec`` counts as the file that ran it.
    """

    def __init__(self, folder: str, forbidden: dict[str, str], exempt: tuple[str, ...] = ()):
        self.folder = os.path.realpath(folder) + os.sep
        self.forbidden = dict(forbidden)
        self.exempt = {os.path.realpath(p) for p in exempt}
        self.violations: list[str] = []
        self._import = builtins.__import__
        self._import_module = importlib.import_module
        self._getframe = sys._getframe
        self._realpath = os.path.realpath

    def install(self) -> None:
        builtins.__import__ = self._guarded_import
        importlib.import_module = self._guarded_import_module

    def _importer(self, depth: int) -> str | None:
        """The file of the innermost real frame, ``depth`` frames above the caller of this method."""
        frame = self._getframe(depth + 1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if not filename.startswith("<"):
                return filename
            frame = frame.f_back
        return None

    def _check(self, names: list[str], depth: int) -> None:
        importer = self._importer(depth + 1)  # + 1 for this method's own frame
        if importer is None:
            return
        path = self._realpath(importer)
        if not path.startswith(self.folder) or path in self.exempt:
            return
        for name in names:
            reason = forbidden_reason(name, self.forbidden)
            if reason:
                message = f"forbidden: {os.path.basename(path)} imports {name} ({reason})"
                self.violations.append(message)
                raise ForbiddenImport(message)

    def _guarded_import(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            self._check([name, *(f"{name}.{item}" for item in fromlist or () if item != "*")], 1)
        return self._import(name, globals, locals, fromlist, level)

    def _guarded_import_module(self, name, package=None):
        if not name.startswith("."):
            self._check([name], 1)
        return self._import_module(name, package)
