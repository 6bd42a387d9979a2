"""``python -m grader dev check|new|record|tables``: the contributor's commands."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from grader import registry
from grader.exits import ExitCode
from grader.paths import repo_root


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _named_katas(args: argparse.Namespace) -> list[registry.Kata] | None:
    """The katas named on the command line (all by default), or None once an unknown name is reported."""
    try:
        return registry.select(args.katas)
    except registry.UnknownKata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def check(args: argparse.Namespace) -> ExitCode:
    from grader.dev.check import problems

    katas = _named_katas(args)
    if katas is None:
        return ExitCode.USAGE
    found = problems(repo_root(), katas, registry.KATAS)
    for problem in found:
        print(problem)
    if not found:
        print(f"dev check: {_plural(len(katas), 'kata')} complete and consistent")
        return ExitCode.OK
    where = ", ".join(f"{label} ({n})" for label, n in Counter(p.label for p in found).items())
    print(f"dev check: {_plural(len(found), 'problem')}: {where}")
    return ExitCode.FAILED


def new(args: argparse.Namespace) -> ExitCode:
    from grader.dev.new import NewKataError, scaffold

    root = repo_root()
    try:
        written = scaffold(root, args.slug, args.title, args.functions, args.number)
    except NewKataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for path in written:
        print(f"wrote: {path.relative_to(root).as_posix()}")
    print(
        f"next: `python -m grader dev tables` adds the kata to the README's tables; "
        f"`python -m grader dev check {args.slug}` lists what is left to write"
    )
    return ExitCode.OK


def record(args: argparse.Namespace) -> ExitCode:
    from grader.dev.record import record as record_answers

    katas = _named_katas(args)
    if katas is None:
        return ExitCode.USAGE
    return record_answers(repo_root(), katas, quiet=args.quiet)


def tables(args: argparse.Namespace) -> ExitCode:
    from grader.dev.check import tables_module

    tables = tables_module()
    if tables is None:
        print("error: this checkout has no grader/dev/tables.py yet", file=sys.stderr)
        return ExitCode.USAGE
    root = repo_root()
    for path in tables.write(root):
        print(f"wrote: {path.relative_to(root).as_posix() if path.is_relative_to(root) else path}")
    return ExitCode.OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m grader dev", description="The contributor's tools.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser(
        "check",
        help="prove every kata complete and consistent (exit 1 on any problem)",
        description="Check every kata (or those named): one line per problem, then a summary.",
    )
    c.add_argument(
        "katas", nargs="*", metavar="SLUG", help="katas to check (default: all, plus the repository-wide checks)"
    )
    c.set_defaults(run=check)

    n = sub.add_parser(
        "new",
        help="scaffold a kata; `dev check` then lists what is left to write",
        description="Scaffold a kata: solution, stub, README, tests, golden-data script, baseline, "
        "known-bad folder and registry entry, every part marked TODO.",
    )
    n.add_argument("slug", metavar="SLUG", help="the kata's module name: lowercase letters, digits and _")
    n.add_argument("--title", required=True, help="the kata's title, as in the registry")
    n.add_argument(
        "--functions",
        required=True,
        type=lambda s: [f.strip() for f in s.split(",")],
        metavar="A,B",
        help="the functions the learner writes, comma-separated",
    )
    n.add_argument("--number", type=int, metavar="N", help="the kata's number (default: the next free one)")
    n.set_defaults(run=new)

    r = sub.add_parser(
        "record",
        help="record the torch answers the hidden tests ask, into each kata's oracle.npz",
        description="Grade the reference solutions' hidden tests with every recorded-oracle call asked live, and "
        "write the answers to hidden_tests/NN_slug/oracle.npz.",
    )
    r.add_argument("katas", nargs="*", metavar="SLUG", help="katas to record (default: every kata that asks one)")
    r.add_argument("--quiet", action="store_true", help="one line in all (the grader's report only on failure)")
    r.set_defaults(run=record)

    t = sub.add_parser("tables", help="rewrite the main README's kata tables from the registry")
    t.set_defaults(run=tables)
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return int(args.run(args))
