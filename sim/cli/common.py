"""What the commands share: finding a scenario, loading it with the command line's overrides, running it with
a progress bar, choosing the output folder, and the two errors a command raises for exit code 2."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from sim.measure.experiment import Result
    from sim.scenario import Scenario, ScenarioError


class OutputError(Exception):
    """The output folder cannot be written: said before anything runs (exit 2)."""


class UsageError(Exception):
    """The command asks for something the files given cannot do: said before anything runs (exit 2)."""


# Modules of the optional extras (pyproject.toml): a sweep without them installed is told which extra to add.


EXTRAS = {"pandas": "sweep", "pyarrow": "sweep", "SALib": "sweep", "distributed": "cluster", "solara": "viz",
          "solara_assets": "viz", "altair": "viz", "starlette": "seminar", "uvicorn": "seminar", "segno": "seminar"}


def require_extra(command: str, modules: tuple[str, ...], extra: str) -> None:
    """Refuse a command whose optional extra is not installed, naming it, before anything slow starts."""
    from importlib.util import find_spec

    if missing := [name for name in modules if find_spec(name) is None]:
        raise UsageError(f"{command}: {', '.join(missing)} not installed; the {command} comes with geosim's {extra} "
                         f"extra: pip install 'geosim[{extra}]'")


def bundled_scenarios() -> Traversable:
    """The scenarios shipped with geosim (in a checkout, `scenarios/`; installed, inside the package)."""
    from importlib import resources  # a hundredth of a second at start-up that only finding a scenario needs

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
            return as_the_readme_says(Path(str(shipped)))
    return path


def as_the_readme_says(shipped: Path) -> Path:
    """A shipped scenario as `scenarios/...` when the working folder's `scenarios/` holds it (a checkout, where
    `sim/scenarios` is a link to it), so that what the program prints is what README.md tells users to type."""
    local = Path("scenarios") / shipped.relative_to(Path(str(bundled_scenarios())))
    try:
        return local if local.samefile(shipped) else shipped
    except OSError:
        return shipped


SCENARIO_HELP = "a scenario YAML file, or the name of a shipped one (see list)"


FLAGS = {"replications": "run.replications", "seed": "run.seed", "steps": "model.steps"}


def overrides(args: argparse.Namespace) -> list[str]:
    """--replications, --seed and --steps are shorthands for --set on their paths."""
    out = list(args.set or [])
    for flag, path in FLAGS.items():
        if getattr(args, flag, None) is not None:
            out.append(f"{path}={getattr(args, flag)}")
    return out


def flag_names(err: ScenarioError) -> str:
    """The problems, saying `--replications 0`, not `--set run.replications=0`, when that is what was typed."""
    lines = []
    for problem in err.problems:
        line = str(problem)
        for flag, path in FLAGS.items():
            line = line.replace(f"--set {path}=", f"--{flag} ")
        lines.append(line)
    return "\n".join(lines)


def load(path: str, args: argparse.Namespace) -> Scenario:
    from sim.scenario import load_scenario

    return load_scenario(scenario_path(path), overrides(args))


def simulate(scenario: Scenario, quiet: bool) -> Result:
    from sim.measure.experiment import run

    if quiet:
        return run(scenario)
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the chart workers fork from this process, and fork wants one thread
    total = 2 * scenario.run.replications * scenario.model.steps
    with tqdm(total=total, unit="run-step", desc=scenario.name, disable=None, leave=False,
              file=sys.stderr) as bar:
        return run(scenario, progress=bar.update)


def output_folder(args: argparse.Namespace, scenario: Scenario, prefix: str = "") -> Path:
    """--out, or a new folder reports/<scenario>/<prefix><time>/ under the working directory; checked before
    anything runs, so a folder that cannot be written costs no simulation."""
    from sim.outputs.files import writable_folder

    if getattr(args, "resume", False) and not args.out:
        raise OutputError("--resume needs --out DIR, the folder of the interrupted sweep")
    if args.out:
        out = Path(args.out)
    else:
        out = fresh(Path.cwd() / "reports" / scenario.name / (prefix + datetime.now().strftime("%Y%m%d-%H%M%S")))
    if getattr(args, "resume", False) and not out.is_dir():  # resuming makes nothing new
        raise OutputError(f"--out {out}: nothing to resume: no such folder")
    problem = writable_folder(out)
    if problem:
        raise OutputError(f"{'--out ' if args.out else ''}{out}: {problem}")
    return out


def fresh(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`... if it exists: two runs in the same second never share a folder."""
    candidate, k = path, 1
    while candidate.exists():
        k += 1
        candidate = path.with_name(f"{path.name}-{k}")
    return candidate


def placeholders(text: str) -> int:
    """How many values in a scenario's text still say TO FILL IN. Values only: the comments `new` writes say it
    too, as instructions, and stay when every value is filled in."""
    import yaml

    def count(node: object) -> int:
        if isinstance(node, str):
            return int("TO FILL IN" in node)
        if isinstance(node, dict):
            return sum(count(k) + count(v) for k, v in node.items())
        if isinstance(node, list):
            return sum(count(v) for v in node)
        return 0

    if "TO FILL IN" not in text:  # the usual case: no need to parse the file a second time
        return 0
    try:
        return count(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.YAMLError:
        return 0


def unfilled(arg: str) -> int:
    """How many placeholders `run_sim.py new` left in the file that nobody has filled in yet."""
    try:
        return placeholders(scenario_path(arg).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return 0


def scenario_arg(p: argparse.ArgumentParser) -> None:
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


def check_chart_path(chart: str | None) -> None:
    """A --chart FILE.png whose folder cannot be written is said before anything runs, so it costs no simulation."""
    if chart:
        from sim.outputs.files import writable_folder

        if problem := writable_folder(Path(chart).resolve().parent):
            raise OutputError(f"--chart {chart}: {problem}")
