"""sweep: vary parameters over a design; tipping points and sensitivities."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import textwrap

from sim.cli.common import SCENARIO_HELP, output_folder, scenario_path
from sim.concepts.wording import counted
from sim.sweep import CHUNK_BYTES, RUNS_PER_CHUNK


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="vary parameters over a design; find tipping points and sensitivities")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--param", action="append", metavar="PATH=LO:HI[:N]|PATH=A,B,C",
                   help="a swept value (repeatable); replaces the scenario's sweep: block")
    p.add_argument("--design", choices=["grid", "lhs", "sobol", "morris"], help="default: the sweep block, or grid")
    p.add_argument("--samples", type=int, help="base samples for lhs, sobol, morris")
    p.add_argument("--replications", "-r", type=int, help="replicates per point")
    p.add_argument("--seed", type=int, help="seed of the design and of the runs")
    p.add_argument("--workers", "-w", type=int, help="processes or Dask workers (default: all cores)")
    p.add_argument("--executor", choices=["local", "dask"], default="local")
    p.add_argument("--scheduler", help="Dask scheduler, e.g. tcp://scheduler-host:8786 (default: a local cluster)")
    p.add_argument("--out", help="output folder (default: reports/<scenario>/sweep-<timestamp>/)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted sweep in --out")
    p.add_argument("--chunk-runs", type=int, metavar="N",
                   help=f"runs per chunk, the unit of work and of resuming (default {RUNS_PER_CHUNK}, fewer for "
                        f"scenarios with many actors, so that a chunk holds about {CHUNK_BYTES // 2**20} MiB)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="fixed overrides for every point")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from pydantic import ValidationError
    from tqdm import tqdm

    from sim.scenario import load_scenario
    from sim.scenario.schema import Sweep
    from sim.sweep.analysis import index_key
    from sim.sweep.design import parse_param
    from sim.sweep.run import plan, run_sweep
    from sim.sweep.store import StoreError

    if args.executor == "dask":
        import distributed  # noqa: F401  (if missing, say so now, not after the sweep's folder is made)

    path = scenario_path(args.scenario)
    overrides = list(args.set or [])
    scenario = load_scenario(path, overrides)
    base = scenario.sweep.model_dump() if scenario.sweep else {}
    try:
        if args.param:
            base["params"] = [parse_param(p).model_dump() for p in args.param]
        for key in ("design", "samples", "replications", "seed"):
            if getattr(args, key) is not None:
                base[key] = getattr(args, key)
        if not base.get("params"):
            raise ValueError("nothing to sweep: give --param path=lo:hi[:n] (or path=a,b,c), or a sweep: block")
        spec = Sweep.model_validate(base)
        if args.chunk_runs is not None and args.chunk_runs < 1:
            raise ValueError(f"--chunk-runs must be at least 1, got {args.chunk_runs}")
        the_plan = plan(path, overrides, spec, args.chunk_runs)
    except ValidationError as err:
        first = err.errors()[0]
        print(f"{path}: sweep: {'.'.join(str(x) for x in first['loc'])}: {first['msg']}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"{path}: sweep: {err}", file=sys.stderr)
        return 2
    for note in the_plan.design.notes:
        print(f"note: {note}", file=sys.stderr)
    out = output_folder(args, scenario, "sweep-")
    workers = args.workers or os.cpu_count() or 1
    bar = tqdm(unit="run", desc=f"sweep {spec.design}", disable=args.quiet or None, file=sys.stderr,
               smoothing=0.1)

    def on_start(total: int, done: int) -> None:
        bar.reset(total=total)
        bar.update(done)

    try:
        summary = run_sweep(the_plan, out, args.executor, workers, args.scheduler, args.resume, bar.update, on_start,
                            charts=not args.no_charts)
    except StoreError as err:
        print(f"sweep: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        bar.close()
        again = [a for a in args.argv if a != "--resume"]
        if args.out is None:
            again += ["--out", str(out)]
        print(f"interrupted: the finished chunks are saved in {out}; to finish the sweep run\n"
              f"  {args.prog} {shlex.join(again)} --resume", file=sys.stderr)
        return 130
    finally:
        bar.close()
    print(f"{counted(summary['points'], 'point')} x {counted(summary['replications'], 'replicate')} = "
          f"{counted(summary['runs'], 'run')} ({counted(len(summary['failed_points']), 'point')} failed)")
    if summary["failed_points"] and len(summary["failed_points"]) == summary["points"]:
        print(f"sweep: every point failed; the first: {summary['failed_points'][0]['error']}", file=sys.stderr)
        return 2
    for tip in summary["tipping_points"][:20]:
        print(textwrap.fill(tip["text"], 100, initial_indent="  ", subsequent_indent="    "))
    if len(summary["tipping_points"]) > 20:
        print(f"  ... {len(summary['tipping_points']) - 20} more in summary.json")
    key = index_key(spec.design)
    if len(summary["parameters"]) > 1:
        for outcome, indices in list(summary["sensitivity"].items())[:3]:
            if "error" not in indices:
                print(textwrap.fill(_most(outcome, indices, key, summary), 100, initial_indent="  ",
                                    subsequent_indent="    "))
    charts = "" if args.no_charts else ", charts"
    print(f"written: {out}/ (report.html, report.pdf, report.md, runs/, sweep_summary.parquet/.csv, summary.json, "
          f"manifest.json{charts})")
    return 0


INDEX = {"main_effect": "share of its variation explained", "ST": "total-order Sobol index",
         "mu_star": "Morris mu*"}


def _most(outcome: str, indices: dict[str, dict[str, float]], key: str, summary: dict[str, object]) -> str:
    """Which swept assumption an outcome depends on most, as a sentence."""
    from sim.sweep.analysis import name_of

    ranked = sorted(indices.items(), key=lambda kv: -kv[1][key])
    digits = ".3g" if key == "mu_star" else ".2f"  # mu* is in the outcome's units, often thousandths
    said = [f'"{name_of(summary, n)}" ({v[key]:{digits}})' for n, v in ranked[:3]]
    then = f", then on {' and '.join(said[1:])}" if len(said) > 1 else ""
    return (f"{outcome.replace('_', ' ').capitalize()} depends most on {said[0]}{then}; in brackets, the "
            f"{INDEX[key]}.")
