"""validate: check scenario files (and weights books) without running them."""

from __future__ import annotations

import argparse
import sys

from sim.cli.common import SCENARIO_HELP, scenario_path, unfilled
from sim.concepts.wording import counted, says


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+", help=SCENARIO_HELP)
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="validate with these overrides")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario import ScenarioError, load_scenario
    from sim.scenario.loader import is_weights_book, load_weights

    bad = 0
    for path in args.files:
        if is_weights_book(path):  # `validate history/*.yaml` takes in the weights book too: check it as one
            try:
                book = load_weights(path)
            except ScenarioError as err:
                print(err, file=sys.stderr)
                bad += 1
                continue
            print(f"{path}: ok, a weights book ({len(book.weights)} states)")
            continue
        try:
            scenario = load_scenario(scenario_path(path), args.set)
        except ScenarioError as err:
            print(err, file=sys.stderr)
            bad += 1
            continue
        todo = unfilled(path)
        todo_note = f"; {counted(todo, 'place')} still {says(todo)} TO FILL IN" if todo else ""
        print(f"{path}: ok ({counted(len(scenario.actors), 'actor')}, {counted(len(scenario.events), 'event')}, "
              f"{counted(len(scenario.expectations), 'expectation')}){todo_note}")
    return 2 if bad else 0
