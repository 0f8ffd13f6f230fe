"""A sweep speaks of its parameters in words: "Russia: influence weight", not actors.RUS.interests.influence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from sim.cli import main
from sim.scenario import load_scenario
from sim.scenario.names import readable

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
WEIGHT = "actors.RUS.interests.influence"
EFFECT = "events.framework_signed.effects.2.arms_share.delta"
DOTTED = re.compile(r"\w+\.\w+\.\w+")  # a parameter path: two dots or more between words


def test_paths_read_as_words() -> None:
    s = load_scenario(SEED)
    assert readable(WEIGHT, s) == "Russia: influence weight"
    assert readable(EFFECT, s) == "framework signed: India's arms share from United States"
    assert readable("events.framework_signed.effects.0.alignment.delta", s) == (
        "framework signed: alignment of United States and India")
    assert readable("model.solidarity", s).startswith("model: solidarity (weight in its stance")
    assert readable("no.such.path", s) == "no.such.path"  # exact, if nothing better is known


def test_every_chart_title_and_axis_names_the_parameters_in_words(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    drawn: list[Figure] = []
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: (drawn.append(fig), save(fig, *a, **k))[1])
    out = tmp_path / "sweep"
    assert main(["sweep", str(SEED), "--param", f"{WEIGHT}=0,0.05,0.1,0.2,0.4", "--param", f"{EFFECT}=0,0.1",
                 "-r", "2", "-q", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    charts = [f for f in drawn if f.axes]
    assert len(charts) >= 4  # two flips charts, a phase map, the sensitivity chart
    texts = []
    for fig in charts:
        for ax in fig.axes:
            texts += [ax.get_title(loc="left"), ax.get_title(), ax.get_xlabel(), ax.get_ylabel(),
                      *(t.get_text() for t in ax.get_yticklabels())]
        texts += [t.get_text() for t in fig.texts]
    shown = " ".join(" ".join(t.split()) for t in texts)
    assert not DOTTED.search(shown), DOTTED.search(shown)
    assert "Russia: influence weight" in shown and "framework signed: India's arms share from United States" in shown
    # the command line says it in words too, and the sensitivity as a sentence
    lines = " ".join(printed.split())
    assert "when Russia: influence weight >" in lines
    assert 'depends most on "' in lines and "(main_effect)" not in lines
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameter_names"][WEIGHT] == "Russia: influence weight"
