"""A whole sweep: design the points, cut them into chunks, run what is missing, write the tables and summary."""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.outputs.files import atomic_write
from sim.scenario import ScenarioError, load_scenario, validate_dict
from sim.scenario.names import readable
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import Sweep, fingerprint
from sim.scenario.yaml_file import read_yaml
from sim.sweep import analysis, points_per_chunk, report, store
from sim.sweep.chunk import Job
from sim.sweep.design import Design, build
from sim.sweep.execute import execute

FIXED = re.compile(r"^model\.steps$|^events\.[^.]+\.(at|name|parties)(\.|$)")


@dataclass(frozen=True)
class Plan:
    design: Design
    jobs: list[Job]
    manifest: dict[str, Any]


def plan(path: Path, overrides: list[str], spec: Sweep, chunk_runs: int | None = None) -> Plan:
    """Check the scenario (with overrides) and the sweep, and lay out the chunks of about `chunk_runs` runs
    (by default as many as fit the memory a chunk may use, at most RUNS_PER_CHUNK; whole points always)."""
    scenario = load_scenario(path, overrides)
    data, _ = read_yaml(path)
    if overrides:
        apply_overrides(data, overrides, str(path))
    design = build(spec)
    names = tuple(design.names)
    for name in names:
        if FIXED.search(name):
            raise ValueError(f"{name} cannot be swept: every point of a sweep shares one timeline "
                             "(model.steps and each event's date, name and parties)")
    for column, name in enumerate(names):
        _check_path(data, path, name, design.points[:, column])
    if chunk_runs is None:
        size = points_per_chunk(len(scenario.actors), scenario.model.steps, spec.replications,
                                len(scenario.interests))
    else:
        size = max(1, chunk_runs // spec.replications)
    points = [(i, tuple(float(v) for v in row)) for i, row in enumerate(design.points)]
    jobs = [Job(str(path), data, names, spec.seed, spec.replications, c, tuple(points[k:k + size]))
            for c, k in enumerate(range(0, len(points), size))]
    manifest = {
        "scenario": scenario.name,
        "scenario_file": str(path),
        "scenario_hash": fingerprint(scenario),
        "overrides": overrides,
        "design": design.kind,
        "names": list(names),
        "parameter_names": {name: readable(name, scenario) for name in names},
        "actor_names": {code: actor.name for code, actor in scenario.actors.items()},
        "problem": design.problem,
        "samples": spec.samples,
        "seed": spec.seed,
        "replications": spec.replications,
        "chunk_size": size,
        "points": design.points.tolist(),
        "versions": {"geosim": __version__, "numpy": np.__version__, "python": platform.python_version()},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return Plan(design, jobs, manifest)


def _check_path(data: dict[str, Any], path: Path, name: str, values: np.ndarray) -> None:
    """A path that does not exist, or names a field or interest the schema does not know, is a typo: refused
    before anything runs. A value the schema refuses (out of range) is only that point's failure; since a
    refused value hides whether the name is known, the lowest, middle and highest values are all tried."""
    for value in sorted({float(np.min(values)), float(np.median(values)), float(np.max(values))}):
        try:
            validate_dict(data, str(path), [f"{name}={value!r}"])
            return
        except ScenarioError as err:
            for problem in err.problems:
                text = problem.message
                message = text.split(": ", 1)[-1] if text.startswith("--set") else text
                if text.startswith("--set") or message.startswith("unknown "):
                    raise ValueError(f"--param {name}: {message}") from None


def run_sweep(plan_: Plan, out: Path, executor: str, workers: int, scheduler: str | None, resume: bool,
              progress: Callable[[int], None] | None = None, on_start: Callable[[int, int], None] | None = None,
              charts: bool = True) -> dict[str, Any]:
    done = store.prepare(out, plan_.manifest, resume)
    todo = [job for job in plan_.jobs if job.chunk not in done]
    reps = plan_.manifest["replications"]
    if on_start is not None:
        total = plan_.design.size * reps
        on_start(total, total - sum(len(j.points) for j in todo) * reps)

    def finished(job: Job, rows: list[dict[str, Any]]) -> None:
        store.write_part(out, job.chunk, rows)
        if progress is not None:
            progress(len(rows))

    execute(todo, executor, workers, scheduler, finished)
    return summarise(out, plan_, charts)


def summarise(out: Path, plan_: Plan, charts: bool = True) -> dict[str, Any]:
    runs = store.read_runs(out).to_pandas()
    names = plan_.manifest["names"]
    points = analysis.per_point(runs, names)
    atomic_write(out / "sweep_summary.parquet", lambda tmp: points.to_parquet(tmp, index=False))
    atomic_write(out / "sweep_summary.csv", lambda tmp: points.to_csv(tmp, index=False))
    design = {"kind": plan_.design.kind, "problem": plan_.design.problem, "size": plan_.design.size}
    actors = [c.split(".", 1)[1] for c in runs.columns if c.startswith("label.")]
    outcomes = [*analysis.OUTCOMES, *(f"posture.{a}" for a in actors), *(f"toward_parties.{a}" for a in actors)]
    failed = points[points["error"].notna()] if "error" in points else points.iloc[0:0]
    said = plan_.manifest.get("parameter_names", {})
    tips = analysis.tipping_points(points, names, grid=plan_.design.kind == "grid", readable=said)
    summary = {
        "scenario": plan_.manifest["scenario"],
        "scenario_hash": plan_.manifest["scenario_hash"],
        "design": plan_.design.kind,
        "parameters": names,
        "parameter_names": {n: said.get(n, n) for n in names},
        "actor_names": plan_.manifest.get("actor_names", {}),
        "points": plan_.design.size,
        "replications": plan_.manifest["replications"],
        "runs": len(runs),
        "failed_points": [{"point": int(r["point"]), "error": r["error"], **{n: float(r[n]) for n in names}}
                          for _, r in failed.iterrows()],
        "tipping_points": tips,
        "phase_maps": analysis.phase_pairs(points, names, tips, grid=plan_.design.kind == "grid"),
        "sensitivity_method": analysis.method_of(plan_.design.kind),
        "sensitivity": analysis.sensitivity(points, design, outcomes),
        "outcomes": report.outcome_ranges(points, names),
        "version": __version__,
    }
    atomic_write(out / "summary.json", lambda tmp: tmp.write_text(json.dumps(summary, indent=2) + "\n"))
    written: list[Path] = []
    if charts:
        from sim.sweep.charts import write_all

        written = write_all(points, summary, out)
    report.write_all(summary, plan_.manifest, out, [p.name for p in written])
    return summary
