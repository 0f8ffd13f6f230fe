"""How long a class waits for the dashboard: seconds from the command to the page's first answer.

    uv run python benchmarks/bench_dashboard.py [--repeat 5]

Starts `run_sim.py dashboard` on the seed scenario, offline (the page's assets come from the installed package),
asks for the page until it answers, and stops the server; prints each time and the median. A speed figure, not a
test: the test suite only guards against a server that never answers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
DEAD = "http://127.0.0.1:9"  # nothing listens there: a request that leaves this machine fails at once


def once() -> float:
    env = {**os.environ, "SOLARA_ASSETS_CDN": DEAD + "/npm/", "NO_PROXY": "127.0.0.1,localhost",
           **{k: DEAD for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), "dashboard", str(SEED), "--port", "0"],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if " is at " not in line:
            sys.exit(f"the dashboard did not start: {line!r}")
        url = line.split(" is at ")[1].split()[0]
        while time.monotonic() - start < 120:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        return time.monotonic() - start
            except OSError:
                time.sleep(0.05)
        sys.exit("no answer within 120 s")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    times = [once() for _ in range(args.repeat)]
    print("seconds to the first answer: " + ", ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s over {args.repeat} starts (cpus: {os.cpu_count()})")


if __name__ == "__main__":
    main()
