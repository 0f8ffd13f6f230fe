"""How long one run of the seed scenario takes: event run plus its counterfactual twin, 60 months, 18 actors.

    uv run python benchmarks/bench_single_run.py [--repeat 20]

Prints the median wall time of: calibration (once per scenario), one pair through the batch engine, one pair
through the Mesa model (agents, DataCollector), and their ratio. Medians over repeats, so a noisy machine shows
in the spread, not in the figure.
"""

from __future__ import annotations

from sim import tuning

# ruff: noqa: E402 (the imports below must come after this)
tuning.tune()  # as the command line does, before numpy loads: one BLAS thread, freed memory kept for reuse

import argparse
import statistics
import time
from pathlib import Path

from sim.model import kernel
from sim.model.engine import simulate
from sim.model.mesa_model import ReactionModel
from sim.model.params import compile_scenario
from sim.scenario import load_scenario

SEED = Path(__file__).resolve().parent.parent / "scenarios" / "us_india_defense_framework_2025.yaml"


def timed(f, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    params = compile_scenario(load_scenario(SEED))
    basis = kernel.basis(params)

    def engine_pair() -> None:
        simulate(params, [(1, 0, 0, 0)], True, basis=basis)
        simulate(params, [(1, 0, 0, 0)], False, basis=basis)

    def mesa_pair() -> None:
        for with_events in (True, False):
            model = ReactionModel(params, (1, 0, 0, 0), with_events)
            while model.running:
                model.step()

    calib = timed(lambda: kernel.calibrate(params), args.repeat)
    engine = timed(engine_pair, args.repeat)
    mesa = timed(mesa_pair, max(3, args.repeat // 4))
    print(f"actors {params.n}, steps {params.steps}, repeats {args.repeat}")
    for name, xs in (("calibration", calib), ("engine pair", engine), ("mesa pair", mesa)):
        print(f"{name:<12} median {statistics.median(xs) * 1000:8.1f} ms  (min {min(xs) * 1000:.1f}, "
              f"max {max(xs) * 1000:.1f})")
    print(f"one run pair, calibration included: {(statistics.median(calib) + statistics.median(engine)):.3f} s")
    print(f"mesa / engine time ratio: {statistics.median(mesa) / statistics.median(engine):.1f}")


if __name__ == "__main__":
    main()
