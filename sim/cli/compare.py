"""compare: run variants on the same seed and say whose reaction differs, how and why."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.cli.common import (
    SCENARIO_HELP,
    UsageError,
    check_chart_path,
    overrides,
    scenario_arg,
    scenario_path,
    simulate,
)


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="run variants of a scenario with the same seed; say whose reaction differs, how and why",
        epilog='example: %(prog)s SEED --variant "low security: actors.CODE.interests.security=0.1"')
    p.add_argument("scenarios", nargs="+", metavar="scenario",
                   help=SCENARIO_HELP + "; each file is a variant, named by its file name")
    p.add_argument("--variant", action="append", metavar='"NAME: PATH=VALUE[; PATH=VALUE ...]"',
                   help="the first scenario with these overrides, as a variant called NAME (repeatable)")
    p.add_argument("--json", action="store_true",
                   help='print only {"variants": [...], "differences": [{"actor", "kind": "label" or "size", '
                        '"labels", ...}], "unchanged": [...]}')
    p.add_argument("--chart", metavar="FILE.png",
                   help="draw each actor's label shares, stance and posture change in every variant")
    scenario_arg(p)
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.measure import compare

    check_chart_path(args.chart)
    variants = compare.plan([scenario_path(s) for s in args.scenarios], args.variant or [])
    if len(variants) < 2:
        raise UsageError(f"compare: nothing to compare {args.scenarios[0]} with; give a second scenario, or a "
                         f'--variant "NAME: PATH=VALUE", e.g. --variant "low security: '
                         f'actors.CODE.interests.security=0.1"')
    comparison = compare.run(variants, overrides(args), lambda s: simulate(s, args.quiet or args.json))
    if args.chart:
        from sim.outputs import compare_chart
        from sim.outputs.files import atomic_write

        atomic_write(Path(args.chart), lambda p: compare_chart.draw(comparison, p))
    if args.json:
        print(json.dumps(comparison.as_json(), indent=2))
        return 0
    print(compare.table(comparison))
    if args.chart:
        print(f"chart: {args.chart}")
    return 0
