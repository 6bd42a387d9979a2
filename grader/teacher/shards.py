"""Shares of a course, for regrading it on several machines: ``python -m grader regrade-shard ROSTER K/N``.

A roster is a text file with one student repository a line, ``OWNER/NAME`` (blank lines and ``#`` comments
are ignored); each repository is cloned into a folder named NAME, the row's name in the CSV. Shard K of N takes
every N-th name in sorted order, starting at the K-th: the same names whether it picks from the roster (the
hidden repository's regrade workflow, which clones only its shard) or from a folder of clones
(``regrade --shard K/N``), so the shards' CSVs merged (:mod:`grader.teacher.merge`) are the CSV of one regrade.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from grader.exits import ExitCode

T = TypeVar("T")
# GitHub's owner and repository names; NAME is also a folder name, so "." and ".." are refused apart.
REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")


class RosterError(ValueError):
    pass


@dataclass(frozen=True)
class Shard:
    index: int  # 1 to count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``2/4``: the second of four shards."""
        k, sep, n = text.partition("/")
        if sep and k.strip().isdigit() and n.strip().isdigit() and 1 <= int(k) <= int(n):
            return cls(int(k), int(n))
        raise ValueError(f"takes K/N, the K-th of N shards with 1 <= K <= N (e.g. 2/4), not {text!r}")

    def select(self, items: Iterable[T], key: Callable[[T], str]) -> list[T]:
        """Every ``count``-th item by ``key``'s order, from the ``index``-th on: shards of equal size (to one)."""
        return sorted(items, key=key)[self.index - 1 :: self.count]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def folder_name(repository: str) -> str:
    """``alice-katas`` for ``course-org/alice-katas``: the folder it is cloned into, the CSV row's name."""
    return repository.partition("/")[2]


def check_repository(text: str) -> str:
    if not REPOSITORY.match(text) or folder_name(text) in (".", ".."):
        raise RosterError(f"expected OWNER/NAME, got {text!r}")
    return text


def read_roster(path: Path) -> list[str]:
    """The repositories a roster lists, each once; a malformed line or two repositories cloned into one folder
    (the same NAME under two owners) is an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"cannot read the roster {path}: {exc}") from None
    repositories: dict[str, str] = {}  # folder name: repository
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            repository = check_repository(line)
        except RosterError as exc:
            raise RosterError(f"{path}:{number}: {exc}") from None
        name = folder_name(repository)
        if name in repositories and repositories[name] != repository:
            raise RosterError(f"{path}:{number}: {repository} and {repositories[name]} would share the folder {name}")
        repositories[name] = repository
    return list(repositories.values())


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader regrade-shard",
        description="Print the repositories of one shard of a roster (one OWNER/NAME a line): the ones a job of "
        "the hidden repository's regrade workflow clones and regrades.",
    )
    p.add_argument("roster", type=Path, metavar="ROSTER", help="a file with one OWNER/NAME a line")
    p.add_argument("shard", metavar="K/N", help="the K-th of N shards")
    args = p.parse_args(argv)
    try:
        shard = Shard.parse(args.shard)
        repositories = read_roster(args.roster)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for repository in shard.select(repositories, key=folder_name):
        print(repository)
    return ExitCode.OK
