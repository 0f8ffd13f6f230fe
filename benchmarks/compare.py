"""bench_sweep.py on this checkout against an earlier revision, on the same machine, in alternating rounds.

    uv run python benchmarks/compare.py REV [--rounds 2]

REV is checked out into a temporary git worktree and run with this checkout's environment (the dependencies are
the lock's), its own `sim` first on the path. The rounds alternate which revision goes first, so that a drift in
the machine's speed hits both. Prints each figure's median per revision and the ratio (above 1: this checkout
is faster, or for memory, smaller).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FASTER_IS_HIGHER = ("run-steps/s",)


def figures(result: dict[str, Any]) -> dict[str, float]:
    """The numbers worth comparing, flattened: speeds (higher is better) and times and memory (lower is)."""
    out = {"engine run-steps/s": result["engine_run_steps_per_s"],
           "mesa.batch_run run-steps/s": result["mesa_run_steps_per_s"]}
    for size, row in result["sweep_scaling"].items():
        if isinstance(row, dict):
            out[f"sweep {size} seconds"] = row["seconds"]
            out[f"sweep {size} peak MiB"] = row["peak_mib"]
    for n, row in result["actor_scaling"].items():
        out[f"{n} actors run-steps/s"] = row["run_steps_per_s"]
        out[f"{n} actors calibration seconds"] = row["calibration_seconds"]
    return out


def bench(tree: Path, quick: bool) -> dict[str, float]:
    # one BLAS thread for both, set before either loads numpy: up to 0.2.0, bench_sweep imported numpy before sim
    # set these, so its BLAS ran on every core and large scenarios looked faster than the command line runs them
    env = dict(os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, str(tree / "benchmarks" / "bench_sweep.py"), "--json", *(["--quick"] if quick else [])]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=True)
    return figures(json.loads(done.stdout))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="the revision to compare with, e.g. HEAD~5 or a commit")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each revision (alternating)")
    ap.add_argument("--quick", action="store_true", help="bench_sweep --quick (a smoke test, not a measurement)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(base), args.rev],
                       check=True)
        try:
            runs: dict[str, list[dict[str, float]]] = {"base": [], "head": []}
            for r in range(args.rounds):
                order = [("base", base), ("head", ROOT)] if r % 2 == 0 else [("head", ROOT), ("base", base)]
                for name, tree in order:
                    print(f"round {r + 1}: {name}", file=sys.stderr)
                    runs[name].append(bench(tree, args.quick))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=True)
    print(f"{'figure':<34} {args.rev:>12} {'this':>12} {'ratio':>7}  (median of {args.rounds}; ratio > 1: this is "
          "better)")
    for key in runs["head"][0]:
        old = statistics.median(r[key] for r in runs["base"])
        new = statistics.median(r[key] for r in runs["head"])
        ratio = new / old if key.endswith(FASTER_IS_HIGHER) else old / new
        print(f"{key:<34} {old:12.3f} {new:12.3f} {ratio:7.2f}")


if __name__ == "__main__":
    main()
