"""network.png draws the ties the events moved beyond noise, and only those, each the way summary.json says."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from sim.measure.experiment import Result
from sim.outputs import charts, summary


def test_the_arrows_are_the_moved_ties_of_summary_json(seed_result: Result, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[Figure] = []
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: (drawn.append(fig), save(fig, *a, **k))[1])
    charts.network(seed_result, tmp_path / "network.png")
    arrows = {p.get_gid(): p for p in drawn[0].axes[0].patches if isinstance(p, FancyArrowPatch)}
    moved = {f"{code}->{other}": change for code, a in summary.build(seed_result)["actors"].items()
             for other, change in a["alignment_moved"].items()}
    assert arrows.keys() == moved.keys()
    assert 0 < len(moved) < 18 * 17  # some ties stay within the noise, and are not drawn
    for gid, change in moved.items():
        colour = to_hex(arrows[gid].get_edgecolor(), keep_alpha=False)
        assert colour == (charts.GAIN_TIE if change > 0 else charts.LOSS), gid
    # the tie the old chart averaged away: the U.S. moved toward Pakistan while Pakistan moved away from it
    assert moved["USA->PAK"] > 0 > moved["PAK->USA"]
    assert (tmp_path / "network.png").read_bytes()[:4] == b"\x89PNG"
