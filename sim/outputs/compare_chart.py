"""Variants side by side as one chart for a slide: each actor a row, each variant a column of label-share bars, so
a reaction that changes its label shows as a change of colour along its row (its band strong, its name bold), and
one that keeps its label but changes in size has a lighter band and its name in italics (the table says which
quantity moved and how)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from sim.concepts.labels import COLOURS, LABELS
from sim.measure.compare import ABSENT, Comparison
from sim.outputs.style import styled

CHANGED = "#fff1c1"  # the band behind an actor whose label changes: what the eye should find first
RESIZED = "#fff8de"  # lighter, behind one whose label stays but whose reaction changes in size: found second
BAND = {"label": CHANGED, "size": RESIZED}
MIN_WORDS = 0.3  # a segment narrower than this share has no room for its label in words
DARK = {"opposes"}  # colours dark enough to need white words on them


@styled
def draw(comparison: Comparison, path: Path) -> None:
    variants = [v["name"] for v in comparison.variants]
    shown = [name.replace("_", " ") for name in variants]  # file stems wrap at their words
    actors = comparison.actors
    n = len(actors)
    fig, axes = plt.subplots(1, len(variants), sharey=True, squeeze=False,
                             figsize=(3.2 + 3.4 * len(variants), 0.45 * n + 2.0))
    for ax, name in zip(axes[0], variants, strict=True):
        for y, actor in enumerate(actors):
            if actor["kind"]:
                ax.axhspan(y - 0.5, y + 0.5, color=BAND[actor["kind"]], zorder=0)
            _bar(ax, y, actor, name)
        ax.set_title(textwrap.fill(name.replace("_", " "), 24), fontsize=13, loc="left")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["0%", "50%", "100%"])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    first = axes[0][0]
    first.set_yticks(range(n), [f"{a['name']} ({a['actor']})" for a in actors])
    for tick, actor in zip(first.get_yticklabels(), actors, strict=True):
        if actor["kind"] == "label":
            tick.set_fontweight("bold")
        elif actor["kind"] == "size":
            tick.set_fontstyle("italic")
    first.set_ylim(n - 0.5, -0.5)
    changed, relabelled = sum(bool(a["kind"]) for a in actors), sum(a["kind"] == "label" for a in actors)
    title = (f"{changed} of {n} actors react differently ({relabelled} with another label)" if changed
             else "No actor's reaction differs") + " between " + ", ".join(shown[:-1]) + " and " + shown[-1]
    fig.suptitle(textwrap.fill(title, 30 + 34 * len(variants) // 2), x=0.02, ha="left", fontsize=15,
                 fontweight="bold")
    handles = [Patch(color=COLOURS[label], label=label) for label in LABELS]
    handles.append(Patch(color=CHANGED, label="label changes (name in bold)"))
    handles.append(Patch(color=RESIZED, label="same label, size changes (in italics)"))
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def _bar(ax: Any, y: int, actor: dict[str, Any], variant: str) -> None:
    """One stacked bar of label shares, the modal label written on its segment when there is room."""
    if actor["labels"][variant] == ABSENT:
        ax.text(0.5, y, ABSENT, ha="center", va="center", color="#777777", style="italic")
        return
    left = 0.0
    for label in LABELS:
        share = actor["shares"][variant].get(label, 0.0)
        if not share:
            continue
        ax.barh(y, share, left=left, color=COLOURS[label], height=0.72, zorder=2)
        if share >= MIN_WORDS and label == actor["labels"][variant]:
            ax.text(left + share / 2, y, f"{label} {share:.0%}", ha="center", va="center", fontsize=10, zorder=3,
                    color="white" if label in DARK else "#1a1a1a")
        left += share
