"""Figures that read at slide size: the reactions at a glance, what drove them, and how they unfolded."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sim.concepts.labels import COLOURS as LABEL_COLOURS
from sim.concepts.labels import LABELS
from sim.measure.analysis import moved_ties
from sim.measure.experiment import Result
from sim.outputs.files import atomic_write
from sim.outputs.style import STYLE, styled

GAIN, LOSS = "#3a7dbf", "#d1493f"
GAIN_TIE = "#3f9b5a"
PNG = {"compress_level": 1}  # zlib's fastest level: a few % larger than the default, written in a third of the time


def wrap(title: str, width: int = 70) -> str:
    """A title on as many lines as it needs: a long one must not push the axes into a corner."""
    return textwrap.fill(title, width)


def _inches(fig: Figure, texts: list[str], size: float) -> float:
    """How wide the widest of `texts` is set at `size` points, in inches, measured by the renderer that will draw
    it (and caches the measure): a chart laid out from it is drawn once, where a fitted layout (tight_layout,
    bbox_inches="tight") draws it two or three times."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties

    renderer = FigureCanvasAgg(fig).get_renderer()
    font = FontProperties(size=size)
    widths = [renderer.get_text_width_height_descent(t, font, ismath=False)[0] for t in texts]
    return max(widths, default=0.0) / fig.dpi


def _margins(fig: Figure, left: float, right: float, top: float, bottom: float, **kw: float) -> None:
    """Fixed margins, in inches."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h, **kw)


def _order(result: Result) -> list[int]:
    r = result.reactions
    return sorted(range(result.params.n), key=lambda i: (LABELS.index(r.modal(i)), -r.share(i)[r.modal(i)]))


@styled
def reactions(result: Result, path: Path) -> None:
    """Every actor's label, as the share of replicates that gave it."""
    r, p = result.reactions, result.params
    order = _order(result)[::-1]
    names = {c: a.name for c, a in result.scenario.actors.items()}
    fig = Figure(figsize=(11, 0.42 * p.n + 1.8))
    ax = fig.subplots()
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
    ticks = [f"{names[p.codes[i]]} ({p.codes[i]})" + (" *" if i in r.parties else "") for i in order]
    ax.set_yticks(range(len(order)), ticks)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs")
    title = wrap(f"Reactions to: {result.scenario.title}")
    ax.set_title(title, loc="left")
    _margins(fig, left=_inches(fig, ticks, 12) + 0.25, right=0.3, top=0.35 + 0.27 * title.count("\n"), bottom=1.35)
    handles = [Rectangle((0, 0), 1, 1, color=LABEL_COLOURS[k]) for k in LABELS]
    ax.legend(handles, LABELS, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.5 / ax.get_position().height
                                                                             / fig.get_figheight()), frameon=False)
    fig.text(0.01, 0.01, f"* took part in the events.  {result.replications} runs, seed {result.seed}.",
             fontsize=9, color="#555")
    fig.savefig(path, pil_kwargs=PNG)


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
    fig = Figure(figsize=(11, 0.42 * p.n + 2.2))
    ax = fig.subplots()
    # a mesh of cells, not an image: an image is resampled to the pixels at every drawing
    ax.pcolormesh(np.arange(grid.shape[1] + 1) - 0.5, np.arange(p.n + 1) - 0.5, np.clip(grid / cap, -1, 1),
                  cmap="RdBu", vmin=-1.6, vmax=1.6)
    ax.set_xlim(-0.5, grid.shape[1] - 0.5)
    ax.set_ylim(p.n - 0.5, -0.5)
    for (row, col), v in np.ndenumerate(grid):
        if abs(v) < 0.0005:  # left blank: an empty cell reads as "no change" faster than a column of zeros
            continue
        ax.text(col, row, f"{v:+.3f}", ha="center", va="center", fontsize=10,
                color="white" if abs(v) > 1.1 * cap else "black", fontweight="bold" if col == grid.shape[1] - 1
                else "normal")
    ax.axvline(grid.shape[1] - 1.5, color="white", lw=4)
    ax.set_xticks(range(grid.shape[1]), [*r.interests, "total"])
    ax.xaxis.tick_top()
    ticks = [f"{p.codes[i]} ({r.modal(i)})" for i in order]
    ax.set_yticks(range(p.n), ticks)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(wrap("What the events did to each actor's interests at impact"), loc="left", pad=34)
    fig.text(0.01, 0.005, wrap("Change of weighted utility the moment the events struck, before anyone reacted, in "
                               "units of the actor's own starting stake; blue gains, red losses, blank no change.",
                               110),
             fontsize=9.5, color="#555")
    _margins(fig, left=_inches(fig, ticks, 12) + 0.2, right=0.2, top=1.25, bottom=0.6)
    fig.savefig(path, pil_kwargs=PNG)


def _band(ax: Axes, d: np.ndarray, colour: str, label: str) -> None:
    t = np.arange(d.shape[1])
    lo, hi = np.percentile(d, [2.5, 97.5], axis=0)
    ax.fill_between(t, lo, hi, color=colour, alpha=0.2, lw=0)
    ax.plot(t, d.mean(axis=0), color=colour, lw=2, label=label)


def _events(ax: Axes, result: Result) -> None:
    for e in result.params.events:
        ax.axvline(e.at, color="#999", lw=0.8, ls=":")


@styled
def trajectories(result: Result, path: Path, top: int = 6) -> None:
    """How the largest reactions unfolded: event-minus-twin difference, mean and 95% band over replicates."""
    r, p = result.reactions, result.params
    ev, tw = result.event, result.twin
    fig = Figure(figsize=(14, 5.5))
    axes = fig.subplots(1, 2)
    arming = [int(i) for i in np.argsort(-np.abs(r.d_posture.mean(axis=0)))[:top]]
    non_parties = [i for i in range(p.n) if i not in r.parties]
    aligning = sorted(non_parties, key=lambda i: -abs(r.toward_parties[:, i].mean()))[:top] if r.parties else []
    strong, pale = matplotlib.colormaps["tab10"], matplotlib.colormaps["tab20"]
    palette = [*strong(np.arange(10)), *pale(np.arange(1, 20, 2))]  # the strong ten first
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
    _margins(fig, left=0.85, right=0.2, top=0.5, bottom=0.75, wspace=0.2)
    fig.savefig(path, pil_kwargs=PNG)


@styled
def actor(result: Result, i: int, path: Path) -> None:
    """One actor's reaction, for a slide: what the events did to its interests, and what it did over time."""
    r, p = result.reactions, result.params
    name = result.scenario.actors[p.codes[i]].name
    fig = Figure(figsize=(13, 6.2))
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.35]})
    with matplotlib.rc_context({"font.size": 14}):
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
        palette = matplotlib.colormaps["tab10"](np.arange(len(biggest)))
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


SHOWN_MOVES = 8  # the largest moves are also listed, with their numbers, under the chart


@styled
def network(result: Result, path: Path) -> None:
    """Who moved toward whom: an arrow from A to B is A's alignment with B, with the events minus without, for
    every tie the events moved beyond the run-to-run noise (summary.json's `alignment_moved`) and no other, so
    nothing drawn is chance and every arrow points the way its actor moved. Green toward, red away; width and
    strength by size. The parties sit in the middle; everyone else on a ring, in the order of the reactions."""
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba

    r, p = result.reactions, result.params
    moved = moved_ties(r)
    pos = _ring(result)
    spend = np.asarray(p.spending).reshape(-1, p.n)[0]
    sizes = 500 + 2500 * np.sqrt(spend / spend.max())  # marker area, points^2
    fig = Figure(figsize=(12, 11))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.02, right=0.98, top=0.93, bottom=0.15)  # a fixed layout: no second drawing to fit
    ax.set_aspect("equal")
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.15, 1.15)
    ax.apply_aspect()
    per_point = 2.4 / (ax.get_position().width * fig.get_figwidth() * 72)  # data units per point
    radius = (np.sqrt(sizes / np.pi) + 3) * per_point  # where an arrow stops short of a node
    largest = max((abs(c) for *_, c in moved), default=1.0)
    ties = sorted(moved, key=lambda m: abs(m[2]))  # the largest drawn last, on top
    shapes, colours = [], []
    for i, j, change in ties:
        size = abs(change) / largest
        along = (pos[j] - pos[i]) / np.linalg.norm(pos[j] - pos[i])
        lane = np.array([along[1], -along[0]]) * 0.018  # to the right of its way: A->B and B->A side by side
        shapes.append(_arrow(pos[i] + along * radius[i] + lane, pos[j] - along * radius[j] + lane,
                             (0.8 + 5.5 * size) * per_point, per_point))
        colours.append(to_rgba(GAIN_TIE if change > 0 else LOSS, 0.3 + 0.6 * size))
    # one collection of straight arrows, each named by its tie (A->B): a patch per arrow, curved and shrunk to the
    # nodes by matplotlib, cost most of a second to draw
    arrows = PolyCollection(shapes, facecolors=colours, linewidths=0, zorder=1)
    arrows.set_urls([f"{p.codes[i]}->{p.codes[j]}" for i, j, _ in ties])
    ax.add_collection(arrows)
    ax.scatter(pos[:, 0], pos[:, 1], s=sizes, c=[LABEL_COLOURS[r.modal(i)] for i in range(p.n)], zorder=2,
               edgecolors=["black" if i in r.parties else "white" for i in range(p.n)], linewidths=2.5)
    for i, code in enumerate(p.codes):
        ax.text(*pos[i], code, ha="center", va="center", fontsize=11, fontweight="bold", zorder=3)
    ax.axis("off")
    ax.set_title(wrap(f"Who moved toward whom: {result.scenario.title}", 80), loc="left")
    top = sorted(moved, key=lambda m: -abs(m[2]))[:SHOWN_MOVES]
    listed = [f"{p.codes[i]} \u2192 {p.codes[j]} {c:+.3f}" for i, j, c in top]
    handles = [Line2D([], [], color=GAIN_TIE, lw=4, label="moved closer"),
               Line2D([], [], color=LOSS, lw=4, label="moved away"),
               *[Line2D([], [], marker="o", ls="", ms=12, color=LABEL_COLOURS[k], label=k) for k in LABELS]]
    fig.legend(handles=handles, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 0.06), frameon=False,
               fontsize=11)
    fig.text(0.02, 0.005, wrap(
        f"An arrow from A to B: A's alignment with B, with the events minus without, where the events moved it "
        f"beyond the run-to-run noise ({len(moved)} of {p.n * (p.n - 1)} ties one way); width: how far. Colour: "
        "the actor's reaction; black ring: a party; size: military spending. The largest moves: "
        + "; ".join(listed) + ".", 150), fontsize=10, color="#555")
    fig.savefig(path, pil_kwargs=PNG)


def _arrow(start: np.ndarray, end: np.ndarray, width: float, point: float) -> np.ndarray:
    """The outline of a straight arrow from `start` to `end`: a shaft `width` wide and a head that grows with it
    (`point`: the length of a typographic point, in the same units)."""
    along = (end - start) / np.linalg.norm(end - start)
    side = np.array([-along[1], along[0]])
    head_width, head_length = 2.5 * width + 4 * point, 2 * width + 6 * point
    neck = end - along * min(head_length, 0.9 * np.linalg.norm(end - start))
    return np.array([start + side * width / 2, neck + side * width / 2, neck + side * head_width / 2, end,
                     neck - side * head_width / 2, neck - side * width / 2, start - side * width / 2])


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


def draw(result: Result, out: Path, job: tuple[str, int]) -> None:
    """One chart of `sim.outputs.painter.jobs`, written whole or not at all."""
    name, i = job
    by_name = {"network.png": network, "trajectories.png": trajectories, "drivers.png": drivers,
               "reactions.png": reactions}
    chart = by_name.get(name)
    atomic_write(out / name, lambda tmp: chart(result, tmp) if chart else actor(result, i, tmp))


def warm_up() -> None:
    """Load the fonts the charts use, in both weights, and the renderer, before there is anything to draw: a drawing
    process does it while the run is still simulating, and the drawers it forks inherit it."""
    from io import BytesIO

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(1, 1))
        fig.text(0, 0, "warm", fontsize=12)
        fig.text(0, 0.5, "warm", fontsize=12, fontweight="bold")
        fig.savefig(BytesIO(), format="png", pil_kwargs=PNG)
