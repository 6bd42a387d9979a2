"""The teacher's documents and generated code, kept as files in this package and filled in here.

Templates live in ``templates/`` and use :class:`string.Template` placeholders (``$name``, ``${name}``); a
literal ``$`` is written ``$$`` (the workflow's ``$${{ ... }}`` expressions and shell variables). They are
package data, so an installed grader has them too.
"""

from __future__ import annotations

from importlib import resources
from string import Template

TEMPLATES = "templates"


def _read(*parts: str) -> str:
    node = resources.files(__package__)
    for part in parts:  # one part per joinpath: Python 3.10's takes a single name
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


def package_text(name: str) -> str:
    """The text of the file ``name`` of this package, as it is."""
    return _read(name)


def render(name: str, **values: object) -> str:
    """``templates/<name>`` with its placeholders filled in; a placeholder without a value raises KeyError."""
    return Template(_read(TEMPLATES, name)).substitute(values)
