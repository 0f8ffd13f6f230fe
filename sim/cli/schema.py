"""schema: the JSON Schema of scenario files, for editor completion."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sim.cli.common import OutputError


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editor completion)")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_schema)


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
