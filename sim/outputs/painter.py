"""The charts of a run, drawn by processes that load matplotlib while the run is still simulating.

Loading matplotlib and its fonts costs about as much as drawing a chart, and the simulation runs on one core. So
`Painter` starts one process at once, before the scenario is even read: it imports the charts on the second
core while this one simulates. When the run is done it gets the result (one pickle), forks as many drawers as
there are cores, and each draws its share of the charts and says when each is written. The parent writes the
reports meanwhile and waits only for the charts a report shows.

This module imports no matplotlib: the parent never pays for it. Where fork is not how processes start (Windows,
macOS), or not safe (a process already running threads, such as a test runner's), or there is one core, the
charts are drawn here, one after another.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.measure.experiment import Result

# in the order the reports show them. A default run draws the handout's two, so that a class re-running a variant
# waits little longer than for the numbers (benchmarks/bench_cli.py); the others on request (--all-charts)
HANDOUT = ("reactions.png", "drivers.png")
MORE = ("network.png", "trajectories.png")
COST = {"drivers.png": 3, "trajectories.png": 2, "reactions.png": 2, "network.png": 2}  # about; an actor's is 1


class ChartError(RuntimeError):
    """A chart failed in a drawing process; the message holds that process's traceback."""


def jobs(codes: Iterable[str], every: bool) -> list[tuple[str, int]]:
    """The charts of a run as (file, actor index, or -1 for a chart of the whole run), in the reports' order: the
    handout's, or `every` chart (with one per actor)."""
    return [*((name, -1) for name in HANDOUT + (MORE if every else ())),
            *(((f"actors/{code}.png", i) for i, code in enumerate(codes)) if every else ())]


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def threads() -> int:
    """This process's threads, as the kernel counts them: a library's own threads (a thread pool in C) count too."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class Painter:
    """Start it first thing; `draw` the run's charts when the run is done. A context manager: on leaving, every
    drawing process is gone, and so is any chart a stopped process was halfway through."""

    def __init__(self, workers: int | None = None) -> None:
        # a drawer per core and one more: the parent only waits while they draw, and three charts on two cores end
        # sooner in three processes than two (two charts, then one)
        self.workers = max(1, workers or cores() + 1)
        self.process: mp.process.BaseProcess | None = None
        self.orders: Connection | None = None
        self.news: list[Connection] = []
        if self.workers > 1 and cores() > 1 and sys.platform == "linux" and threads() == 1:
            ctx = mp.get_context("fork")
            orders_in, self.orders = ctx.Pipe(duplex=False)
            pipes = [ctx.Pipe(duplex=False) for _ in range(self.workers)]
            self.process = ctx.Process(target=_serve, args=(orders_in, [w for _, w in pipes]), daemon=True)
            self.process.start()
            orders_in.close()
            for _, w in pipes:  # the drawers hold the writing ends: a drawer that dies is an end of file here
                w.close()
            self.news = [r for r, _ in pipes]
        self.drawing: Drawing | None = None

    @property
    def forked(self) -> bool:
        return self.process is not None

    def draw(self, result: Result, out: Path, every: bool = False) -> Drawing:
        """Draw the handout's charts of `result` into `out` (or `every` chart); in other processes, if this one
        started them."""
        self.drawing = Drawing(self, result, out, jobs(result.params.codes, every))
        return self.drawing

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.drawing is not None and kind is None:
            try:
                self.drawing.wait()
            except BaseException:
                self.stop()
                raise
        self.stop(finished=kind is None and self.drawing is not None)

    def stop(self, finished: bool = False) -> None:
        """End the drawing processes: they are done (`finished`), or killed along with what they were writing."""
        if self.process is None:
            return
        if not finished:
            if self.drawing is not None:
                self.drawing.listen()  # the drawers' pids, if they have said them
                for pid in self.drawing.pids:
                    _kill(pid)
            self.process.kill()
        elif self.drawing is None and self.orders is not None:
            self.orders.send(None)
        self.process.join()
        if self.orders is not None:
            self.orders.close()
        for r in self.news:
            r.close()
        self.process, self.orders, self.news = None, None, []
        if not finished and self.drawing is not None:
            self.drawing.tidy()


class Drawing:
    """The charts being drawn: `wait` for some (the reports call it before they read a chart), `files` to list
    them. A chart that failed raises ChartError in `wait`."""

    def __init__(self, painter: Painter, result: Result, out: Path, charts: list[tuple[str, int]]) -> None:
        self.out, self.jobs = out, charts
        self.done: set[str] = set()
        self.pids: list[int] = []
        self.arrived: Callable[[str], None] | None = None  # told of each chart drawn, while the others still draw
        self.news = painter.news
        if any(i >= 0 for _, i in charts):
            (out / "actors").mkdir(parents=True, exist_ok=True)
        self.sending: threading.Thread | None = None
        self.here: Result | None = None
        if painter.orders is not None:
            # sent from a thread: the pipe holds 64 KiB, and the drawing process may still be loading matplotlib
            order = (_lightened(result, charts), out, charts, painter.workers)
            self.sending = threading.Thread(target=painter.orders.send, args=(order,), daemon=True)
            self.sending.start()
        else:  # drawn here, each when first waited for: what is written before a chart fails stays written
            self.here = result

    @property
    def forked(self) -> bool:
        return bool(self.news)

    def files(self) -> list[Path]:
        return [self.out / name for name, _ in self.jobs]

    def wait(self, names: Iterable[str] | None = None) -> None:
        wanted = {name for name, _ in self.jobs} if names is None else set(names) & {n for n, _ in self.jobs}
        if self.sending is not None and not wanted <= self.done:
            self.sending.join()
        for job in self.jobs if self.here is not None else ():
            if job[0] in wanted and job[0] not in self.done:
                try:
                    draw_one(self.here, self.out, job)
                except Exception:
                    self._heard(("failed", job[0], traceback.format_exc()))
                self.done.add(job[0])
        open_ = list(self.news)
        while not wanted <= self.done:
            if not open_:
                raise ChartError(f"the drawing processes ended before drawing {', '.join(sorted(wanted - self.done))}")
            for conn in wait(open_):
                try:
                    news: tuple[Any, ...] = conn.recv()  # type: ignore[union-attr]
                except EOFError:
                    open_.remove(conn)  # type: ignore[arg-type]
                    continue
                self._heard(news)

    def listen(self) -> None:
        """Read what the drawers have said so far, without waiting (they are being stopped: a failure is moot)."""
        for conn in self.news:
            try:
                while conn.poll(0):
                    self._heard(conn.recv(), stopping=True)
            except (EOFError, OSError):
                continue

    def _heard(self, news: tuple[Any, ...], stopping: bool = False) -> None:
        """One message from a drawer: its pid, a chart drawn, or a chart that failed (raised, unless stopping)."""
        if news[0] == "pid":
            self.pids.append(news[1])
        elif news[0] == "done":
            self.done.add(news[1])
            if not stopping and self.arrived is not None and len(self.done) < len(self.jobs):
                self.arrived(news[1])  # the last is not announced: nothing draws beside it any more
        elif not stopping:
            raise ChartError(f"drawing {news[1]} failed:\n{news[2]}")

    def tidy(self) -> None:
        """Remove the charts a killed drawer was halfway through (atomic_write's hidden files)."""
        for name, _ in self.jobs:
            path = self.out / name
            for part in path.parent.glob(f".{path.stem}.*{path.suffix}"):
                part.unlink(missing_ok=True)


def _lightened(result: Result, charts: list[tuple[str, int]]) -> Result:
    """The run without its month-by-month trajectories (nine tenths of its bytes) when no chart to draw reads them:
    the drawing process gets it sooner."""
    if any(name == "trajectories.png" or i >= 0 for name, i in charts):
        return result
    return replace(result, event=None, twin=None)  # type: ignore[arg-type]


def draw_one(result: Result, out: Path, job: tuple[str, int]) -> None:
    from sim.outputs import charts

    charts.draw(result, out, job)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _serve(orders: Connection, news: list[Connection]) -> None:
    """The drawing process: load the charts, wait for the run, fork a drawer per core and draw a share here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    from sim.outputs import charts

    charts.warm_up()
    order = orders.recv()
    if order is None:
        return
    result, out, jobs_, workers = order
    ctx = mp.get_context("fork")
    queue = _Queue(ctx, sorted(jobs_, key=lambda job: -COST.get(job[0], 1)))  # the longest first: they end together
    children = []
    for k in range(1, workers):
        pid = os.fork()
        if pid == 0:
            _die_with(os.getppid())
            _draw_share(result, out, queue, news[k])
            os._exit(0)
        children.append(pid)
    _draw_share(result, out, queue, news[0])
    for pid in children:
        os.waitpid(pid, 0)


def _die_with(parent: int) -> None:
    """Be killed when the drawing process that forked us dies (Linux's parent-death signal), so that stopping it
    stops every drawer, even one that has not yet said its pid."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


class _Queue:
    """The charts still to draw, shared by the drawers (forked from one process): each takes the next when it is
    free, so a slow chart does not hold up the charts queued behind it."""

    def __init__(self, ctx: Any, jobs_: list[tuple[str, int]]) -> None:
        self.jobs, self.lock, self.next = jobs_, ctx.Lock(), ctx.RawValue("i", 0)

    def take(self) -> tuple[str, int] | None:
        with self.lock:
            k = self.next.value
            self.next.value = k + 1
        return self.jobs[k] if k < len(self.jobs) else None


def _draw_share(result: Result, out: Path, queue: _Queue, news: Connection) -> None:
    news.send(("pid", os.getpid()))
    while (job := queue.take()) is not None:
        try:
            draw_one(result, out, job)
        except Exception:
            news.send(("failed", job[0], traceback.format_exc()))
            return
        news.send(("done", job[0]))
