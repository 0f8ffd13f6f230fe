"""The sweep engine against mesa.batch_run on the same runs, and how both scale.

    uv run python benchmarks/bench_sweep.py [--json] [--quick]

1. The same small sweep of the seed scenario (4 points x 24 replicates, with events, 60 months: the 96 runs of one
   sweep chunk) through `mesa.batch_run` over the Mesa model and through the batch engine, in one process. The
   engine runs them as one batch, recording interests over the measured window as a sweep chunk does; the Mesa
   model records every agent's utility every step. Both include their calibration. The final states must agree
   to the last bit; prints run-steps per second for each and their ratio (per core), medians of --repeats.
2. Time and peak memory of a whole sweep (chunks streamed to parquet, summaries; charts, a fixed one-off cost,
   left out) at 1x, 3x and 10x its size; linear growth shows as the same time per extra run between sizes.
3. Time per run-step and peak memory of the engine at 18, 60 and 200 actors on a generated scenario, in the
   batch a sweep of 8 replicates would give it (fewer runs per chunk as actors grow, sim.sweep.points_per_chunk).

Memory is measured with tracemalloc (numpy's allocations included), time with perf_counter (in a separate call,
as tracing slows allocation), in this process.
"""

from __future__ import annotations

from sim import tuning

# ruff: noqa: E402 (the imports below must come after this)
tuning.tune()  # as the command line does, before numpy loads: one BLAS thread, freed memory kept for reuse

import argparse
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.concepts.interests import names as interest_names
from sim.model import kernel
from sim.model.engine import simulate
from sim.model.mesa_model import ReactionModel
from sim.model.params import Params, compile_scenario, stack
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario, Sweep
from sim.sweep import RUNS_PER_CHUNK, points_per_chunk
from sim.sweep.design import parse_param
from sim.sweep.run import plan, run_sweep

SEED = Path(__file__).resolve().parent.parent / "scenarios" / "us_india_defense_framework_2025.yaml"
VALUES = (0.3, 0.45, 0.6, 0.75)  # model.reciprocity at the four points
_POINTS: dict[int, Params] = {}


class SweptModel(ReactionModel):
    """The Mesa model as mesa.batch_run wants it: keyword parameters in, `rng` is the replicate."""

    def __init__(self, point: int = 0, rng: int = 0) -> None:
        super().__init__(_POINTS[point], key=(1, point, int(rng), 0), with_events=True)


def mesa_vs_engine(replicates: int, repeats: int) -> dict[str, Any]:
    """Times both paths `repeats` times, in turn (so that a drift in the machine's speed hits both), and reports
    the medians; the ratio is the median of the per-repeat ratios."""
    for k, v in enumerate(VALUES):
        _POINTS[k] = compile_scenario(load_scenario(SEED, [f"model.reciprocity={v}"]))
    steps = _POINTS[0].steps
    runs = len(VALUES) * replicates
    window = load_scenario(SEED).model.labels.months(steps)  # a sweep records interests over the measured window
    SweptModel(0, 0).run_for(2)  # warm both paths up (imports, allocator), outside the timing
    simulate(_POINTS[0], [(0, 0, 0, 0)], True)

    def through_mesa() -> dict[tuple[int, int], float]:
        results = mesa.batch_run(SweptModel, parameters={"point": list(range(len(VALUES)))},
                                 rng=list(range(replicates)), max_steps=steps, number_processes=1,
                                 data_collection_period=-1, display_progress=False)
        return {(row["point"], row["rng"]): row["mean_posture"] for row in results if row["Step"] == steps}

    def through_engine() -> dict[tuple[int, int], float]:
        points = stack([_POINTS[k] for k in range(len(VALUES))])
        basis = kernel.basis(points)
        keys = [(1, k, r, 0) for k in range(len(VALUES)) for r in range(replicates)]
        batch = simulate(points.repeat_each(replicates), keys, True, basis=basis, record_from=steps + 1 - window)
        return {(k, r): float(batch.posture[k * replicates + r, -1].mean())
                for k in range(len(VALUES)) for r in range(replicates)}

    mesa_s, engine_s, agree = [], [], True
    for _ in range(repeats):
        for f, times in ((through_mesa, mesa_s), (through_engine, engine_s)):
            t0 = time.perf_counter()
            final = f()
            times.append(time.perf_counter() - t0)
            if f is through_mesa:
                mesa_final = final
        agree = agree and len(mesa_final) == runs and mesa_final == final
    return {
        "runs": runs, "steps": steps, "repeats": repeats, "identical": agree,
        "mesa_seconds": float(np.median(mesa_s)), "engine_seconds": float(np.median(engine_s)),
        "mesa_run_steps_per_s": runs * steps / float(np.median(mesa_s)),
        "engine_run_steps_per_s": runs * steps / float(np.median(engine_s)),
        "ratio": float(np.median(np.array(mesa_s) / np.array(engine_s))),
    }


def measured(f: Callable[[int], object]) -> tuple[float, float]:
    """Seconds of f(0) and peak MiB of f(1): tracemalloc slows every allocation, so time and memory are taken
    from separate calls."""
    t0 = time.perf_counter()
    f(0)
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    f(1)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def sweep_scaling(points: int) -> dict[str, Any]:
    out = {}
    for factor in (1, 3, 10):
        spec = Sweep(design="grid", replications=8, seed=1,
                     params=[parse_param(f"model.reciprocity=0.2:0.8:{points * factor}")])
        the_plan = plan(SEED, [], spec, chunk_runs=64)
        with tempfile.TemporaryDirectory() as tmp:
            seconds, peak = measured(lambda k, p=the_plan, t=tmp: run_sweep(p, Path(t) / f"s{k}", "local", 1, None,
                                                                             False, charts=False))
        out[f"{factor}x"] = {"runs": points * factor * 8, "seconds": seconds, "peak_mib": peak}
    out["time_ratio_10x_over_1x"] = out["10x"]["seconds"] / out["1x"]["seconds"]
    for a, b in (("1x", "3x"), ("3x", "10x")):  # time per extra run: equal when time is linear in size
        extra = out[b]["seconds"] - out[a]["seconds"]
        out[f"ms_per_run_{a}_to_{b}"] = 1e3 * extra / (out[b]["runs"] - out[a]["runs"])
    out["memory_ratio_10x_over_1x"] = out["10x"]["peak_mib"] / out["1x"]["peak_mib"]
    return out


def generated(n: int, seed: int = 0) -> Scenario:
    """A scenario of n actors with random but plausible figures, and one event between the first two."""
    rng = np.random.default_rng(seed)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [letters[i // 26 // 26 % 26] + letters[i // 26 % 26] + letters[i % 26] for i in range(n)]
    actors = {}
    for c in codes:
        weights = rng.dirichlet(np.ones(len(interest_names())))
        actors[c] = {
            "name": c, "military_expenditure": {"value": float(rng.lognormal(2, 1.2)), "source": "generated"},
            "gdp": {"value": float(rng.lognormal(0, 1)), "source": "generated"},
            "regime": {"value": float(rng.uniform()), "source": "generated"},
            "technology": {"value": float(rng.uniform(0.2, 1)), "source": "generated"},
            "interests": dict(zip(interest_names(), map(float, weights), strict=True)),
        }
    relations = []
    for i in range(n):
        for j in range(i + 1, n):
            if rng.uniform() < min(1.0, 8 / n):
                relations.append({"between": [codes[i], codes[j]], "alignment": float(rng.uniform(-0.6, 0.8)),
                                  "proximity": float(rng.uniform()), "source": "generated"})
    trade = [{"of": c, "shares": {d: 0.05 for d in rng.choice([x for x in codes if x != c], 5, replace=False)},
              "source": "generated"} for c in codes]
    event = {"name": "pact", "at": 2, "description": "a pact", "parties": codes[:2], "source": "generated",
             "effects": [{"alignment": {"between": codes[:2], "delta": 0.2}}]}
    return Scenario.model_validate({"name": f"generated_{n}", "title": f"{n} actors", "actors": actors,
                                    "relations": relations, "dependencies": {"trade": trade}, "events": [event],
                                    "model": {"steps": 10}, "run": {"replications": 8}})


def actor_scaling(sizes: tuple[int, ...], steps: int = 10) -> dict[str, Any]:
    """Each size runs the batch a sweep chunk of a 60-month scenario with 8 replicates would, for `steps` steps."""
    out = {}
    for n in sizes:
        params = compile_scenario(generated(n))
        batch = points_per_chunk(n, 60, 8, len(params.interests)) * 8
        row: dict[str, Any] = {"actors": n, "batch": batch}
        row["calibration_seconds"], row["calibration_peak_mib"] = measured(lambda _, p=params: kernel.calibrate(p))
        basis = kernel.basis(params)
        keys = [(1, 0, r, 0) for r in range(batch)]
        seconds, peak = measured(lambda _, p=params, b=basis, k=keys: simulate(p, k, True, basis=b,
                                                                               record_from=steps + 1))
        row["run_steps_per_s"] = batch * steps / seconds
        row["step_peak_mib"] = peak
        out[str(n)] = row
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke test, not a measurement)")
    ap.add_argument("--repeats", type=int, default=3, help="times each path is timed; medians are reported")
    args = ap.parse_args()
    result = mesa_vs_engine(replicates=2 if args.quick else RUNS_PER_CHUNK // len(VALUES),
                            repeats=1 if args.quick else args.repeats)
    result["sweep_scaling"] = sweep_scaling(points=2 if args.quick else 8)
    result["actor_scaling"] = actor_scaling((18, 60) if args.quick else (18, 60, 200))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"same {result['runs']} runs x {result['steps']} steps, identical final states: {result['identical']} "
          f"(medians of {result['repeats']})")
    print(f"  mesa.batch_run  {result['mesa_run_steps_per_s']:10.0f} run-steps/s  ({result['mesa_seconds']:.2f} s)")
    print(f"  geosim engine   {result['engine_run_steps_per_s']:10.0f} run-steps/s  ({result['engine_seconds']:.2f} s)")
    print(f"  ratio (per core): {result['ratio']:.1f}x")
    s = result["sweep_scaling"]
    for k in ("1x", "3x", "10x"):
        print(f"sweep {k:>3}: {s[k]['runs']:5d} runs  {s[k]['seconds']:7.2f} s  peak {s[k]['peak_mib']:7.1f} MiB")
    print(f"  time per extra run: {s['ms_per_run_1x_to_3x']:.1f} ms (1x to 3x), {s['ms_per_run_3x_to_10x']:.1f} ms "
          f"(3x to 10x); time 10x/1x = {s['time_ratio_10x_over_1x']:.1f} (a fixed start-up included), "
          f"peak memory 10x/1x = {s['memory_ratio_10x_over_1x']:.2f}")
    for n, row in result["actor_scaling"].items():
        cal = f"{row['calibration_seconds']:.2f} s (peak {row['calibration_peak_mib']:.0f} MiB)"
        print(f"{n:>4} actors, batch {row['batch']:2d}: {row['run_steps_per_s']:9.0f} run-steps/s, "
              f"step peak {row['step_peak_mib']:7.1f} MiB, "
              f"calibration {cal}")


if __name__ == "__main__":
    main()
