"""Run one chunk of a sweep: a few whole points, all their replicates, in one batch through the array engine.

A chunk is the unit of work an executor ships (to a process or a Dask worker) and the unit written to disk. It is
a pure function of its Job: the random numbers of a run depend only on (seed, point, replicate), so a chunk gives
the same rows whichever worker runs it and whatever else that worker ran before.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from sim.measure.analysis import measure, outcome_levels
from sim.model import kernel
from sim.model.engine import Trajectory, simulate
from sim.model.params import Params, compile_scenario, stack
from sim.scenario import ScenarioError, validate_dict
from sim.scenario.schema import LabelRules, Scenario


@dataclass(frozen=True)
class Job:
    file: str
    data: dict[str, Any]  # the scenario as parsed YAML, with any command-line overrides already applied
    names: tuple[str, ...]  # swept paths
    seed: int
    replications: int
    chunk: int
    points: tuple[tuple[int, tuple[float, ...]], ...]  # (point index, values)


def scenario_at(job: Job, values: tuple[float, ...]) -> Scenario:
    """The scenario with the swept paths set to `values`, checked like a file."""
    sets = [f"{name}={value!r}" for name, value in zip(job.names, values, strict=True)]
    return validate_dict(job.data, job.file, sets)


Good = tuple[int, tuple[float, ...], Scenario, Params]


def run_chunk(job: Job) -> list[dict[str, Any]]:
    """One row per run: point, replicate, parameter values, per-actor reaction and behaviour, outcomes, error."""
    rows: list[dict[str, Any]] = []
    good: list[Good] = []
    for point, values in job.points:
        try:
            scenario = scenario_at(job, values)
            good.append((point, values, scenario, compile_scenario(scenario)))
        except (ScenarioError, ValueError) as err:
            rows += _failed(job, point, values, str(err).splitlines()[0])
    if good:
        try:
            rows += _simulate(job, good)
        except ValueError as err:  # points that cannot share a batch (the plan should have refused them)
            for point, values, _, _ in good:
                rows += _failed(job, point, values, str(err))
    rows.sort(key=lambda r: (r["point"], r["replicate"]))
    return rows


def _failed(job: Job, point: int, values: tuple[float, ...], error: str) -> list[dict[str, Any]]:
    base = dict(zip(job.names, values, strict=True))
    return [{"point": point, "replicate": r, "error": error, **base} for r in range(job.replications)]


def _simulate(job: Job, good: list[Good]) -> list[dict[str, Any]]:
    reps = job.replications
    per_point = stack([g[3] for g in good])
    params = per_point.repeat_each(reps)
    basis = kernel.basis(per_point)
    keys = [(job.seed, g[0], r, 0) for g in good for r in range(reps)]
    first = params.steps + 1 - max(g[2].model.labels.months(params.steps) for g in good)
    with np.errstate(all="ignore"):
        event = simulate(params, keys, True, basis=basis, record_from=first)
        twin = simulate(params, keys, False, basis=basis, record_from=first)
    rows: list[dict[str, Any]] = []
    for k, (point, values, scenario, point_params) in enumerate(good):
        sl = slice(k * reps, (k + 1) * reps)
        parts = [_slice(t, sl) for t in (event, twin)]
        if not all(np.isfinite(t.alignment).all() and np.isfinite(t.interests).all() for t in parts):
            rows += _failed(job, point, values, "the model produced NaN or infinity at this point")
            continue
        rows += _rows(job, point, values, scenario.model.labels, point_params, *parts)
    return rows


def _slice(t: Trajectory, sl: slice) -> Trajectory:
    return Trajectory(*(getattr(t, f.name)[sl] for f in fields(Trajectory)))


def _rows(job: Job, point: int, values: tuple[float, ...], rules: LabelRules, params: Params,
          event: Trajectory, twin: Trajectory) -> list[dict[str, Any]]:
    r = measure(params, event, twin, rules)
    window = rules.months(params.steps)
    levels_e, levels_t = outcome_levels(params, event, window), outcome_levels(params, twin, window)
    valence = r.valence.sum(axis=2)
    out = []
    for rep in range(job.replications):
        row: dict[str, Any] = {"point": point, "replicate": rep, "error": None,
                               **dict(zip(job.names, values, strict=True))}
        for i, code in enumerate(params.codes):
            row[f"label.{code}"] = str(r.labels[rep, i])
            row[f"words.{code}"] = str(r.words[rep, i])
            row[f"deeds.{code}"] = str(r.deeds[rep, i])
            row[f"stance.{code}"] = float(r.stance[rep, i])
            row[f"posture.{code}"] = float(r.d_posture[rep, i])
            row[f"toward_parties.{code}"] = float(r.toward_parties[rep, i])
            row[f"valence.{code}"] = float(valence[rep, i])
        for name in levels_e:
            row[name] = float(levels_e[name][rep] - levels_t[name][rep])
        out.append(row)
    return out
