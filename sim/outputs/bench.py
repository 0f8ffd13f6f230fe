"""The score of a set of scenarios against their expectations, as one chart: which episodes the model gets right."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from sim.concepts.labels import COLOURS
from sim.outputs.style import styled


@styled
def scores(rows: list[dict], path: Path) -> None:
    """One bar per file: expectations that hold, and those that do not."""
    rows = [r for r in rows if r["total"]]
    passed, total = sum(r["passed"] for r in rows), sum(r["total"] for r in rows)
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(rows) + 1.6))
    names = [Path(r["file"]).stem.replace("_", " ") for r in rows][::-1]
    for y, r in enumerate(rows[::-1]):
        ax.barh(y, r["passed"], color=COLOURS["welcomes"], height=0.7)
        ax.barh(y, r["total"] - r["passed"], left=r["passed"], color=COLOURS["opposes"], height=0.7, alpha=0.6)
        ax.text(r["total"] + 0.2, y, f"{r['passed']} of {r['total']}", va="center", fontsize=10)
    ax.set_yticks(range(len(rows)), names)
    ax.set_xlabel("expectations")
    ax.set_title(f"Expectations that hold: {passed} of {total} ({passed / max(total, 1):.0%})", loc="left")
    ax.legend([plt.Rectangle((0, 0), 1, 1, color=COLOURS["welcomes"]),
               plt.Rectangle((0, 0), 1, 1, color=COLOURS["opposes"], alpha=0.6)], ["holds", "does not hold"],
              loc="upper center", bbox_to_anchor=(0.5, -0.5 / (len(rows) + 2) - 0.08), ncol=2, frameon=False)
    ax.set_xlim(0, max(r["total"] for r in rows) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
