"""run a scenario: its replicates and twins, then summary.json, timeseries.csv, charts and reports."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.common import SCENARIO_HELP, UsageError, load, output_folder, scenario_arg, simulate, unfilled
from sim.concepts.wording import counted, says

if TYPE_CHECKING:
    from sim.outputs.painter import Painter
    from sim.scenario.schema import Scenario


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a scenario; write summary, time series, charts and a report")
    p.add_argument("scenario", help=SCENARIO_HELP)
    scenario_arg(p)
    p.add_argument("--out", help="output folder (default: reports/<scenario>/<timestamp>/ here)")
    p.add_argument("--json", action="store_true", help="print summary.json to stdout")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG charts (faster)")
    p.add_argument("--all-charts", action="store_true",
                   help="also draw network.png, trajectories.png and a chart per actor (actors/CODE.png); a default "
                        "run draws the handout's two, reactions.png and drivers.png")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="page size of report.pdf (default a4)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.outputs.painter import Painter

    if args.no_charts and args.all_charts:
        raise UsageError("--all-charts draws every chart and --no-charts skips them: give one of them")
    scenario = load(args.scenario, args)
    if todo := unfilled(args.scenario):
        print(f"note: {args.scenario} still has {counted(todo, 'place')} that {says(todo)} TO FILL IN (placeholder "
              "weights or event); its reactions say little until they are filled in", file=sys.stderr)
    new = not (args.out and Path(args.out).exists())
    out = output_folder(args, scenario)
    # the charts' process loads matplotlib on the other core while this one simulates; forked after the scenario
    # is read, it shares what both need (numpy, the schema) instead of loading it again
    import sim.measure.experiment  # noqa: F401  (before the fork: the charts' process needs it too)

    with Painter(1 if args.no_charts else None) as painter:
        data = _run(args, scenario, out, new, painter)
    _print(args, data, out)
    return 0


def _run(args: argparse.Namespace, scenario: Scenario, out: Path, new: bool, painter: Painter) -> dict[str, Any]:
    from sim.outputs import report, summary
    from sim.outputs.files import atomic_write

    try:
        result = simulate(scenario, args.quiet or args.json)
    except BaseException:  # interrupted or failed: leave no empty folder behind that this run made
        if new and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        raise
    drawing = None if args.no_charts else painter.draw(result, out, args.all_charts)
    data = summary.build(result, command=" ".join([args.prog, shlex.join(args.argv)]))
    atomic_write(out / "summary.json", lambda p: summary.write_json(data, p))
    atomic_write(out / "timeseries.csv", lambda p: summary.write_timeseries(result, p))
    report.write_all(data, out, args.paper, drawing)  # each report waits for the charts it shows
    return data


def _print(args: argparse.Namespace, data: dict[str, Any], out: Path) -> None:
    if args.json:
        print(json.dumps(data, indent=2))
        return
    width = max(len(a["name"]) for a in data["actors"].values())
    print(f"{data['title']}: {counted(data['replications'], 'replicate')} x {counted(data['steps'], 'month')}, "
          f"seed {data['seed']}")
    for code, a in data["actors"].items():
        share = a["reaction_share"][a["reaction"]]
        print(f"  {a['name']:<{width}} {code:<4} {a['reaction']:<16} {share:>4.0%}")
    moving = [code for code, a in data["actors"].items() if a["not_settled"]]
    if moving:
        print(textwrap.fill(f"not settled at month {data['steps']}: {', '.join(moving)} (still moving over the last "
                            f"12 months; their numbers are window means; see: {args.prog} explain {args.scenario} "
                            f"--actor {moving[0]})", 100, subsequent_indent="  "))
    if data["expectations_total"]:
        print(f"expectations: {data['expectations_passed']} of {data['expectations_total']} hold "
              f"(details: {args.prog} check {args.scenario})")
    print(f"written: {out}/ (report.html, report.pdf, report.md, summary.json, timeseries.csv"
          f"{'' if args.no_charts else ', charts'})")
