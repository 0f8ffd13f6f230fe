"""The command line: run, check, validate, new, schema, list, explain, sweep, compare, report, dashboard. Exit
codes: 0 fine, 1 an expectation failed, 2 bad input (a located message on stderr, never a traceback), 130
interrupted.

This module imports only what parsing the command line needs: `main` first sets up the process (`sim.tuning`,
before numpy loads), then each command imports its own stage of the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import textwrap
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import __version__, tuning
from sim.sweep import CHUNK_BYTES, RUNS_PER_CHUNK

if TYPE_CHECKING:
    from sim.measure.experiment import Result
    from sim.scenario import Scenario, ScenarioError


class OutputError(Exception):
    """The output folder cannot be written: said before anything runs (exit 2)."""


class UsageError(Exception):
    """The command asks for something the files given cannot do: said before anything runs (exit 2)."""


# Modules of the optional extras (pyproject.toml): a sweep without them installed is told which extra to add.
EXTRAS = {"pandas": "sweep", "pyarrow": "sweep", "SALib": "sweep", "distributed": "cluster", "solara": "viz",
          "solara_assets": "viz", "altair": "viz"}


def bundled_scenarios() -> Traversable:
    """The scenarios shipped with geosim (in a checkout, `scenarios/`; installed, inside the package)."""
    return resources.files("sim") / "scenarios"


def scenario_path(arg: str) -> Path:
    """A scenario file as given, or a shipped scenario or variant by name (`us_india_defense_framework_2025`,
    `border_crisis`) when no such file exists here; a name that is neither is left for the loader to call 'no such
    file'."""
    path = Path(arg)
    if path.exists():
        return path
    name = arg if arg.endswith(".yaml") else f"{arg}.yaml"
    for shipped in (bundled_scenarios() / name, bundled_scenarios() / "variants" / name):
        if path.parent == Path(".") and shipped.is_file():
            return Path(str(shipped))
    return path


SCENARIO_HELP = "a scenario YAML file, or the name of a shipped one (see list)"
FLAGS = {"replications": "run.replications", "seed": "run.seed", "steps": "model.steps"}


def _overrides(args: argparse.Namespace) -> list[str]:
    """--replications, --seed and --steps are shorthands for --set on their paths."""
    out = list(args.set or [])
    for flag, path in FLAGS.items():
        if getattr(args, flag, None) is not None:
            out.append(f"{path}={getattr(args, flag)}")
    return out


def _flag_names(err: ScenarioError) -> str:
    """The problems, saying `--replications 0`, not `--set run.replications=0`, when that is what was typed."""
    lines = []
    for problem in err.problems:
        line = str(problem)
        for flag, path in FLAGS.items():
            line = line.replace(f"--set {path}=", f"--{flag} ")
        lines.append(line)
    return "\n".join(lines)


def _load(path: str, args: argparse.Namespace) -> Scenario:
    from sim.scenario import load_scenario

    return load_scenario(scenario_path(path), _overrides(args))


def _simulate(scenario: Scenario, quiet: bool) -> Result:
    from tqdm import tqdm

    from sim.measure.experiment import run

    tqdm.monitor_interval = 0  # no monitor thread: the chart workers fork from this process, and fork wants one thread
    total = 2 * scenario.run.replications * scenario.model.steps
    with tqdm(total=total, unit="run-step", desc=scenario.name, disable=quiet or None, leave=False,
              file=sys.stderr) as bar:
        return run(scenario, progress=bar.update)


def _output(args: argparse.Namespace, scenario: Scenario, prefix: str = "") -> Path:
    """--out, or a new folder reports/<scenario>/<prefix><time>/ under the working directory; checked before
    anything runs, so a folder that cannot be written costs no simulation."""
    from sim.outputs.files import writable_folder

    if getattr(args, "resume", False) and not args.out:
        raise OutputError("--resume needs --out DIR, the folder of the interrupted sweep")
    if args.out:
        out = Path(args.out)
    else:
        out = _fresh(Path.cwd() / "reports" / scenario.name / (prefix + datetime.now().strftime("%Y%m%d-%H%M%S")))
    if getattr(args, "resume", False) and not out.is_dir():  # resuming makes nothing new
        raise OutputError(f"--out {out}: nothing to resume: no such folder")
    problem = writable_folder(out)
    if problem:
        raise OutputError(f"{'--out ' if args.out else ''}{out}: {problem}")
    return out


def _fresh(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`... if it exists: two runs in the same second never share a folder."""
    candidate, k = path, 1
    while candidate.exists():
        k += 1
        candidate = path.with_name(f"{path.name}-{k}")
    return candidate


def _unfilled(arg: str) -> int:
    """How many placeholders `run_sim.py new` left in the file that nobody has filled in yet."""
    try:
        return scenario_path(arg).read_text(encoding="utf-8").count("TO FILL IN")
    except (OSError, UnicodeDecodeError):
        return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.outputs import summary
    from sim.outputs.files import atomic_write

    scenario = _load(args.scenario, args)
    if todo := _unfilled(args.scenario):
        print(f"note: {args.scenario} still has {todo} places that say TO FILL IN (placeholder weights or event); "
              "its reactions say little until they are filled in", file=sys.stderr)
    new = not (args.out and Path(args.out).exists())
    out = _output(args, scenario)
    try:
        result = _simulate(scenario, args.quiet or args.json)
    except BaseException:  # interrupted or failed: leave no empty folder behind that this run made
        if new and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        raise
    data = summary.build(result, command=" ".join([args.prog, shlex.join(args.argv)]))
    atomic_write(out / "summary.json", lambda p: summary.write_json(data, p))
    atomic_write(out / "timeseries.csv", lambda p: summary.write_timeseries(result, p))
    if args.no_charts:
        from sim.outputs import report

        report.write_all(data, out, args.paper)
    else:
        from sim.outputs import charts

        with charts.Drawing(result, out) as drawing:  # the reports are written while the actors' charts draw
            from sim.outputs import report

            report.write_all(data, out, args.paper, drawing.wait)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    width = max(len(a["name"]) for a in data["actors"].values())
    print(f"{scenario.title}: {data['replications']} replicates x {data['steps']} months, seed {data['seed']}")
    for code, a in data["actors"].items():
        share = a["reaction_share"][a["reaction"]]
        print(f"  {a['name']:<{width}} {code:<4} {a['reaction']:<16} {share:>4.0%}")
    if data["expectations_total"]:
        print(f"expectations: {data['expectations_passed']} of {data['expectations_total']} hold "
              f"(details: {args.prog} check {args.scenario})")
    print(f"written: {out}/ (report.html, report.pdf, report.md, summary.json, timeseries.csv"
          f"{'' if args.no_charts else ', charts'})")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from sim.measure.expect import check

    if args.chart:  # checked before anything runs, so a bad path costs no simulation
        from sim.outputs.files import writable_folder

        if problem := writable_folder(Path(args.chart).resolve().parent):
            raise OutputError(f"--chart {args.chart}: {problem}")
    from sim.scenario.loader import is_weights_book, load_weights

    books = [path for path in args.scenarios if is_weights_book(path)]
    for path in books:  # `check history/*.yaml` takes in the weights book: said, checked, and passed by
        load_weights(path)
        print(f"{path}: a weights book (for `new --weights-from`), not a scenario: skipped", file=sys.stderr)
    if len(books) == len(args.scenarios):
        raise UsageError("no scenario to check among the files given (only weights books)")
    scores = []
    say = (lambda *a: None) if args.json else print
    for path in args.scenarios:
        if path in books:
            continue
        scenario = _load(path, args)
        if not scenario.expectations:
            say(f"{path}: no expectations to check")
            scores.append({"file": path, "passed": 0, "total": 0})
            continue
        result = _simulate(scenario, args.quiet or args.json)
        verdicts = check(scenario, result.reactions)
        w = max(len(v.expect) for v in verdicts)
        ow = max(len(v.observed) for v in verdicts)
        say(f"{path} ({scenario.run.replications} replicates, seed {scenario.run.seed})")
        say(f"  {'expected':<{w}}  {'observed':<{ow}}  share  pass")
        for v in verdicts:
            say(f"  {v.expect:<{w}}  {v.observed:<{ow}}  {v.share:>5.0%}  {'yes' if v.passed else 'NO'}")
            if args.why and not v.passed and (why := _why(v.expect, scenario, result)):
                say(textwrap.indent(textwrap.fill(why, 100), "      "))
        passed = sum(v.passed for v in verdicts)
        say(f"  {passed} of {len(verdicts)} hold")
        scores.append({"file": path, "passed": passed, "total": len(verdicts)})
    passed, total = sum(s["passed"] for s in scores), sum(s["total"] for s in scores)
    if args.chart:
        from sim.outputs import bench
        from sim.outputs.files import atomic_write

        atomic_write(Path(args.chart), lambda p: bench.scores(scores, p))
        say(f"chart: {args.chart}")
    if args.json:
        print(json.dumps({"files": scores, "passed": passed, "total": total}, indent=2))
    elif len(scores) > 1:
        w = max(len(s["file"]) for s in scores)
        print(f"\n{'file':<{w}}  holds")
        for s in scores:
            print(f"{s['file']:<{w}}  {s['passed']:>3} of {s['total']}")
        print(f"{'total':<{w}}  {passed:>3} of {total} ({passed / max(total, 1):.0%})")
    return 1 if passed < total else 0


def _why(expect: str, scenario: Scenario, result: Result) -> str:
    """The actor's reaction in words, for a missed statement about one actor (a group's has none)."""
    from sim.measure.analysis import explain
    from sim.scenario.statements import Change, Reaction, parse

    statement = parse(expect)
    if not isinstance(statement, Reaction | Change):
        return ""
    names = {c: a.name for c, a in scenario.actors.items()}
    return explain(result.reactions, result.params.codes.index(statement.actor), names)


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
        todo = _unfilled(path)
        print(f"{path}: ok ({len(scenario.actors)} actors, {len(scenario.events)} events, "
              f"{len(scenario.expectations)} expectations)" + (f"; {todo} places still say TO FILL IN" if todo else ""))
    return 2 if bad else 0


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
    todo = composed.text.count("TO FILL IN")
    print(f"wrote {out}: {len(request.actors)} actors in {args.year}; {todo} places say TO FILL IN "
          f"(interest weights, the event). Then: {args.prog} run {out}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(schema_document(), indent=2) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text)
        except OSError as err:
            raise OutputError(f"--out {args.out}: cannot write there: {err.strerror or err}") from None
        print(f"written: {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def schema_document() -> dict[str, Any]:
    from sim.scenario import Scenario

    doc = Scenario.model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "geosim scenario"
    return doc


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
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        try:
            s = load_scenario(path)
            print(f"{shown}  {s.title} ({len(s.actors)} actors, {len(s.events)} events)")
        except ScenarioError as err:
            print(f"{shown}  INVALID: {err.problems[0].message}")
    return 0


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
    out = _output(args, scenario, "sweep-")
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
    print(f"{summary['points']} points x {summary['replications']} replicates = {summary['runs']} runs "
          f"({len(summary['failed_points'])} points failed)")
    if summary["failed_points"] and len(summary["failed_points"]) == summary["points"]:
        print(f"sweep: every point failed; the first: {summary['failed_points'][0]['error']}", file=sys.stderr)
        return 2
    for tip in summary["tipping_points"][:20]:
        print(f"  {tip['text']}")
    if len(summary["tipping_points"]) > 20:
        print(f"  ... {len(summary['tipping_points']) - 20} more in summary.json")
    for outcome, indices in list(summary["sensitivity"].items())[:3]:
        if "error" in indices:
            continue
        key = index_key(spec.design)
        ranked = sorted(indices.items(), key=lambda kv: -kv[1][key])
        digits = ".3g" if key == "mu_star" else ".2f"  # mu* is in the outcome's units, often thousandths
        print(f"  {outcome}: " + ", ".join(f"{n} {v[key]:{digits}}" for n, v in ranked[:3]) + f" ({key})")
    charts = "" if args.no_charts else ", charts"
    print(f"written: {out}/ (report.html, report.pdf, report.md, runs/, sweep_summary.parquet/.csv, summary.json, "
          f"manifest.json{charts})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write a saved run's or sweep's reports again from its files, without running anything: after an upgrade
    of geosim's reports, or to print on Letter paper."""
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    if (folder / "manifest.json").is_file():
        from sim.sweep.report import rewrite
        from sim.sweep.store import StoreError

        try:
            written = rewrite(folder, args.paper)
        except StoreError as err:
            raise UsageError(str(err)) from None
    elif (folder / "summary.json").is_file():
        from sim.outputs import report

        written = report.write_all(_read_summary(folder / "summary.json"), folder, args.paper)
    else:
        raise UsageError(f"{folder}: not a run or a sweep folder (it has no summary.json or manifest.json)")
    print(f"written: {', '.join(str(p) for p in written)}")
    return 0


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}:{err.lineno}:{err.colno}: not valid JSON ({err.msg}); was it written by "
                         f"`{prog()} run`?") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: cannot read it: {err}") from None
    missing = [k for k in ("title", "actors", "outcomes", "expectations", "seed") if k not in data] \
        if isinstance(data, dict) else ["(an object)"]
    if missing:
        raise UsageError(f"{path}: not a run's summary: it lacks {', '.join(missing)}")
    return data


def cmd_explain(args: argparse.Namespace) -> int:
    from sim.measure.analysis import explain

    scenario = _load(args.scenario, args)
    code = args.actor.upper()
    if code not in scenario.actors:
        print(f"{args.scenario}: unknown actor '{args.actor}'; actors are: {', '.join(scenario.actors)}",
              file=sys.stderr)
        return 2
    result = _simulate(scenario, args.quiet)
    r = result.reactions
    i = result.params.codes.index(code)
    names = {c: a.name for c, a in scenario.actors.items()}
    print(explain(r, i, names))
    weights = scenario.actors[code].interests
    total = sum(weights.values())
    w = max(len(name) for name in r.interests) + 2
    print(f"\n{'interest':<{w + 3}}weight   at impact   after reactions")
    for k, weight in enumerate(result.params.weights[0, i]):
        print(f"  {r.interests[k]:<{w}} {weight:>6.2f}   {r.valence[:, i, k].mean():>+9.4f}   "
              f"{r.d_interest[:, i, k].mean():>+9.4f}")
    print(f"\n(weights as given: {', '.join(f'{k} {v:g}' for k, v in weights.items())}; normalised by {total:g})")
    print("label shares: " + ", ".join(f"{k} {v:.0%}" for k, v in r.share(i).items()))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.measure import compare

    if args.chart:  # checked before anything runs, so a bad path costs no simulation
        from sim.outputs.files import writable_folder

        if problem := writable_folder(Path(args.chart).resolve().parent):
            raise OutputError(f"--chart {args.chart}: {problem}")
    variants = compare.plan([scenario_path(s) for s in args.scenarios], args.variant or [])
    if len(variants) < 2:
        raise UsageError(f"compare: nothing to compare {args.scenarios[0]} with; give a second scenario, or a "
                         f'--variant "NAME: PATH=VALUE", e.g. --variant "low security: '
                         f'actors.CODE.interests.security=0.1"')
    comparison = compare.run(variants, _overrides(args), lambda s: _simulate(s, args.quiet or args.json))
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


# What the dashboard imports from the viz extra; pandas is also the sweep extra's, so EXTRAS cannot name it here.
DASHBOARD_NEEDS = ("solara", "solara_assets", "altair", "pandas", "networkx")


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the model live in a browser; checked first (the extra, the scenario, the port), then the slow imports."""
    from importlib.util import find_spec

    from sim.scenario import load_scenario

    if missing := [name for name in DASHBOARD_NEEDS if find_spec(name) is None]:
        print(f"dashboard: {', '.join(missing)} not installed; the dashboard comes with geosim's viz extra: "
              "pip install 'geosim[viz]'", file=sys.stderr)
        return 2
    path = scenario_path(args.scenario)
    scenario = load_scenario(path)
    from sim.app.serve import PortError, serve

    def ready(url: str) -> None:
        print(f"{scenario.title}: the dashboard is at {url} (Ctrl+C stops it)", flush=True)

    try:
        serve(path, args.host, args.port, ready)
    except PortError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        pass
    return 0


def _scenario_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--replications", "-r", type=int, help="replicates (default: the scenario's run block)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's run block)")
    p.add_argument("--steps", type=int, help="months to simulate (default: the scenario's model block)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="override any value, e.g. --set actors.FRA.interests.security=0.6 (repeatable)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def prog() -> str:
    """The command as the user typed it, for the usage line and the commands we suggest: `run-sim` when installed
    (there is no run_sim.py then), `run_sim.py` in a checkout or when called from Python."""
    return "run-sim" if sys.argv and Path(sys.argv[0]).stem == "run-sim" else "run_sim.py"


def parser(name: str = "run_sim.py") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=name,
        description="geosim: how states react to a diplomatic event, and why. Each run is paired with its "
                    "no-event twin; a reaction is the difference.",
    )
    ap.add_argument("--version", action="version", version=f"geosim {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run a scenario; write summary, time series, charts and a report")
    p.add_argument("scenario", help=SCENARIO_HELP)
    _scenario_arg(p)
    p.add_argument("--out", help="output folder (default: reports/<scenario>/<timestamp>/ here)")
    p.add_argument("--json", action="store_true", help="print summary.json to stdout")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG charts (faster)")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="page size of report.pdf (default a4)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("check", help="run scenarios and compare with their expectations (exit 1 on a miss)")
    p.add_argument("scenarios", nargs="+", help=SCENARIO_HELP)
    p.add_argument("--json", action="store_true",
                   help='print only {"files": [{"file", "passed", "total"}...], "passed": k, "total": n}')
    p.add_argument("--chart", metavar="FILE.png", help="draw the score per file and in total")
    p.add_argument("--why", action="store_true", help="under each miss, why its actor did what it did")
    _scenario_arg(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+", help=SCENARIO_HELP)
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="validate with these overrides")
    p.set_defaults(func=cmd_validate)

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

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editor completion)")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("list", help="list the scenarios shipped")
    p.add_argument("folder", nargs="?", help="folder to list (default: the scenarios shipped with geosim)")
    p.set_defaults(func=cmd_list)

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

    p = sub.add_parser("report", help="write a saved run's or sweep's reports again (md, html, pdf), not running it")
    p.add_argument("folder", help="a folder written by run or sweep")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="page size of report.pdf (default a4)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("dashboard", help="the model live in a browser, for class: sliders, step, play, replicates",
                       description="Serve a page that runs a scenario live (Mesa's SolaraViz), from this machine "
                                   "only: it needs no internet. Needs the viz extra: pip install 'geosim[viz]'.")
    p.add_argument("scenario", nargs="?", default="us_india_defense_framework_2025",
                   help=SCENARIO_HELP + " (default: the 2025 seed); the page lists the others too")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for the whole room)")
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("explain", help="why one actor reacted as it did")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--actor", "-a", required=True, help="actor code, e.g. FRA")
    _scenario_arg(p)
    p.set_defaults(func=cmd_explain)

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
                   help="draw each actor's label shares, valence at impact and posture change in every variant")
    _scenario_arg(p)
    p.set_defaults(func=cmd_compare)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    tuning.tune()
    args = parser(prog()).parse_args(argv)
    args.prog = prog()
    args.argv = list(sys.argv[1:] if argv is None else argv)  # to tell an interrupted sweep how to resume
    from sim.scenario import ScenarioError

    try:
        return int(args.func(args))
    except ScenarioError as err:
        print(_flag_names(err), file=sys.stderr)
        return 2
    except OutputError as err:
        print(err, file=sys.stderr)
        return 2
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        top = (err.name or "").split(".")[0]
        if top not in EXTRAS:
            raise
        print(f"{args.command}: {top} is not installed; it comes with geosim's {EXTRAS[top]} extra: "
              f"pip install 'geosim[{EXTRAS[top]}]'", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

