"""new: write a scenario for a year and a set of states from the bundled public data."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from sim.cli.common import OutputError, placeholders, scenario_path
from sim.concepts.wording import counted, says


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new", help="write a scenario for a year and a set of states from the bundled public data",
        description="Write a scenario from public data (SIPRI, World Bank, V-Dem, UNGA votes, ATOP, COW; "
                    "1990-2024, see docs/data.md). Every figure carries its source and year; interest weights "
                    "and the event are yours, marked TO FILL IN.",
        epilog="example: %(prog)s --year 2008 --actors FRA,DEU,POL,UKR,EU --parties FRA,DEU --out my.yaml")
    p.add_argument("--year", type=int, required=True, help="the year of the figures, e.g. 2008")
    p.add_argument("--actors", required=True, metavar="CODES",
                   help="ISO3 codes, comma-separated (FRA,DEU,BRA); EU for the EU's other members")
    p.add_argument("--parties", metavar="CODES", help="the actors of the event (a placeholder event is written)")
    p.add_argument("--name", help="the scenario's name, lower_snake_case (default: scenario_<year>)")
    p.add_argument("--weights-from", metavar="SCENARIO",
                   help="copy the interest weights of the actors that appear in this scenario")
    p.add_argument("--out", help="write to this file (default: print to stdout)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(func=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    from sim.data.compose import Request, compose, parse_codes
    from sim.data.facts import DataError
    from sim.outputs.files import atomic_write

    out = Path(args.out) if args.out else None
    try:
        if out is not None and out.is_dir():
            raise DataError(f"--out {out}: is a folder; give the file to write, e.g. {out / 'my_scenario.yaml'}")
        if out is not None and out.exists() and not args.force:
            raise DataError(f"--out {out}: the file exists; choose another name, or add --force to replace it")
        request = Request(
            year=args.year, actors=parse_codes(args.actors, "--actors"),
            parties=parse_codes(args.parties or "", "--parties"), name=args.name,
            weights_from=scenario_path(args.weights_from) if args.weights_from else None,
            command=shlex.join([args.prog, *args.argv]))
        composed = compose(request)
    except DataError as err:
        print(f"new: {err}", file=sys.stderr)
        return 2
    for warning in composed.warnings:
        print(f"note: {warning}", file=sys.stderr)
    if out is None:
        sys.stdout.write(composed.text)
        return 0
    try:
        atomic_write(out, lambda tmp: tmp.write_text(composed.text, encoding="utf-8"))
    except OSError as err:
        raise OutputError(f"--out {out}: cannot write: {err.strerror or err}") from err
    todo = placeholders(composed.text)
    figures = composed.text.count('value: "TO FILL IN"')
    what = "interest weights, the event" + (f", {counted(figures, 'figure')} the data lack" if figures else "")
    first = "put in the figures (validate refuses the file until then), and " if figures else ""
    print(f"wrote {out}: {len(request.actors)} actors in {args.year}; {counted(todo, 'place')} {says(todo)} TO FILL IN "
          f"({what}). Then {first}run: {args.prog} run {out}")
    return 0
