"""Figures that read at slide size: the reactions at a glance, what drove them, and how they unfolded."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim.concepts.labels import COLOURS as LABEL_COLOURS
from sim.concepts.labels import LABELS
from sim.measure.experiment import Result
from sim.outputs.files import atomic_write
from sim.outputs.style import styled


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
    ax.set_title(f"Reactions to: {result.scenario.title}", loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=LABEL_COLOURS[k]) for k in LABELS]
    ax.legend(handles, LABELS, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.07 - 1.2 / (p.n + 4)),
              frameon=False)
    fig.text(0.01, 0.005, f"* party to the event.  {result.replications} replicates, seed {result.seed}.",
             fontsize=9, color="#555")
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


@styled
def drivers(result: Result, path: Path) -> None:
    """Why: the immediate change of each actor's interests when the events struck, interest by interest."""
    r, p = result.reactions, result.params
    order = _order(result)[::-1]
    val = r.valence.mean(axis=0)  # (N,K)
    colours = [x.colour for x in p.interests]
    fig, ax = plt.subplots(figsize=(11, 0.42 * p.n + 1.8))
    for row, i in enumerate(order):
        pos_left, neg_left = 0.0, 0.0
        for k, colour in enumerate(colours):
            v = val[i, k]
            if v >= 0:
                ax.barh(row, v, left=pos_left, color=colour, height=0.8)
                pos_left += v
            else:
                ax.barh(row, v, left=neg_left, color=colour, height=0.8)
                neg_left += v
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xscale("symlog", linthresh=0.02)
    ax.set_yticks(range(len(order)), [p.codes[i] for i in order])
    ax.set_xlabel("change of weighted utility at impact (actor's own stake units; symmetric log scale)")
    ax.set_title("What the events did to each actor's interests", loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    ax.legend(handles, r.interests, ncol=len(colours), loc="upper center",
              bbox_to_anchor=(0.5, -0.07 - 1.2 / (p.n + 4)), frameon=False, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
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
    movers = np.argsort(-np.abs(r.d_posture.mean(axis=0)))[:top]
    colours = plt.cm.tab10(np.arange(top))
    for c, i in zip(colours, movers, strict=False):
        _band(axes[0], ev.posture[:, :, i] - tw.posture[:, :, i], c, p.codes[i])
    axes[0].set_title("Posture: with events minus without", loc="left")
    axes[0].set_xlabel("month")
    axes[0].legend(frameon=False, fontsize=10)
    non_parties = [i for i in range(p.n) if i not in r.parties]
    movers = sorted(non_parties, key=lambda i: -abs(r.toward_parties[:, i].mean()))[:top] if r.parties else []
    for c, i in zip(colours, movers, strict=False):
        d = ev.alignment[:, :, i, list(r.parties)] - tw.alignment[:, :, i, list(r.parties)]
        _band(axes[1], d.mean(axis=-1), c, p.codes[i])
    parties = "-".join(p.codes[i] for i in r.parties) or "no events"
    axes[1].set_title(f"Alignment toward the parties ({parties})", loc="left")
    axes[1].set_xlabel("month")
    if movers:
        axes[1].legend(frameon=False, fontsize=10)
    for ax in axes:
        ax.axhline(0, color="black", lw=0.6)
        _events(ax, result)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


@styled
def actor(result: Result, i: int, path: Path) -> None:
    """One actor's reaction: its label shares, what the events did to its interests, and what it did."""
    r, p = result.reactions, result.params
    name = result.scenario.actors[p.codes[i]].name
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), gridspec_kw={"width_ratios": [1, 1.2, 1.4]})
    shares = r.share(i)
    labels = [k for k in LABELS if k in shares]
    axes[0].bar(labels, [shares[k] for k in labels], color=[LABEL_COLOURS[k] for k in labels])
    axes[0].set_ylim(0, 1)
    axes[0].set_title("Label (share of runs)", loc="left")
    axes[0].tick_params(axis="x", rotation=30)
    val = r.valence[:, i].mean(axis=0)
    axes[1].barh(r.interests, val, color=[x.colour for x in p.interests])
    axes[1].axvline(0, color="black", lw=0.8)
    axes[1].invert_yaxis()
    axes[1].set_title("Interests at impact", loc="left")
    moves = r.d_alignment[:, i].mean(axis=0)
    biggest = [j for j in np.argsort(-np.abs(moves)) if j != i][:6]
    colours = plt.cm.tab10(np.arange(len(biggest) + 1))
    for c, j in zip(colours, biggest, strict=False):
        _band(axes[2], result.event.alignment[:, :, i, j] - result.twin.alignment[:, :, i, j], c,
              f"alignment to {p.codes[j]}")
    _band(axes[2], result.event.posture[:, :, i] - result.twin.posture[:, :, i], "black", "posture")
    axes[2].axhline(0, color="black", lw=0.6)
    _events(axes[2], result)
    axes[2].set_title("What it did (with minus without events)", loc="left")
    axes[2].set_xlabel("month")
    axes[2].legend(frameon=False, fontsize=9, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.26))
    fig.suptitle(f"{name} ({p.codes[i]}): {r.modal(i)}", x=0.01, ha="left", fontsize=16, fontweight="bold")
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def write_all(result: Result, out: Path) -> list[Path]:
    """Every chart of a run, each written whole or not at all: reactions, drivers, trajectories, one per actor."""
    written = []
    for name, draw in (("reactions.png", reactions), ("drivers.png", drivers), ("trajectories.png", trajectories)):
        atomic_write(out / name, lambda tmp, draw=draw: draw(result, tmp))
        written.append(out / name)
    for i, code in enumerate(result.params.codes):
        path = out / "actors" / f"{code}.png"
        atomic_write(path, lambda tmp, i=i: actor(result, i, tmp))
        written.append(path)
    return written
