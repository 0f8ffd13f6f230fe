"""list: the scenarios shipped with geosim, and their variants."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import as_the_readme_says, bundled_scenarios
from sim.concepts.wording import counted


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list the scenarios shipped")
    p.add_argument("folder", nargs="?", help="folder to list (default: the scenarios shipped with geosim)")
    p.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from sim.scenario import ScenarioError, load_scenario

    folder = Path(args.folder) if args.folder else Path(str(bundled_scenarios()))
    files = sorted(folder.glob("*.yaml"))
    if not args.folder:  # the seed's variants ship with it, and run by name like it
        files += sorted((folder / "variants").glob("*.yaml"))
    if not files:
        print(f"no scenarios in {folder}", file=sys.stderr)
        return 2
    for path in files:
        shown = path if args.folder else as_the_readme_says(path)
        shown = shown.relative_to(Path.cwd()) if shown.is_relative_to(Path.cwd()) else shown
        try:
            s = load_scenario(path)
            print(f"{shown}  {s.title} ({counted(len(s.actors), 'actor')}, {counted(len(s.events), 'event')})")
        except ScenarioError as err:
            print(f"{shown}  INVALID: {err.problems[0].message}")
    return 0
