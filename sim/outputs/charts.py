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


SHOWN_TIE = 0.2  # ties weaker than this (either sign) are left out of the network: 150 lines read as none
CHANGED_TIES = 6  # the ties the events moved most are marked


@styled
def network(result: Result, path: Path) -> None:
    """The alignment network before the events (as observed) and at the end of the run with them: nodes sized by
    military spending and coloured by reaction, ties green (friendly) or red (hostile) and as wide as they are
    strong; the ties the events moved most (with minus without) are marked. Both panels share one layout, so
    what moved is what changed."""
    import networkx as nx

    r, p = result.reactions, result.params
    before = _undirected(p.alignment0[0])
    after = _undirected(result.event.alignment[:, -1].mean(axis=0))
    change = _undirected((result.event.alignment[:, -1] - result.twin.alignment[:, -1]).mean(axis=0))
    graph = nx.Graph()
    graph.add_nodes_from(range(p.n))
    for i in range(p.n):
        for j in range(i + 1, p.n):
            graph.add_edge(i, j, weight=max(before[i, j], 0.0) + 0.02)
    pos = nx.spring_layout(graph, seed=7, k=1.6 / np.sqrt(p.n), iterations=200)
    pairs = [(i, j) for i in range(p.n) for j in range(i + 1, p.n)]
    moved = sorted(pairs, key=lambda ij: -abs(change[ij]))[:CHANGED_TIES]
    spend = np.asarray(p.spending).reshape(-1, p.n)[0]
    sizes = 250 + 2600 * np.sqrt(spend / spend.max())
    fig, axes = plt.subplots(1, 2, figsize=(16, 8.2))
    for ax, tie, title in ((axes[0], before, "Before the events (as observed)"),
                           (axes[1], after, "End of the run, with the events")):
        shown = [(i, j) for i, j in pairs if abs(tie[i, j]) >= SHOWN_TIE]
        if ax is axes[1]:
            nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=moved, edge_color="#f2c14e", alpha=0.75,
                                   width=[10 + 6 * abs(tie[e]) for e in moved])
        nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=shown, edge_color=[GAIN_TIE if tie[e] > 0 else LOSS
                                                                              for e in shown],
                               width=[0.4 + 5 * abs(tie[e]) for e in shown], alpha=0.8)
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, edgecolors=["black" if i in r.parties else
                                                                                 "white" for i in range(p.n)],
                               linewidths=2.5, node_color=[LABEL_COLOURS[r.modal(i)] for i in range(p.n)])
        nx.draw_networkx_labels(graph, pos, ax=ax, labels=dict(enumerate(p.codes)), font_size=11,
                                font_weight="bold")
        ax.set_title(title, loc="left")
        ax.axis("off")
        ax.margins(0.08)
    for k, (i, j) in enumerate(moved, start=1):
        # a small number on the tie, off its middle where the ties of a busy node meet; the signed change is in
        # the list under the panel, where no line or name can hide its sign
        x, y = pos[i] + (0.38 if k % 2 else 0.62) * (pos[j] - pos[i])
        axes[1].annotate(str(k), (x, y), fontsize=10, fontweight="bold", ha="center", va="center",
                         bbox={"boxstyle": "circle,pad=0.2", "fc": "#fff7dd", "ec": "#c9a227", "lw": 1})
    listed = [f"{k}  {p.codes[i]}-{p.codes[j]} {change[i, j]:+.3f}" for k, (i, j) in enumerate(moved, start=1)]
    half = (len(listed) + 1) // 2
    axes[1].text(0.0, -0.02, "Moved most by the events (with minus without):\n" + "\n".join(
        "      ".join(row) for row in zip(listed[:half], listed[half:] + [""] * (2 * half - len(listed)),
                                       strict=True)),
        transform=axes[1].transAxes, va="top", fontsize=11, family="DejaVu Sans")
    handles = [plt.Line2D([], [], color=GAIN_TIE, lw=4, label="friendly tie"),
               plt.Line2D([], [], color=LOSS, lw=4, label="hostile tie"),
               plt.Line2D([], [], color="#f2c14e", lw=10, alpha=0.75, label="moved most by the events"),
               *[plt.Line2D([], [], marker="o", ls="", ms=12, color=LABEL_COLOURS[k], label=k) for k in LABELS]]
    fig.legend(handles=handles, ncol=5, loc="lower center", frameon=False, fontsize=11)
    fig.suptitle(wrap(f"Alignments: {result.scenario.title}", 90), x=0.01, ha="left", fontsize=16,
                 fontweight="bold")
    fig.text(0.01, 0.085, wrap(f"Ties of strength {SHOWN_TIE} or more (mean of both directions); node size: military "
                               "spending; colour: reaction; black ring: a party. Numbered: the ties the events moved "
                               "most, listed under the right panel.", 150), fontsize=10, color="#555")
    fig.tight_layout(rect=(0, 0.11, 1, 0.96))
    fig.savefig(path, pil_kwargs=PNG)
    plt.close(fig)


def _undirected(a: np.ndarray) -> np.ndarray:
    return (a + a.T) / 2


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
