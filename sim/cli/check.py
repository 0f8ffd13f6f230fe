"""check: run scenarios and score their expectations, per file and in total."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.common import SCENARIO_HELP, UsageError, check_chart_path, load, scenario_arg, simulate
from sim.concepts.wording import counted

if TYPE_CHECKING:
    from sim.measure.experiment import Result
    from sim.scenario import Scenario


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="run scenarios and compare with their expectations, beside the rule that runs "
                                     "no model (exit 1 on a miss)")
    p.add_argument("scenarios", nargs="+", help=SCENARIO_HELP)
    p.add_argument("--json", action="store_true",
                   help='print only {"files": [{"file", "passed", "total", "baseline", "brier"}...], "passed": k, '
                        '"total": n, "baseline": {"passed", "total"}, "brier": {"model", "baseline", "actors"}}')
    p.add_argument("--chart", metavar="FILE.png", help="draw the score per file and in total")
    p.add_argument("--why", action="store_true", help="under each miss, why its actor did what it did")
    scenario_arg(p)
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from sim.measure.expect import Score, check, score

    check_chart_path(args.chart)
    from sim.scenario.loader import is_weights_book, load_weights

    books = [path for path in args.scenarios if is_weights_book(path)]
    for path in books:  # `check history/*.yaml` takes in the weights book: said, checked, and passed by
        load_weights(path)
        print(f"{path}: a weights book (for `new --weights-from`), not a scenario: skipped", file=sys.stderr)
    if len(books) == len(args.scenarios):
        raise UsageError("no scenario to check among the files given (only weights books)")
    scores: list[dict] = []
    say = (lambda *a: None) if args.json else print
    for path in args.scenarios:
        if path in books:
            continue
        scenario = load(path, args)
        if not scenario.expectations:
            say(f"{path}: no expectations to check")
            scores.append({"file": path, **Score(0, 0, 0, None, None, 0).as_dict()})
            continue
        result = simulate(scenario, args.quiet or args.json)
        verdicts = check(scenario, result.reactions)
        w = max(len(v.expect) for v in verdicts)
        ow = max(len(v.observed) for v in verdicts)
        say(f"{path} ({counted(scenario.run.replications, 'replicate')}, seed {scenario.run.seed})")
        say(f"  {'expected':<{w}}  {'observed':<{ow}}  share  pass  rule")
        if any(v.share_of == "members" for v in verdicts):
            say("  (share: of the runs in which it holds; for a statement about a group, of the group's members)")
        for v in verdicts:
            say(f"  {v.expect:<{w}}  {v.observed:<{ow}}  {v.share:>5.0%}  {'yes' if v.passed else 'NO ':<4}  "
                f"{'yes' if v.rule else 'no'}")
            if args.why and not v.passed and (why := _why(v.expect, scenario, result)):
                say(textwrap.indent(textwrap.fill(why, 100), "      "))
        file_score = score(scenario, result.reactions, verdicts)
        say(f"  {_line(file_score.as_dict())}")
        scores.append({"file": path, **file_score.as_dict()})
    totals = _totals(scores)
    if args.chart:
        from sim.outputs import bench
        from sim.outputs.files import atomic_write

        atomic_write(Path(args.chart), lambda p: bench.scores(scores, p))
        say(f"chart: {args.chart}")
    if args.json:
        print(json.dumps({"files": scores, **totals}, indent=2))
    elif len(scores) > 1:
        w = max(len(s["file"]) for s in scores)
        print(f"\n{'file':<{w}}  model       rule")
        for s in scores:
            print(f"{s['file']:<{w}}  {s['passed']:>3} of {s['total']:<4} {s['baseline']['passed']:>3}")
        print(f"{'total':<{w}}  {_line(totals)}")
    return 1 if totals["passed"] < totals["total"] else 0


def _line(s: dict) -> str:
    """'12 of 14 hold (86%); the rule that runs no model: 9 (64%); Brier 0.41, the rule's 0.72 (9 actors)'."""
    n = max(s["total"], 1)
    text = (f"{s['passed']} of {s['total']} hold ({s['passed'] / n:.0%}); the rule that runs no model: "
            f"{s['baseline']['passed']} ({s['baseline']['passed'] / n:.0%})")
    b = s["brier"]
    if b["model"] is not None:
        text += f"; Brier {b['model']:.3f}, the rule's {b['baseline']:.3f} ({b['actors']} actors)"
    return text


def _totals(scores: list[dict]) -> dict:
    """Statements summed over the files; Brier scores pooled over their observed actors."""
    actors = sum(s["brier"]["actors"] for s in scores)

    def pooled(key: str) -> float | None:
        if not actors:
            return None
        return round(sum(s["brier"][key] * s["brier"]["actors"] for s in scores if s["brier"]["actors"]) / actors, 4)

    total = sum(s["total"] for s in scores)
    return {"passed": sum(s["passed"] for s in scores), "total": total,
            "baseline": {"passed": sum(s["baseline"]["passed"] for s in scores), "total": total},
            "brier": {"model": pooled("model"), "baseline": pooled("baseline"), "actors": actors}}


def _why(expect: str, scenario: Scenario, result: Result) -> str:
    """The actor's reaction in words, for a missed statement about one actor (a group's has none)."""
    from sim.measure.analysis import explain
    from sim.scenario.statements import Change, Reaction, parse

    statement = parse(expect)
    if not isinstance(statement, Reaction | Change):
        return ""
    names = {c: a.name for c, a in scenario.actors.items()}
    return explain(result.reactions, result.params.codes.index(statement.actor), names)
