"""Sweep figures for a seminar: where each actor's reaction flips along a parameter, and which assumption
drives the outcomes. Drawn from sweep_summary (one row per point) and summary.json only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba

from sim.concepts.labels import COLOURS as LABEL_COLOURS
from sim.concepts.labels import LABELS
from sim.outputs.files import atomic_write
from sim.outputs.style import styled
from sim.sweep.analysis import OUTCOMES, groups_of, phase, valid
from sim.sweep.store import chart_name, phase_name


@styled
def flips(points: pd.DataFrame, name: str, grid: bool, path: Path) -> None:
    """Actors (rows) by parameter value (columns): colour is the pooled modal reaction, strength its share."""
    ok = valid(points)
    actors = [c.split(".", 1)[1] for c in ok.columns if c.startswith("modal.")]
    groups = groups_of(ok[name], grid)
    centre = ok[name].groupby(groups, observed=True).mean()
    image = np.ones((len(actors), len(centre), 4))
    text = [["" for _ in centre] for _ in actors]
    for row, code in enumerate(actors):
        pooled = ok[[f"share.{code}.{label}" for label in LABELS]].groupby(groups, observed=True).sum()
        shares = pooled.to_numpy() / np.maximum(pooled.to_numpy().sum(axis=1, keepdims=True), 1e-12)
        for col, share in enumerate(shares):
            k = int(np.argmax(share))
            image[row, col] = to_rgba(LABEL_COLOURS[LABELS[k]], alpha=0.35 + 0.65 * float(share[k]))
            text[row][col] = LABELS[k][:4]
    fig, ax = plt.subplots(figsize=(min(16.0, max(7.0, 0.8 * len(centre) + 3)), 0.38 * len(actors) + 2.2))
    ax.imshow(image, aspect="auto", interpolation="nearest")
    for row in range(len(actors)):
        for col in range(len(centre)):
            ax.text(col, row, text[row][col], ha="center", va="center", fontsize=8)
    ax.set_yticks(range(len(actors)), actors)
    ax.set_xticks(range(len(centre)), [f"{v:.3g}" for v in centre])
    ax.set_xlabel(name)
    ax.set_title(f"Where reactions flip: {name}", loc="left", fontsize=13, fontweight="bold")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=LABEL_COLOURS[k]) for k in LABELS]
    ax.legend(handles, LABELS, ncol=6, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.0 / (len(actors) + 4)),
              frameon=False, fontsize=9)
    fig.text(0.01, 0.005, "colour: the reaction most often seen at that value (pooled over the other parameters); "
             "paler: less often", fontsize=8, color="#555")
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, bbox_inches="tight"))
    plt.close(fig)


@styled
def phase_map(points: pd.DataFrame, actor: str, x: str, y: str, grid: bool, path: Path) -> None:
    """One actor's reaction over two parameters at once: where its tipping point along x moves as y changes."""
    labels, shares, cx, cy = phase(points, actor, x, y, grid)
    image = np.ones((*labels.shape, 4))
    for (row, col), label in np.ndenumerate(labels):
        if label:
            image[row, col] = to_rgba(LABEL_COLOURS[label], alpha=0.35 + 0.65 * float(shares[row, col]))
    fig, ax = plt.subplots(figsize=(min(12.0, 0.75 * len(cx) + 3.5), min(9.0, 0.5 * len(cy) + 2.5)))
    ax.imshow(image, aspect="auto", interpolation="nearest", origin="lower")
    for (row, col), label in np.ndenumerate(labels):
        ax.text(col, row, label[:4], ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(cx)), [f"{v:.3g}" for v in cx])
    ax.set_yticks(range(len(cy)), [f"{v:.3g}" for v in cy])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"{actor}: its reaction over two assumptions", loc="left", fontsize=13, fontweight="bold")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    shown = [k for k in LABELS if k in set(labels.ravel())]
    ax.legend([plt.Rectangle((0, 0), 1, 1, color=LABEL_COLOURS[k]) for k in shown], shown, ncol=len(shown),
              loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, fontsize=9)
    fig.text(0.01, 0.005, "colour: the reaction most often seen in that cell (pooled over replicates and any "
             "other parameters); paler: less often", fontsize=8, color="#555")
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, bbox_inches="tight"))
    plt.close(fig)


@styled
def sensitivity(summary: dict[str, Any], path: Path) -> bool:
    """Total-order Sobol indices (or Morris mu*) of the model-level outcomes, per parameter."""
    data = {o: summary["sensitivity"].get(o) for o in OUTCOMES}
    data = {o: v for o, v in data.items() if v and "error" not in v}
    if not data:
        return False
    key = "ST" if summary["design"] == "sobol" else "mu_star"
    names = summary["parameters"]
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(names) * len(data) / 2 + 2.5))
    height = 0.8 / len(data)
    for k, (outcome, indices) in enumerate(data.items()):
        values = [indices[n][key] for n in names]
        ax.barh(np.arange(len(names)) + k * height, values, height=height, label=outcome.replace("_", " "))
    ax.set_yticks(np.arange(len(names)) + height * (len(data) - 1) / 2, names)
    ax.invert_yaxis()
    ax.set_xlabel("total-order Sobol index (share of variance, with interactions)" if key == "ST"
                  else "Morris mu* (mean absolute elementary effect)")
    ax.set_title("Which assumption drives the outcomes", loc="left", fontsize=13, fontweight="bold")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, bbox_inches="tight"))
    plt.close(fig)
    return True


def write_all(points: pd.DataFrame, summary: dict[str, Any], out: Path) -> list[Path]:
    written = []
    ok = valid(points)
    for name in summary["parameters"]:
        if ok[name].nunique() < 2:  # nothing to flip along
            continue
        path = out / chart_name(name)
        flips(points, name, summary["design"] == "grid", path)
        written.append(path)
    for m in summary["phase_maps"]:
        path = out / phase_name(m["actor"], m["x"], m["y"])
        phase_map(points, m["actor"], m["x"], m["y"], summary["design"] == "grid", path)
        written.append(path)
    if sensitivity(summary, out / "sensitivity.png"):
        written.append(out / "sensitivity.png")
    return written
