"""Sweep figures for a seminar: where each actor's reaction flips along a parameter, and which assumption
drives the outcomes. Drawn from sweep_summary (one row per point) and summary.json only.

They are read on a projector and in a printed page: cells carry whole reaction words (a four-letter code like
`coun` must be decoded), titles and parameter paths wrap rather than widen the figure, and the legend sits just
under the axes, with the note on how to read the colours as its title.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba

from sim.concepts.labels import COLOURS as LABEL_COLOURS
from sim.concepts.labels import KEYS, LABELS
from sim.outputs.files import atomic_write
from sim.outputs.style import styled
from sim.sweep.analysis import OUTCOMES, groups_of, index_key, name_of, phase, valid
from sim.sweep.store import chart_name, phase_name

TITLE, CELL, LEGEND, NOTE = 15.0, 10.5, 11.0, 10.0  # font sizes, pt
EM = 0.6  # width of an average character of DejaVu Sans, in ems (bold is a little wider)
WIDE, NARROW = 1.45, 0.85  # inches per column: a whole label on one line, or on two
WORDS = 6  # up to this many columns, a cell has room for the longest label on one line
# Where a label longer than a narrow cell breaks (at a syllable, with a hyphen); others break in the middle.
BREAKS = {"counterbalances": 7, "indifferent": 5, "welcomes": 3}
PNG = {"compress_level": 3}


class _PathWrapper(textwrap.TextWrapper):
    """textwrap that breaks a dotted parameter path after a '.', never inside a name: a path is one word of up to
    50 characters that would otherwise overrun the figure or be cut anywhere."""

    wordsep_re = re.compile(r"(\s+)|(?<=[./])(?=[^\s./])")


def wrap(text: str, width: int) -> str:
    """`text` on lines of at most `width` characters: broken between words first, and a parameter path that is
    still too long for a line of its own after its dots (a name longer than the line keeps a line of its own)."""
    width = max(8, width)
    lines = []
    for line in textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False):
        lines += _PathWrapper(width=width, break_long_words=False).wrap(line) if len(line) > width else [line]
    return "\n".join(lines)


def chars(inches: float, size: float) -> int:
    """About how many characters of a `size` pt font fit in `inches`."""
    return int(inches * 72 / (EM * size))


def tick(value: float) -> str:
    """A parameter value on an axis, to 3 significant digits, written out (13,900 rather than 1.39e+04)."""
    text = f"{value:.3g}"
    if "e" in text and 1e-4 <= abs(value) < 1e9:
        rounded = float(text)
        return f"{rounded:,.0f}" if abs(rounded) >= 1 else f"{rounded:.6f}".rstrip("0")
    return text


def cell_text(label: str, width: int) -> str:
    """A reaction written in a chart cell `width` characters wide: the whole word, broken over two lines with a
    hyphen if it does not fit (never cut to a code a reader must decode)."""
    if len(label) <= width:
        return label
    k = BREAKS.get(label, (len(label) + 1) // 2)
    return f"{label[:k]}-\n{label[k:]}"


def _layout(columns: int, reserved: float) -> tuple[float, int, float]:
    """A heat map's figure width, the characters a cell holds, and the height of a row, in inches."""
    column = WIDE if columns <= WORDS else NARROW
    width = min(16.0, max(8.0, columns * column + reserved))
    column = min(column, (width - reserved) / columns)
    width_chars = chars(column - 0.1, CELL)
    two_lines = any(len(label) > width_chars for label in LABELS)
    return width, width_chars, 0.56 if two_lines else 0.36


def _legend(fig: plt.Figure, shown: list[str], note: str, width: float) -> None:
    """The colours' key, each label with what it means in words and deeds, so a change of colour reads as a
    change of what the actor says or does."""
    handles = [plt.Rectangle((0, 0), 1, 1, color=LABEL_COLOURS[k]) for k in shown]
    per_row = max(1, min(len(shown), int(width / 4.6)))
    fig.legend(handles, [f"{k}: {KEYS[k]}" for k in shown], loc="outside lower center", ncol=per_row,
               frameon=False, fontsize=LEGEND, title=wrap(note, chars(width - 0.4, NOTE)), title_fontsize=NOTE,
               alignment="center")


def _save(fig: plt.Figure, path: Path) -> None:
    atomic_write(path, lambda tmp: fig.savefig(tmp, bbox_inches="tight", pil_kwargs=PNG))
    plt.close(fig)


@styled
def flips(points: pd.DataFrame, name: str, grid: bool, path: Path, said: str | None = None) -> None:
    """Actors (rows) by parameter value (columns): colour is the pooled modal reaction, strength its share.
    `said`: the parameter in words (its path, `name`, is the column to read). Each column is as wide as the
    values it stands for, so that 0, 0.05, 0.1 and 0.2 are not drawn as evenly spaced."""
    said = said or name
    ok = valid(points)
    actors = [c.split(".", 1)[1] for c in ok.columns if c.startswith("modal.")]
    groups = groups_of(ok[name], grid)
    centre = ok[name].groupby(groups, observed=True).mean().to_numpy()
    colours = np.ones((len(actors), len(centre), 4))
    labels = [["" for _ in centre] for _ in actors]
    for row, code in enumerate(actors):
        pooled = ok[[f"share.{code}.{k}" for k in LABELS]].groupby(groups, observed=True).sum()
        shares = pooled.to_numpy() / np.maximum(pooled.to_numpy().sum(axis=1, keepdims=True), 1e-12)
        for col, share in enumerate(shares):
            k = int(np.argmax(share))
            colours[row, col] = to_rgba(LABEL_COLOURS[LABELS[k]], alpha=0.35 + 0.65 * float(share[k]))
            labels[row][col] = LABELS[k]
    edges = _edges(centre)
    width, _, row_height = _layout(len(centre), reserved=1.2)
    fig, ax = plt.subplots(figsize=(width, row_height * len(actors) + 2.6), layout="constrained")
    ax.pcolormesh(edges, np.arange(len(actors) + 1) - 0.5, np.zeros((len(actors), len(centre))),
                  color="white", shading="flat")  # the axes' extent; the cells are drawn over it
    inches = (width - 1.2) / (edges[-1] - edges[0])  # per unit of the parameter
    for row in range(len(actors)):
        for col, (left, right) in enumerate(itertools.pairwise(edges)):
            ax.add_patch(plt.Rectangle((left, row - 0.5), right - left, 1, color=colours[row, col], lw=0))
            room = chars((right - left) * inches - 0.08, CELL)
            size = CELL if max(map(len, cell_text(labels[row][col], room).split("\n"))) <= room else max(
                6.5, CELL * room / max(map(len, cell_text(labels[row][col], 2 * room).split("\n"))))
            ax.text(centre[col], row, cell_text(labels[row][col], max(room, 4)), ha="center", va="center",
                    fontsize=size, linespacing=1.0)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(len(actors) - 0.5, -0.5)
    ax.set_yticks(range(len(actors)), actors)
    ax.set_xticks(centre, [tick(v) for v in centre])
    ax.set_xlabel(wrap(said, chars(width - 1.2, 12)))
    ax.set_title(wrap(f"Where reactions flip along {said}", chars(width - 0.9, TITLE * 1.05)), loc="left",
                 fontsize=TITLE, fontweight="bold")
    ax.tick_params(length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    shown = [k for k in LABELS if any(k in row for row in labels)]
    _legend(fig, shown, "Colour: the reaction most often seen at that value, pooled over the other parameters "
            "and the replicates; paler: seen less often. Each column spans the values nearer to it than to its "
            "neighbours.", width)
    _save(fig, path)


def _edges(centre: np.ndarray) -> np.ndarray:
    """Column edges halfway between neighbouring values, the outer ones as far out as the nearest gap."""
    if len(centre) == 1:
        return np.array([centre[0] - 0.5, centre[0] + 0.5])
    mid = (centre[:-1] + centre[1:]) / 2
    return np.concatenate([[centre[0] - (mid[0] - centre[0])], mid, [centre[-1] + (centre[-1] - mid[-1])]])


@styled
def phase_map(points: pd.DataFrame, actor: str, x: str, y: str, grid: bool, path: Path,
              names: dict[str, str] | None = None, who: str | None = None) -> None:
    """One actor's reaction over two parameters at once: where its tipping point along x moves as y changes.
    `names`: the parameters in words, by path; `who`: the actor's name."""
    names = names or {}
    labels, shares, cx, cy = phase(points, actor, x, y, grid)
    image = np.ones((*labels.shape, 4))
    for (row, col), label in np.ndenumerate(labels):
        if label:
            image[row, col] = to_rgba(LABEL_COLOURS[label], alpha=0.35 + 0.65 * float(shares[row, col]))
    width, cell_chars, row_height = _layout(len(cx), reserved=2.0)
    height = max(2.4, (row_height + 0.1) * len(cy))  # room for a parameter path on two lines beside it
    fig, ax = plt.subplots(figsize=(width, height + 2.3), layout="constrained")
    ax.imshow(image, aspect="auto", interpolation="nearest", origin="lower")
    for (row, col), label in np.ndenumerate(labels):
        ax.text(col, row, cell_text(label, cell_chars), ha="center", va="center", fontsize=CELL, linespacing=1.0)
    ax.set_xticks(range(len(cx)), [tick(v) for v in cx])
    ax.set_yticks(range(len(cy)), [tick(v) for v in cy])
    ax.set_xlabel(wrap(names.get(x, x), chars(width - 2.0, 12)))
    ax.set_ylabel(wrap(names.get(y, y), chars(height, 12)))
    ax.set_title(wrap(f"{who or actor}: its reaction over two assumptions", chars(width - 1.7, TITLE * 1.05)),
                 loc="left", fontsize=TITLE, fontweight="bold")
    ax.tick_params(length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    shown = [k for k in LABELS if k in set(labels.ravel())]
    _legend(fig, shown, "Colour: the reaction most often seen in that cell; paler: seen less often.", width)
    _save(fig, path)


AXIS = {"ST": "total-order Sobol index: share of the variance, interactions included",
        "mu_star": "Morris mu*: mean absolute change of the outcome over one step of the parameter",
        "main_effect": "main-effect share: variance of the mean at each value / total variance"}


@styled
def sensitivity(summary: dict[str, Any], path: Path) -> bool:
    """The index of each region-wide outcome, per parameter: total-order Sobol, Morris mu*, or (grid, lhs) the
    main-effect share of the variance."""
    data = {o: summary["sensitivity"].get(o) for o in OUTCOMES}
    data = {o: v for o, v in data.items() if v and "error" not in v}
    key = index_key(summary["design"])
    names = summary["parameters"]
    if not data or (key == "main_effect" and len(names) < 2):  # one parameter explains all there is: nothing to rank
        return False
    bar = 0.36  # inches per bar
    fig, ax = plt.subplots(figsize=(10, bar * len(names) * len(data) + 0.3 * len(names) + 2.6), layout="constrained")
    height = 0.8 / len(data)
    top = 0.0
    for k, (outcome, indices) in enumerate(data.items()):
        values = [indices[n][key] for n in names]
        top = max(top, *values)
        bars = ax.barh(np.arange(len(names)) + k * height, values, height=height, label=outcome.replace("_", " "))
        ax.bar_label(bars, [f"{v:.3g}" if key == "mu_star" else f"{v:.2f}" for v in values], padding=3,
                     fontsize=CELL)
    ax.set_yticks(np.arange(len(names)) + height * (len(data) - 1) / 2, [wrap(name_of(summary, n), 26)
                                                                          for n in names])
    ax.invert_yaxis()
    if key in ("ST", "main_effect"):
        ax.set_xlim(0, max(1.0, top * 1.12))
    else:
        ax.set_xlim(0, top * 1.15 or 1.0)
    ax.set_xlabel(wrap(AXIS[key], 70))
    ax.set_title(wrap("Which assumption drives the region-wide outcomes", chars(9.0, TITLE * 1.05)), loc="left",
                 fontsize=TITLE, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncol=len(data), frameon=False, fontsize=LEGEND)
    _save(fig, path)
    return True


def write_all(points: pd.DataFrame, summary: dict[str, Any], out: Path) -> list[Path]:
    written = []
    ok = valid(points)
    for name in summary["parameters"]:
        if ok[name].nunique() < 2:  # nothing to flip along
            continue
        path = out / chart_name(name)
        flips(points, name, summary["design"] == "grid", path, name_of(summary, name))
        written.append(path)
    for m in summary["phase_maps"]:
        path = out / phase_name(m["actor"], m["x"], m["y"])
        phase_map(points, m["actor"], m["x"], m["y"], summary["design"] == "grid", path,
                  summary.get("parameter_names"), summary.get("actor_names", {}).get(m["actor"]))
        written.append(path)
    if sensitivity(summary, out / "sensitivity.png"):
        written.append(out / "sensitivity.png")
    return written
