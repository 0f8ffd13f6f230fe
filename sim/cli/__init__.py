"""The command line: run, check, validate, new, codes, schema, list, explain, sweep, compare, report, dashboard,
seminar. Exit codes: 0 fine, 1 an expectation failed, 2 bad input (a located message on stderr, never a
traceback), 130 interrupted.

One module per command, each with `add` (its arguments) and its `cmd_` function. Importing this package loads only
what parsing the command line needs: `main` first sets up the process (`sim.tuning`, before numpy loads), then each
command imports its own stage of the pipeline.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim import __version__, tuning
from sim.cli import (
    check,
    codes,
    compare,
    dashboard,
    explain,
    listing,
    new,
    report,
    run,
    schema,
    seminar,
    sweep,
    validate,
)
from sim.cli.common import EXTRAS, OutputError, UsageError, flag_names, prog
from sim.cli.schema import schema_document

__all__ = ["main", "parser", "schema_document"]


COMMANDS = (run, check, validate, new, codes, schema, listing, sweep, report, dashboard, seminar, explain, compare)


def parser(name: str = "run_sim.py") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=name,
        description="geosim: how states react to a diplomatic event, and why. Each run is paired with its "
                    "no-event twin; a reaction is the difference.",
    )
    ap.add_argument("--version", action="version", version=f"geosim {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    tuning.tune()
    args = parser(prog()).parse_args(argv)
    args.prog = prog()
    args.argv = list(sys.argv[1:] if argv is None else argv)  # to tell an interrupted sweep how to resume
    from sim.outputs.painter import ChartError
    from sim.scenario.problems import ScenarioError  # not sim.scenario: a command loads the schema when it needs it

    try:
        return int(args.func(args))
    except ScenarioError as err:
        print(flag_names(err), file=sys.stderr)
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
    except ChartError as err:  # a bug of ours, not bad input: say so plainly, with the drawer's traceback
        print(f"{args.command}: {err}\nsummary.json and timeseries.csv are written; a run with --no-charts "
              "writes the reports without charts.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
