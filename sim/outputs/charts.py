"""Figures that read at slide size: the reactions at a glance, what drove them, and how they unfolded."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Iterable
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim.concepts.labels import COLOURS as LABEL_COLOURS
from sim.concepts.labels import LABELS
from sim.measure.analysis import moved_ties
from sim.measure.experiment import Result
from sim.outputs.files import atomic_write
from sim.outputs.style import styled

GAIN, LOSS = "#3a7dbf", "#d1493f"
GAIN_TIE = "#3f9b5a"
PNG = {"compress_level": 3}  # zlib's fastest levels cost a few % in size and save a third of the writing time


def wrap(title: str, width: int = 70) -> str:
    """A title on as many lines as it needs: a long one must not push the axes into a corner."""
    return textwrap.fill(title, width)


def _order(result: Result) -> list[int]:
    r = result.reactions
    return sorted(range(result.params.n), key=lambda i: (LABELS.index(r.modal(i)), -r.share(i)[r.modal(i)]))


@styled
def reactions(result: Result, path: Path) -> None:
    """Every actor's label, as the share of replicates that gave it."""
    r, p = result.reactions, result.params
    order = _order(result)[::-1]
    names = {c: a.name for c, a in result.scenario.actors.items()}
    fig, ax = plt.subplots(figsize=(11, 0.42 * p.n + 1.8))
    for row, i in enumerate(order):
        left = 0.0
        for label in LABELS:
            share = r.share(i).get(label, 0.0)
            if share:
                ax.barh(row, share, left=left, color=LABEL_COLOURS[label], edgecolor="white", height=0.8)
                if share >= 0.18:
                    ax.text(left + share / 2, row, label, ha="center", va="center", fontsize=10,
                            color="black")
                left += share
    ax.set_yticks(range(len(order)), [f"{names[p.codes[i]]} ({p.codes[i]})" +
                                      (" *" if i in r.parties else "") for i in order])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of replicates")
    ax.set_title(wrap(f"Reactions to: {result.scenario.title}"), loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=LABEL_COLOURS[k]) for k in LABELS]
    ax.legend(handles, LABELS, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.07 - 1.2 / (p.n + 4)),
              frameon=False)
    fig.text(0.01, 0.005, f"* party to the event.  {result.replications} replicates, seed {result.seed}.",
             fontsize=9, color="#555")
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight", pil_kwargs=PNG)
    plt.close(fig)


@styled
def drivers(result: Result, path: Path) -> None:
    """Why: the immediate change of each actor's interests when the events struck, interest by interest. A table
    of numbers coloured by sign and size: stacked bars of very unequal sizes (a party gains 0.8, a bystander
    0.001) can be read on no single axis, linear or logarithmic."""
    r, p = result.reactions, result.params
    order = _order(result)
    val = r.valence.mean(axis=0)[order]  # (N,K)
    total = val.sum(axis=1, keepdims=True)
    grid = np.hstack([val, total])
    cap = float(np.percentile(np.abs(grid), 90)) or 1.0
    fig, ax = plt.subplots(figsize=(11, 0.42 * p.n + 2.2))
    ax.imshow(np.clip(grid / cap, -1, 1), cmap="RdBu", vmin=-1.6, vmax=1.6, aspect="auto")
    for (row, col), v in np.ndenumerate(grid):
        ax.text(col, row, "0" if abs(v) < 0.0005 else f"{v:+.3f}", ha="center", va="center", fontsize=10,
                color="white" if abs(v) > 1.1 * cap else "black", fontweight="bold" if col == grid.shape[1] - 1
                else "normal")
    ax.axvline(grid.shape[1] - 1.5, color="white", lw=4)
    ax.set_xticks(range(grid.shape[1]), [*r.interests, "total"])
    ax.xaxis.tick_top()
    ax.set_yticks(range(p.n), [f"{p.codes[i]} ({r.modal(i)})" for i in order])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(wrap("What the events did to each actor's interests at impact"), loc="left", pad=34)
    fig.text(0.01, 0.005, wrap("Change of weighted utility the moment the events struck, before anyone reacted, in "
                               "units of the actor's own starting stake; blue gains, red losses.", 110),
             fontsize=9.5, color="#555")
    fig.tight_layout(rect=(0, 0.045, 1, 1))
    fig.savefig(path, pil_kwargs=PNG)
    plt.close(fig)


def _band(ax: plt.Axes, d: np.ndarray, colour: str, label: str) -> None:
    t = np.arange(d.shape[1])
    lo, hi = np.percentile(d, [2.5, 97.5], axis=0)
    ax.fill_between(t, lo, hi, color=colour, alpha=0.2, lw=0)
    ax.plot(t, d.mean(axis=0), color=colour, lw=2, label=label)


def _events(ax: plt.Axes, result: Result) -> None:
    for e in result.params.events:
        ax.axvline(e.at, color="#999", lw=0.8, ls=":")


@styled
def trajectories(result: Result, path: Path, top: int = 6) -> None:
    """How the largest reactions unfolded: event-minus-twin difference, mean and 95% band over replicates."""
    r, p = result.reactions, result.params
    ev, tw = result.event, result.twin
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
    arming = [int(i) for i in np.argsort(-np.abs(r.d_posture.mean(axis=0)))[:top]]
    non_parties = [i for i in range(p.n) if i not in r.parties]
    aligning = sorted(non_parties, key=lambda i: -abs(r.toward_parties[:, i].mean()))[:top] if r.parties else []
    palette = [*plt.cm.tab10(np.arange(10)), *plt.cm.tab20(np.arange(1, 20, 2))]  # the strong ten first
    colour = {i: palette[k % 20] for k, i in enumerate(dict.fromkeys(arming + aligning))}  # one colour per actor
    for i in arming:
        _band(axes[0], ev.posture[:, :, i] - tw.posture[:, :, i], colour[i], p.codes[i])
    axes[0].set_title("Posture: with events minus without", loc="left")
    axes[0].set_xlabel("month (dotted: events)")
    axes[0].legend(frameon=False, fontsize=10)
    for i in aligning:
        d = ev.alignment[:, :, i, list(r.parties)] - tw.alignment[:, :, i, list(r.parties)]
        _band(axes[1], d.mean(axis=-1), colour[i], p.codes[i])
    parties = "-".join(p.codes[i] for i in r.parties) or "no events"
    axes[1].set_title(f"Alignment toward the parties ({parties})", loc="left")
    axes[1].set_xlabel("month (dotted: events)")
    if aligning:
        axes[1].legend(frameon=False, fontsize=10)
    for ax in axes:
        ax.axhline(0, color="black", lw=0.6)
        _events(ax, result)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight", pil_kwargs=PNG)
    plt.close(fig)


@styled
def actor(result: Result, i: int, path: Path) -> None:
    """One actor's reaction, for a slide: what the events did to its interests, and what it did over time."""
    r, p = result.reactions, result.params
    name = result.scenario.actors[p.codes[i]].name
    fig, axes = plt.subplots(1, 2, figsize=(13, 6.2), gridspec_kw={"width_ratios": [1, 1.35]})
    with plt.rc_context({"font.size": 14}):
        val = r.valence[:, i].mean(axis=0)
        colours = [GAIN if v >= 0 else LOSS for v in val]
        axes[0].barh(r.interests, val, color=colours)
        for k, v in enumerate(val):
            axes[0].annotate(f"{v:+.3f}", (v, k), xytext=(6 if v >= 0 else -6, 0), textcoords="offset points",
                             ha="left" if v >= 0 else "right", va="center", fontsize=12)
        lim = max(float(np.abs(val).max()), 1e-3) * 1.7
        axes[0].set_xlim(-lim, lim)
        axes[0].axvline(0, color="black", lw=0.8)
        axes[0].invert_yaxis()
        axes[0].set_title("What the events did to its interests", loc="left", fontsize=15)
        axes[0].set_xlabel("at impact, in its own stake units")
        moves = r.d_alignment[:, i].mean(axis=0)
        biggest = [j for j in np.argsort(-np.abs(moves)) if j != i][:5]
        palette = plt.cm.tab10(np.arange(len(biggest)))
        for c, j in zip(palette, biggest, strict=False):
            _band(axes[1], result.event.alignment[:, :, i, j] - result.twin.alignment[:, :, i, j], c,
                  f"alignment to {p.codes[j]}")
        _band(axes[1], result.event.posture[:, :, i] - result.twin.posture[:, :, i], "black", "posture")
        axes[1].axhline(0, color="black", lw=0.6)
        _events(axes[1], result)
        axes[1].set_title("What it did (with events minus without)", loc="left", fontsize=15)
        axes[1].set_xlabel("month (dotted: events)")
        axes[1].legend(frameon=False, fontsize=12, loc="center left", bbox_to_anchor=(1.0, 0.5))
        share = r.share(i)
        rest = ", ".join(f"{k} {v:.0%}" for k, v in share.items() if k != r.modal(i))
        fig.suptitle(wrap(f"{name} ({p.codes[i]}): {r.modal(i)} in {share[r.modal(i)]:.0%} of runs"
                          + (f" ({rest})" if rest else ""), 80), x=0.01, ha="left", fontsize=18, fontweight="bold")
        fig.subplots_adjust(left=0.11, right=0.83, top=0.83, bottom=0.11, wspace=0.3)  # no tight_layout: 18 of these
        fig.savefig(path, pil_kwargs=PNG)
    plt.close(fig)


SHOWN_MOVES = 8  # the largest moves are also listed, with their numbers, under the chart


@styled
def network(result: Result, path: Path) -> None:
    """Who moved toward whom: an arrow from A to B is A's alignment with B, with the events minus without, for
    every tie the events moved beyond the run-to-run noise (summary.json's `alignment_moved`) and no other, so
    nothing drawn is chance and every arrow points the way its actor moved. Green toward, red away; width and
    strength by size. The parties sit in the middle; everyone else on a ring, in the order of the reactions."""
    from matplotlib.patches import FancyArrowPatch

    r, p = result.reactions, result.params
    moved = moved_ties(r)
    pos = _ring(result)
    spend = np.asarray(p.spending).reshape(-1, p.n)[0]
    sizes = 500 + 2500 * np.sqrt(spend / spend.max())  # marker area, points^2
    radius = np.sqrt(sizes / np.pi) + 3  # where an arrow stops short of a node, points
    fig, ax = plt.subplots(figsize=(12, 11))
    largest = max((abs(c) for *_, c in moved), default=1.0)
    for i, j, change in sorted(moved, key=lambda m: abs(m[2])):  # the largest on top
        size = abs(change) / largest
        ax.add_patch(FancyArrowPatch(
            pos[i], pos[j], connectionstyle="arc3,rad=0.12", arrowstyle="-|>", mutation_scale=9 + 16 * size,
            lw=0.5 + 5.5 * size, color=GAIN_TIE if change > 0 else LOSS, alpha=0.3 + 0.6 * size,
            shrinkA=float(radius[i]), shrinkB=float(radius[j]), gid=f"{p.codes[i]}->{p.codes[j]}", zorder=1))
    ax.scatter(pos[:, 0], pos[:, 1], s=sizes, c=[LABEL_COLOURS[r.modal(i)] for i in range(p.n)], zorder=2,
               edgecolors=["black" if i in r.parties else "white" for i in range(p.n)], linewidths=2.5)
    for i, code in enumerate(p.codes):
        ax.text(*pos[i], code, ha="center", va="center", fontsize=11, fontweight="bold", zorder=3)
    ax.set_aspect("equal")
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.15, 1.15)
    ax.axis("off")
    ax.set_title(wrap(f"Who moved toward whom: {result.scenario.title}", 80), loc="left")
    top = sorted(moved, key=lambda m: -abs(m[2]))[:SHOWN_MOVES]
    listed = [f"{p.codes[i]} \u2192 {p.codes[j]} {c:+.3f}" for i, j, c in top]
    handles = [plt.Line2D([], [], color=GAIN_TIE, lw=4, label="moved closer"),
               plt.Line2D([], [], color=LOSS, lw=4, label="moved away"),
               *[plt.Line2D([], [], marker="o", ls="", ms=12, color=LABEL_COLOURS[k], label=k) for k in LABELS]]
    fig.legend(handles=handles, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 0.06), frameon=False,
               fontsize=11)
    fig.text(0.02, 0.005, wrap(
        f"An arrow from A to B: A's alignment with B, with the events minus without, where the events moved it "
        f"beyond the run-to-run noise ({len(moved)} of {p.n * (p.n - 1)} ties one way); width: how far. Colour: "
        "the actor's reaction; black ring: a party; size: military spending. The largest moves: "
        + "; ".join(listed) + ".", 150), fontsize=10, color="#555")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path, pil_kwargs=PNG)
    plt.close(fig)


def _ring(result: Result) -> np.ndarray:
    """(N, 2) positions: the parties in the middle, everyone else evenly round a circle, clockwise from the top
    in the order of the reactions, so that those who reacted alike sit together."""
    r, p = result.reactions, result.params
    pos = np.zeros((p.n, 2))
    parties = [i for i in range(p.n) if i in r.parties]
    for k, i in enumerate(parties):
        angle = np.pi / 2 + 2 * np.pi * k / len(parties)
        pos[i] = 0.0 if len(parties) == 1 else 0.28 * np.array([np.cos(angle), np.sin(angle)])
    others = [i for i in _order(result) if i not in r.parties]
    for k, i in enumerate(others):
        angle = np.pi / 2 - 2 * np.pi * k / max(len(others), 1)
        pos[i] = [np.cos(angle), np.sin(angle)]
    return pos


def _jobs(result: Result) -> list[tuple[str, int]]:
    """Every chart of a run as (file, actor), in the order the reports show them: the reports are set while the
    actors' charts are still drawing."""
    return [("reactions.png", -1), ("drivers.png", -1), ("network.png", -1), ("trajectories.png", -1),
            *((f"actors/{code}.png", i) for i, code in enumerate(result.params.codes))]


_RESULT: Result | None = None  # the run being drawn, inherited by forked workers instead of pickled to them


def _draw(job: tuple[str, int], out: Path, result: Result | None = None) -> None:
    result = result or _RESULT
    assert result is not None
    name, i = job
    draw = {"network.png": network, "trajectories.png": trajectories, "drivers.png": drivers,
            "reactions.png": reactions}.get(name)
    atomic_write(out / name, lambda tmp: draw(result, tmp) if draw else actor(result, i, tmp))


def _threads() -> int:
    """This process's threads, as the kernel counts them: a library's own threads (a thread pool in C) count too."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class Drawing:
    """Every chart of a run being drawn, each written whole or not at all: reactions, drivers, network,
    trajectories, one per actor. As many processes draw as there are cores (matplotlib holds the GIL), so on two
    cores the charts take half the time, and the caller can write the reports of the charts already drawn while
    the others are still being drawn. Forked workers inherit the run; where fork is not the way processes start
    (Windows, macOS) or not safe (a process running threads), this process draws them all, one after another,
    before the constructor returns."""

    def __init__(self, result: Result, out: Path, workers: int | None = None) -> None:
        global _RESULT
        self.out = out
        self.jobs = _jobs(result)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        workers = min(len(self.jobs), workers or cores)
        (out / "actors").mkdir(parents=True, exist_ok=True)
        self.pool: Pool | None = None
        self.pending: dict[str, AsyncResult[None]] = {}
        # fork copies one thread: a lock another thread holds (a test runner's, a Dask client's) would never be
        # released in the child, so a process that runs threads draws alone
        if workers > 1 and sys.platform == "linux" and _threads() == 1:
            _RESULT = result
            self.pool = mp.get_context("fork").Pool(workers, initializer=_leave_interrupts_to_the_parent)
            _RESULT = None  # the workers have it; this process must not keep a second reference alive
            self.pending = {name: self.pool.apply_async(_draw, ((name, i), out)) for name, i in self.jobs}
            self.pool.close()
        else:
            for job in self.jobs:
                _draw(job, out, result)

    def wait(self, names: Iterable[str] | None = None) -> None:
        """Until the charts `names` (all, if None) are written; a chart that failed raises here."""
        for name in self.pending if names is None else names:
            if name in self.pending:
                self.pending[name].get()

    def files(self) -> list[Path]:
        return [self.out / name for name, _ in self.jobs]

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.pool is None:
            return
        if kind is None:
            try:
                self.wait()
                self.pool.join()
                return
            except BaseException:  # Ctrl-C while the last charts draw, or one failed
                self._stop()
                raise
        self._stop()

    def _stop(self) -> None:
        """Stop drawing, and remove the charts a worker was killed in the middle of (atomic_write's hidden file)."""
        assert self.pool is not None
        self.pool.terminate()
        self.pool.join()
        for name, _ in self.jobs:
            path = self.out / name
            for part in path.parent.glob(f".{path.stem}.*{path.suffix}"):
                part.unlink(missing_ok=True)


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the terminal's group: a worker that took it would die mid-chart with a
    traceback of its own. The parent stops the workers and tidies up after them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
