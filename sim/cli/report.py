"""report: write a saved run's or sweep's reports again, without running it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.cli.common import UsageError, prog


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a saved run's or sweep's reports again (md, html, pdf), not running it")
    p.add_argument("folder", help="a folder written by run or sweep")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="page size of report.pdf (default a4)")
    p.set_defaults(func=cmd_report)


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

        written = report.write_all(read_summary(folder / "summary.json"), folder, args.paper)
    else:
        raise UsageError(f"{folder}: not a run or a sweep folder (it has no summary.json or manifest.json)")
    print(f"written: {', '.join(str(p) for p in written)}")
    return 0


def read_summary(path: Path) -> dict[str, Any]:
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
