"""codes: the states and groups `new` can write, by code, so that nobody has to guess an ISO3 code."""

from __future__ import annotations

import argparse
import sys


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("codes", help="the state and group codes new knows (search by code or name)",
                       description="List the codes `new --actors` takes: ISO3 codes of states, and groups written "
                                   "in capitals (EU: its members less those listed on their own).",
                       epilog="example: %(prog)s korea")
    p.add_argument("search", nargs="?", default="", help="only codes or names that contain this (any case)")
    p.set_defaults(func=cmd_codes)


def cmd_codes(args: argparse.Namespace) -> int:
    from sim.data.tables import load

    tables = load()
    wanted = args.search.casefold()
    rows = [(code, name) for code, name in sorted(tables.names.items())]
    rows += [(group.upper(), f"{name} (a group)") for group, name in sorted(tables.group_names.items())
             if len(group) <= 3]
    found = [(c, n) for c, n in rows if wanted in c.casefold() or wanted in n.casefold()]
    if not found:
        print(f"codes: nothing matches {args.search!r}; `{args.prog} codes` lists them all", file=sys.stderr)
        return 2
    for code, name in found:
        print(f"{code:<4} {name}")
    return 0
