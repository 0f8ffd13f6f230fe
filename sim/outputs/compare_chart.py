"""Variants side by side as one chart for a slide: each actor a row, each variant a column of label-share bars, so
a reaction that changes its label shows as a change of colour along its row (a warm band, its name bold), and one
that keeps its label but changes in size has a cool band and its name in italics. Two narrow panels to the
right, on the same rows, show that size: the stance on the events and the posture change, a marker per variant,
so a reaction that kept its colour but halved or tripled is seen, not only flagged (the table gives the numbers)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.concepts.labels import COLOURS, LABELS
from sim.measure.compare import ABSENT, Comparison
from sim.outputs.style import styled

# the bands behind an actor whose reaction differs, in two hue families no label uses and no eye confuses: warm
# (a label changes, found first) and cool (same label, another size)
CHANGED = "#ffd3a8"
RESIZED = "#cfe3f7"
BAND = {"label": CHANGED, "size": RESIZED}
MIN_WORDS = 0.3  # a segment narrower than this share has no room for its label in words
DARK = {"opposes"}  # colours dark enough to need white words on them
# the size panels: the comparison's key, the panel's title, which way is which on its axis
SIZES = (("stance", "stance on the events", "← criticises   supports →"), ("posture", "posture change",
                                                                           "← lowers   raises →"))
# one shape and one colour per variant, both, so that a variant reads in grey print and to a colour-blind eye; the
# colours are none of the labels' (a marker is a variant, never a label)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
INKS = ("#1b1b1b", "#0072b2", "#cc79a7", "#56b4e9", "#8c564b", "#6a3d9a", "#999933", "#555555")
DODGE = 0.24  # how far above and below its row's centre an actor's markers spread, so equal values don't hide
DECADES = 2  # values spanning more orders of magnitude than this would crowd the small ones at zero on a linear axis
SEEN = 0.0005  # a magnitude the table prints as 0.000 does not count in the span: noise would force a log axis


@styled
def draw(comparison: Comparison, path: Path) -> None:
    variants = [v["name"] for v in comparison.variants]
    shown = [name.replace("_", " ") for name in variants]  # file stems wrap at their words
    actors = comparison.actors
    n, k = len(actors), len(variants)
    width = 3.2 + 3.4 * k + 2 * 2.9
    fig, axes = plt.subplots(1, k + len(SIZES), sharey=True, squeeze=False,
                             figsize=(width, (0.45 if k < 3 else 0.52) * n + 2.6),
                             gridspec_kw={"width_ratios": [3.4] * k + [2.9] * len(SIZES)})
    bars, sizes = axes[0][:k], axes[0][k:]
    for ax, name in zip(bars, variants, strict=True):
        for y, actor in enumerate(actors):
            if actor["kind"]:
                ax.axhspan(y - 0.5, y + 0.5, color=BAND[actor["kind"]], zorder=0)
            _bar(ax, y, actor, name)
        ax.set_title(textwrap.fill(name.replace("_", " "), 24), fontsize=13, loc="left")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["0%", "50%", "100%"])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    for ax, (key, title, sides) in zip(sizes, SIZES, strict=True):
        _sizes(ax, actors, variants, key, title, sides)
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
    lines = -(-len(title) // int(width * 7))  # about 7 bold characters an inch; lines of even length, no orphan
    fig.suptitle(textwrap.fill(title, -(-len(title) // lines) + 6), x=0.02, ha="left", fontsize=15, fontweight="bold")
    fig.tight_layout()
    _legends(fig, bars, sizes, shown)
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
            ax.text(left + share / 2, y, f"{label} {share:.0%}", ha="center", va="center", fontsize=11, zorder=3,
                    color="white" if label in DARK else "#1a1a1a")
        left += share


def _sizes(ax: Any, actors: list[dict[str, Any]], variants: list[str], key: str, title: str, sides: str) -> None:
    """One quantity of every actor's reaction, a marker per variant, each variant a little above or below the row's
    centre in the order of the label panels, and a grey line through an actor's markers: its length is how much the
    variants disagree. Every actor has its row, those that did not change too: their short lines are the yardstick
    the long ones are read against."""
    k = len(variants)
    offsets = [DODGE * (2 * i / (k - 1) - 1) for i in range(k)] if k > 1 else [0.0]
    values = []
    for y, actor in enumerate(actors):
        if actor["kind"]:
            ax.axhspan(y - 0.5, y + 0.5, color=BAND[actor["kind"]], zorder=0)
        points = [(actor[key][name], y + dy) for name, dy in zip(variants, offsets, strict=True)
                  if actor[key][name] is not None]  # None: the actor is absent from that variant
        values += [x for x, _ in points]
        ax.plot([x for x, _ in points], [y for _, y in points], color="#9a9a9a", lw=1.2, zorder=2)
        for i, name in enumerate(variants):
            if actor[key][name] is not None:
                ax.plot(actor[key][name], y + offsets[i], ls="none", marker=MARKERS[i % len(MARKERS)], ms=7,
                        color=INKS[i % len(INKS)], mec="white", mew=0.6, zorder=3)
    ax.axvline(0, color="#444444", lw=1, zorder=1)
    ax.set_title(textwrap.fill(title, 16), fontsize=13, loc="left")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="x", labelsize=11)
    ax.set_xlabel(f"{sides}\n{_scale(ax, values)}", fontsize=11, labelpad=6)


def _scale(ax: Any, values: list[float]) -> str:
    """A plain linear axis, always: distances read as proportional. When the values span more than DECADES
    orders of magnitude the small ones sit near zero, and the note under the panel, returned, says so in words
    (the text table gives their numbers)."""
    seen = [abs(v) for v in values if abs(v) >= SEEN]
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=False))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "0" if abs(v) < 1e-12 else f"{v:g}"))
    ax.margins(x=0.1)
    if not seen or max(seen) / min(seen) <= 10 ** DECADES:
        return "linear scale"
    small = 10.0 ** (math.floor(math.log10(max(seen))) - DECADES + 1)
    return textwrap.fill(f"linear scale: a reaction under {small:g} looks like 0 here; the table gives it", 30)


def _legends(fig: Any, bars: list[Any], sizes: list[Any], shown: list[str]) -> None:
    """The labels' colours under the label panels and the variants' markers under the size panels, each centred on
    its own panels so that the eye finds a key where it needs it."""
    labels = [Patch(color=COLOURS[label], label=label) for label in LABELS]
    labels.append(Patch(color=CHANGED, label="label changes (name in bold)"))
    labels.append(Patch(color=RESIZED, label="same label, size changes (in italics)"))
    left, right = bars[0].get_position().x0, bars[-1].get_position().x1
    fig.legend(handles=labels, loc="upper center", bbox_to_anchor=((left + right) / 2, 0.0),
               ncol=4 if len(bars) > 2 else 3, frameon=False, fontsize=12)
    marks = [Line2D([], [], ls="none", marker=MARKERS[i % len(MARKERS)], ms=9, color=INKS[i % len(INKS)],
                    label=textwrap.fill(name, 28)) for i, name in enumerate(shown)]
    left, right = sizes[0].get_position().x0, sizes[-1].get_position().x1
    fig.legend(handles=marks, loc="upper center", bbox_to_anchor=((left + right) / 2, 0.0), ncol=1,
               frameon=False, fontsize=12, title="variant (marker)", title_fontsize=12)
