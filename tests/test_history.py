"""The history bench keeps its own rules (history/README.md): every episode valid, written from data with the
weights book's judgment, every expectation sourced, and the three outside-check episodes nowhere."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
import yaml

from sim.scenario import load_scenario, load_weights

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "history"
EPISODES = sorted(p for p in HISTORY.glob("*.yaml") if p.name != "weights.yaml")
# history/README.md: the only sizes an episode may give each kind of effect
MENU = {"alignment": {0.2, 0.1, 0.05}, "trade_share": {0.05}, "arms_share": {0.1}, "standing": {0.5}}


def test_there_is_a_bench() -> None:
    assert len(EPISODES) >= 3


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_episode_keeps_the_rules(path: Path) -> None:
    scenario = load_scenario(path)
    text = path.read_text(encoding="utf-8")
    assert "TO FILL IN" not in text
    book = load_weights(HISTORY / "weights.yaml").weights
    for code, actor in scenario.actors.items():
        assert code in book, f"{code} has no weights in the book"
        assert actor.interests == pytest.approx(book[code].interests), f"{code}'s weights are not the book's"
    assert len(scenario.events) == 1 and scenario.events[0].at == 6
    for effect in scenario.events[0].effects:
        delta = getattr(effect, "delta", None)
        assert delta is None or abs(delta) in MENU.get(effect.kind, set()), f"{effect.kind} {delta} is not on the menu"
        assert getattr(effect, "factor", 1.1) == 1.1, "a capability factor other than the menu's 1.1"
        if effect.kind == "standing":
            assert delta < 0, "the menu lowers standing (a breach of a norm); it never raises it"
    assert scenario.expectations
    for e in scenario.expectations:
        assert re.match(r"https?://", e.source), f"{e.expect}: source is not a URL"


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_the_outside_check_stays_outside(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    for word in ("aukus", "quadrilateral security dialogue", "civil nuclear", "123 agreement", "nuclear deal",
                 "nuclear agreement"):
        assert word not in text and word.replace(" ", "_") not in path.stem.lower()


def test_the_weights_book_is_valid() -> None:
    book = load_weights(HISTORY / "weights.yaml")
    assert len(book.weights) >= 18
    doc = yaml.safe_load((HISTORY / "weights.yaml").read_text())
    assert set(doc["weights"]) == set(book.weights)


def test_every_episode_is_on_one_side_of_the_split() -> None:
    """history/score.py reports the episodes tuned on and those held back; each episode is on exactly one side."""
    score = runpy.run_path(str(HISTORY / "score.py"))  # the script's names, without running its main
    sides = list(score["TUNED_ON"]) + list(score["HELD_BACK"])
    assert sorted(sides) == sorted(p.stem for p in EPISODES)
    assert len(set(sides)) == len(sides)
