"""Run a scenario's replicates, each with its counterfactual twin, and measure the reactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from sim.measure.analysis import Reactions, measure, outcomes
from sim.model import kernel
from sim.model.engine import RunKey, Trajectory, simulate
from sim.model.params import Params, compile_scenario
from sim.scenario.schema import Scenario

CHUNK = 64  # runs per batch: large enough for numpy to pay off, small enough to keep memory flat


@dataclass
class Result:
    scenario: Scenario
    params: Params
    seed: int
    replications: int
    event: Trajectory
    twin: Trajectory
    reactions: Reactions
    outcomes: dict[str, dict[str, float]]
    stakes: np.ndarray  # (N,K)


def run(scenario: Scenario, progress: Callable[[int], None] | None = None) -> Result:
    """All replicates of `scenario` as its `run` block says; `progress` is called once per run-step."""
    params = compile_scenario(scenario)
    seed, reps = scenario.run.seed, scenario.run.replications
    keys: list[RunKey] = [(seed, 0, r, 0) for r in range(reps)]
    basis = kernel.basis(params)
    rules = scenario.model.labels
    window = rules.months(params.steps)
    first = params.steps + 1 - window
    event = _batched(params, keys, True, progress, basis, first)
    twin = _batched(params, keys, False, progress, basis, first)
    reactions = measure(params, event, twin, rules)
    return Result(scenario, params, seed, reps, event, twin, reactions,
                  outcomes(params, event, twin, window), basis.stakes[0])


def _batched(params: Params, keys: list[RunKey], with_events: bool,
             progress: Callable[[int], None] | None, basis: kernel.Basis, record_from: int) -> Trajectory:
    parts = [simulate(params, keys[i:i + CHUNK], with_events, progress, basis, record_from)
             for i in range(0, len(keys), CHUNK)]
    if len(parts) == 1:
        return parts[0]
    return Trajectory(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Trajectory)))
