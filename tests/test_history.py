"""The history bench keeps its own rules (history/README.md): every episode valid, written from its research note
by rule (history/write.py), with the weights book's judgment, every expectation sourced, and the nine outside-check
episodes nowhere."""

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
# history/README.md, "The menu": the only sizes an episode may give each kind of effect
MENU = {"alignment": {0.2, 0.1, 0.05, 0.4, 0.6}, "trade_share": {0.02, 0.05, 0.1}, "arms_share": {0.1},
        "standing": {0.1, 0.25, 0.5, 0.6, 0.75, 1.0}}
CAPABILITY = {1.1, 0.95, 0.8}  # a show of force; a war's and a major war's toll on the target
# The nine episodes kept out of everything, as names and as words an episode about them could not avoid
OUTSIDE_NAMES = re.compile(r"aukus|quad|civil_nuclear|(us|usa|united_states)_india.*nuclear|india_(us|usa)_.*nuclear|"
                           r"2008.*georgia|georgia.*2008|2011.*libya|libya.*2011|2013.*(adiz|air_defen)|"
                           r"(adiz|air_defen).*2013|thaad|2017.*qatar|qatar.*(blockade|2017)|2022.*(ukraine|invasion)|"
                           r"ukraine.*2022")
OUTSIDE_WORDS = ("aukus", "quadrilateral security dialogue", "civil nuclear agreement", "civil nuclear deal",
                 "civil nuclear cooperation", "123 agreement", "thaad",
                 "identification zone", "south ossetia", "resolution 1973", "blockade of qatar", "qatar blockade",
                 "invasion of ukraine")


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
        assert getattr(effect, "factor", 1.1) in CAPABILITY, "a capability factor that is not on the menu"
        if effect.kind == "standing":
            assert delta < 0, "the menu lowers standing (a breach of a norm); it never raises it"
    assert scenario.expectations
    for e in scenario.expectations:
        assert re.match(r"https?://", e.source), f"{e.expect}: source is not a URL"


@pytest.mark.parametrize("path", [*EPISODES, *sorted((HISTORY / "research").glob("*.md"))], ids=lambda p: p.name)
def test_the_outside_check_stays_outside(path: Path) -> None:
    assert not OUTSIDE_NAMES.search(path.stem.lower())
    text = path.read_text(encoding="utf-8").lower()
    for word in OUTSIDE_WORDS:
        assert word not in text, f"{path.name} mentions {word!r}"


def test_the_outside_check_test_would_catch_them() -> None:
    """The patterns above catch the nine by name; the Iran deal of 2015 (JCPOA) is on the bench, not among them."""
    for stem in ("2021_aukus", "2017_quad_revival", "2005_us_india_civil_nuclear_agreement", "2008_russia_georgia_war",
                 "2011_libya_intervention", "2013_china_adiz", "2016_thaad_south_korea", "2017_qatar_blockade",
                 "2022_russia_invasion_of_ukraine"):
        assert OUTSIDE_NAMES.search(stem), stem
    assert not OUTSIDE_NAMES.search("2015_iran_nuclear_deal_jcpoa")


def test_the_defaults_are_the_last_fit() -> None:
    """history/fit.py estimates the reaction settings on the tuning episodes and records them in fit.json; the
    schema's defaults are that record's, so a refit that is not carried into the code (or the reverse) shows."""
    fit = runpy.run_path(str(HISTORY / "fit.py"))
    assert fit["check_defaults"]() == 0
    record = (HISTORY / "fit.json").read_text(encoding="utf-8")
    assert all(name in record for name in fit["TUNED_ON"]) and "leave_one_episode_out" in record
    # the format's reference gives the same defaults, marked as estimated
    import json

    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for path, value in json.loads(record)["settings"].items():
        row = re.search(rf"^\| `{path.rsplit('.', 1)[-1]}` \|[^|]*\| ([^|]*) \|", doc, re.M)
        assert row and row.group(1).strip() == f"{value} *", f"docs/scenario-format.md: {path} is not {value} *"


def test_every_episode_is_what_its_note_gives() -> None:
    """history/write.py writes each episode from its research note by rule; nothing in an episode is typed by hand."""
    write = runpy.run_path(str(HISTORY / "write.py"))
    assert write["main"](["--check"]) == 0
    notes = {p.stem for p in (HISTORY / "research").glob("*.md")} - {"FORMAT"}
    assert notes == {p.stem for p in EPISODES}


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
