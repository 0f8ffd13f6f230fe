"""How long a student's phone waits for 'received' when the whole class submits at once.

    uv run python benchmarks/bench_seminar.py [--students 25] [--rounds 5]

Starts `run_sim.py seminar` on a history episode (127.0.0.1, a fresh round file each round), lets the students
join, opens predictions, then sends every student's predictions at the same moment, one thread per student, and
times each answer. Prints the median, the 95th percentile (the classroom target: under 200 ms) and the slowest,
over all rounds. A speed figure, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPISODE = "2019_india_airstrike_on_balakot"
ASKED = ("PAK", "USA", "CHN", "RUS", "SAU", "ARE")


def call(url: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(url, None if body is None else json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def one_round(students: int, folder: Path) -> list[float]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), "seminar", EPISODE, "--host", "127.0.0.1",
                             "--port", "0", "--round", str(folder / "round.sqlite"), "--students", str(students),
                             "--actors", ",".join(ASKED)], cwd=folder, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        text = "".join(proc.stdout.readline() for _ in range(4)) if proc.stdout else ""
        base = re.search(r"http://127\.0\.0\.1:\d+", text)
        secret = re.search(r"/teach/(\S+)", text)
        if not (base and secret):
            sys.exit(f"the seminar did not start:\n{text}")
        for _ in range(100):
            try:
                call(f"{base.group(0)}/api/state")
                break
            except OSError:
                time.sleep(0.05)
        ids = [call(f"{base.group(0)}/api/join", {})["student"] for _ in range(students)]
        call(f"{base.group(0)}/api/teach/{secret.group(1)}/phase", {"phase": "open"})
        answers = {a: {"words": "neutral", "deeds": "keeps", "reason": "a reason of a few words"} for a in ASKED}
        start = threading.Barrier(students)
        times: list[float] = []

        def submit(student: str) -> None:
            start.wait()
            t0 = time.perf_counter()
            assert call(f"{base.group(0)}/api/predict", {"student": student, "answers": answers})["received"]
            times.append(time.perf_counter() - t0)

        threads = [threading.Thread(target=submit, args=(s,)) for s in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return times
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=25)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    times: list[float] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            times += one_round(args.students, Path(tmp))
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{args.students} students submitting at once, {args.rounds} rounds ({len(times)} submissions), "
          f"{cores} cores")
    print(f"median {1000 * statistics.median(times):.0f} ms, 95th percentile {1000 * p95:.0f} ms (target: under "
          f"200 ms), slowest {1000 * times[-1]:.0f} ms")


if __name__ == "__main__":
    main()
