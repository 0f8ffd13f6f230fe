"""A sweep's folder: manifest.json, runs/part-NNNNNN.parquet (one per chunk), then the summaries.

Every file is written next to its target and renamed into place, so a reader (or a resumed sweep) never sees a
half-written part: a part either exists whole or not at all. The manifest pins what the parts belong to; resuming
into a folder whose manifest differs is refused rather than mixing two sweeps.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.outputs.files import atomic_write


class StoreError(Exception):
    """The output folder cannot be used as asked (exit 2)."""


def part_path(out: Path, chunk: int) -> Path:
    return out / "runs" / f"part-{chunk:06d}.parquet"


def chart_name(parameter: str) -> str:
    """The file of a parameter's flips chart (report.md links to it)."""
    return f"flips_{re.sub(r'[^A-Za-z0-9_.-]+', '_', parameter)}.png"


def phase_name(actor: str, x: str, y: str) -> str:
    """The file of an actor's two-parameter map."""
    return f"phase_{actor}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', x)}_by_{re.sub(r'[^A-Za-z0-9_.-]+', '_', y)}.png"


def write_part(out: Path, chunk: int, rows: list[dict[str, Any]]) -> None:
    """One chunk's rows as one parquet file. A failed point's row has only its parameters and its error, and
    pyarrow takes a table's columns from the first row alone: every row is given every row's columns, or a
    chunk that starts with a failed point would drop the other points' labels and outcomes."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    table = pa.Table.from_pylist([{k: row.get(k) for k in columns} for row in rows])
    atomic_write(part_path(out, chunk), lambda tmp: pq.write_table(table, tmp))


def done_chunks(out: Path) -> set[int]:
    """Chunks whose part is on disk and readable."""
    done = set()
    for path in (out / "runs").glob("part-*.parquet"):
        try:
            pq.read_metadata(path)
        except (OSError, pa.ArrowInvalid):
            continue
        done.add(int(path.stem.split("-")[1]))
    return done


def prepare(out: Path, manifest: dict[str, Any], resume: bool) -> set[int]:
    """Create or reopen `out`; return the chunks already done."""
    path = out / "manifest.json"
    if path.exists():
        old = json.loads(path.read_text())
        if not resume:
            raise StoreError(f"{out} already holds a sweep; add --resume to finish it, or choose another --out")
        keys = ("scenario_hash", "design", "names", "seed", "replications", "chunk_size", "points")
        changed = [k for k in keys if old.get(k) != manifest.get(k)]
        if old.get("versions", {}).get("geosim") != manifest["versions"]["geosim"]:
            changed.append("geosim version")
        if changed:
            raise StoreError(f"{out} holds a different sweep ({', '.join(changed)} differ); "
                             "it cannot be resumed with these settings")
        for leftover in (out / "runs").glob(".part-*.parquet"):  # a part being written when the sweep died
            leftover.unlink()
        return done_chunks(out)
    if resume:
        raise StoreError(f"nothing to resume in {out}: no manifest.json")
    if (out / "runs").exists() and any((out / "runs").iterdir()):
        raise StoreError(f"{out}/runs is not empty but there is no manifest; choose another --out")
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2) + "\n"))
    return set()


def read_runs(out: Path) -> pa.Table:
    """All parts, in point and replicate order."""
    parts = sorted((out / "runs").glob("part-*.parquet"))
    tables = [pq.read_table(p) for p in parts]
    table = pa.concat_tables(tables, promote_options="default") if tables else pa.table({})
    return table.sort_by([("point", "ascending"), ("replicate", "ascending")]) if tables else table
