"""explain: why one actor reacted as it did."""

from __future__ import annotations

import argparse
import sys
import textwrap

from sim.cli.common import SCENARIO_HELP, load, scenario_arg, simulate


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="why one actor reacted as it did")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--actor", "-a", required=True, help="actor code, e.g. FRA")
    scenario_arg(p)
    p.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    from sim.measure.analysis import explain

    scenario = load(args.scenario, args)
    code = args.actor.upper()
    if code not in scenario.actors:
        print(f"{args.scenario}: unknown actor '{args.actor}'; actors are: {', '.join(scenario.actors)}",
              file=sys.stderr)
        return 2
    result = simulate(scenario, args.quiet)
    r = result.reactions
    i = result.params.codes.index(code)
    names = {c: a.name for c, a in scenario.actors.items()}
    if args.set:  # the reader must see that this is not the scenario as written
        print(textwrap.fill(f"{args.scenario}, with {'; '.join(args.set)}:", 100))
    print(textwrap.fill(explain(r, i, names), 100))
    if i not in r.parties:
        from sim.model.stance import PARTS

        mean = r.appraisal[:, i].mean(axis=0)
        lines = result.scenario.model.labels
        print(f"\n{'its stance':<16}{'mean':>9}   (supports above {lines.supports:g}, criticises below "
              f"-{lines.criticises:g})")
        for part, value in zip(PARTS, mean, strict=True):
            print(f"  {part:<14}{value:>+9.3f}")
        print(f"  {'total':<14}{mean.sum():>+9.3f}")
    weights = scenario.actors[code].interests
    total = sum(weights.values())
    w = max(len(name) for name in r.interests) + 2
    print(f"\n{'interest':<{w + 3}}weight   at impact   after reactions")
    for k, weight in enumerate(result.params.weights[0, i]):
        print(f"  {r.interests[k]:<{w}} {weight:>6.2f}   {r.valence[:, i, k].mean():>+9.4f}   "
              f"{r.d_interest[:, i, k].mean():>+9.4f}")
    given = ", ".join(f"{k} {v:g}" for k, v in weights.items())
    print("\n" + textwrap.fill(f"(weights as given: {given}; normalised by {total:g})", 100))
    for axis, what in (("labels", "label"), ("words", "words"), ("deeds", "deeds")):
        print(f"{what} shares: " + ", ".join(f"{k} {v:.0%}" for k, v in r.share(i, axis).items()))
    return 0
