"""network.png draws the ties the events moved beyond noise, and only those, each the way summary.json says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from sim.measure.experiment import Result
from sim.outputs import charts, summary


def test_the_arrows_are_the_moved_ties_of_summary_json(seed_result: Result, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[Figure] = []
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: (drawn.append(fig), save(fig, *a, **k))[1])
    charts.network(seed_result, tmp_path / "network.png")
    [collection] = [c for c in drawn[0].axes[0].collections if isinstance(c, PolyCollection)]
    outlines = collection.get_paths()
    colours = collection.get_facecolors()
    arrows = {url: k for k, url in enumerate(collection.get_urls())}  # an arrow is named by its tie, A->B
    moved = {f"{code}->{other}": change for code, a in summary.build(seed_result)["actors"].items()
             for other, change in a["alignment_moved"].items()}
    assert arrows.keys() == moved.keys()
    assert 0 < len(moved) < 18 * 17  # some ties stay within the noise, and are not drawn
    pos, codes = charts._ring(seed_result), seed_result.params.codes
    assert len(outlines) == len(arrows)
    for gid, change in moved.items():
        colour = to_hex(colours[arrows[gid]], keep_alpha=False)
        assert colour == (charts.GAIN_TIE if change > 0 else charts.LOSS), gid
        i, j = (codes.index(c) for c in gid.split("->"))
        outline = outlines[arrows[gid]].vertices
        way = outline[3] - (outline[0] + outline[6]) / 2  # from the middle of its tail to the point of its head
        assert way @ (pos[j] - pos[i]) > 0.9 * np.linalg.norm(way) * np.linalg.norm(pos[j] - pos[i]), gid
    # the tie the old chart averaged away: the U.S. moved toward Pakistan while Pakistan moved away from it
    assert moved["USA->PAK"] > 0 > moved["PAK->USA"]
    assert (tmp_path / "network.png").read_bytes()[:4] == b"\x89PNG"
