"""The score of a set of scenarios against their expectations, as one chart: which episodes the model gets right,
and where the rule that runs no model does better."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from sim.concepts.labels import COLOURS
from sim.outputs.style import styled


@styled
def scores(rows: list[dict], path: Path) -> None:
    """One bar per file: expectations that hold, and those that do not; a black mark where the rule's count is."""
    rows = [r for r in rows if r["total"]]
    passed, total = sum(r["passed"] for r in rows), sum(r["total"] for r in rows)
    rule = sum(r["baseline"]["passed"] for r in rows)
    height = 0.45 * len(rows) + 1.9
    fig, ax = plt.subplots(figsize=(11, height))
    names = [Path(r["file"]).stem.replace("_", " ") for r in rows][::-1]
    for y, r in enumerate(rows[::-1]):
        ax.barh(y, r["passed"], color=COLOURS["welcomes"], height=0.7)
        ax.barh(y, r["total"] - r["passed"], left=r["passed"], color=COLOURS["opposes"], height=0.7, alpha=0.6)
        ax.plot([r["baseline"]["passed"]] * 2, [y - 0.42, y + 0.42], color="black", lw=2.5)
        ax.text(r["total"] + 0.2, y, f"{r['passed']} of {r['total']} (rule {r['baseline']['passed']})", va="center",
                fontsize=10)
    ax.set_yticks(range(len(rows)), names)
    ax.set_xlabel("expectations")
    ax.set_title(f"Expectations that hold: the model {passed} of {total} ({passed / max(total, 1):.0%}), the rule "
                 f"that runs no model {rule} ({rule / max(total, 1):.0%})", loc="left")
    fig.legend([plt.Rectangle((0, 0), 1, 1, color=COLOURS["welcomes"]),
               plt.Rectangle((0, 0), 1, 1, color=COLOURS["opposes"], alpha=0.6),
               plt.Line2D([0], [0], color="black", lw=2.5)],
              ["holds", "does not hold", "the rule's count (initiators welcome, targets oppose, others hedge)"],
              loc="lower center", ncol=3, frameon=False)
    ax.set_xlim(0, max(r["total"] for r in rows) * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout(rect=(0, 0.45 / height, 1, 1))  # room for the legend below the axis' label
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
