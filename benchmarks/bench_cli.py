"""How long a student waits for a run of the seed: with the charts (the default) and without them.

    uv run python benchmarks/bench_cli.py [--repeat 5]

Times the README's command, `uv run run_sim.py run <seed>`, as a student types it (uv's own start-up included),
and the same with `--no-charts`, alternating the two so that a busy moment of the machine falls on both. Prints
the medians, the default/no-charts ratio (the classroom target is at most 1.5), the median of the ratios of the
pairs run back to back (steadier on a shared machine) and the no-charts time (target: under a second), then the
same through this interpreter alone, without uv. Each command writes into a fresh
temporary folder. Python writes its bytecode caches as it does on a student's machine, even where the environment
asks it not to (PYTHONDONTWRITEBYTECODE), so a run never pays for compiling geosim's sources again.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "scenarios/us_india_defense_framework_2025.yaml"


def once(launcher: list[str], extra: list[str], env: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        command = [*launcher, "run_sim.py", "run", SEED, "--quiet", "--out", str(Path(tmp) / "out"), *extra]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return took


def compare(launcher: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float, float]:
    """The medians of each, and the median of the ratios of each pair run back to back: a shared VM's speed
    drifts by a quarter within a minute, and a pair sees the same speed."""
    once(launcher, [], env)  # caches warm: bytecode, the page cache, uv's environment check
    once(launcher, ["--no-charts"], env)
    default, bare = [], []
    for _ in range(repeat):
        default.append(once(launcher, [], env))
        bare.append(once(launcher, ["--no-charts"], env))
    pairs = statistics.median(d / b for d, b in zip(default, bare, strict=True))
    return statistics.median(default), statistics.median(bare), pairs


def cpu() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each command (default 5)")
    ap.add_argument("--python-only", action="store_true", help="time through this interpreter only, not uv")
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {cpu()}, {cores} cores, {platform.system()}, Python {platform.python_version()}; "
          f"medians of {args.repeat}")
    launchers = ([("uv run", ["uv", "run"])] if shutil.which("uv") else []) + [("python", [sys.executable])]
    if args.python_only:
        launchers = launchers[-1:]
    for name, launcher in launchers:
        default, bare, pairs = compare(launcher, args.repeat, env)
        print(f"{name:>7}: default {default:.2f} s, --no-charts {bare:.2f} s, ratio {default / bare:.2f} "
              f"(median of the pairs' ratios {pairs:.2f}; target <= 1.5); no-charts {'under' if bare < 1 else 'OVER'}"
              " 1 s")


if __name__ == "__main__":
    main()
