"""The rule that runs no model, and the Brier score: how each statement is read, and the tables counted on the
tuning episodes."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim.measure import baseline
from sim.scenario import load_scenario, validate_dict
from sim.scenario.statements import parse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sanctions(one_event: Callable[[dict[str, Any]], dict[str, Any]]):
    """The seed's world, where the U.S. and Japan sanction China."""
    data = one_event({"name": "sanctions", "at": 2, "description": "sanctions", "source": "x",
                      "parties": ["USA", "JPN", "CHN"], "target": ["CHN"],
                      "effects": [{"alignment": {"between": ["USA", "CHN"], "delta": -0.2}}]})
    data["expectations"] = [{"expect": e, "source": "x"} for e in (
        "RUS words criticises", "RUS deeds keeps", "USA welcomes", "CHN words criticises", "PAK words supports")]
    return validate_dict(data, "test")


def test_roles(sanctions) -> None:
    role = baseline.roles(sanctions)
    assert (role["USA"], role["JPN"], role["CHN"], role["RUS"]) == ("initiator", "initiator", "target", "bystander")


@pytest.mark.parametrize(("statement", "holds"), [
    ("USA welcomes", True), ("USA words supports", True), ("USA deeds closer", True), ("USA hedges", False),
    ("CHN opposes", True), ("CHN words criticises", True), ("CHN deeds distances", True),
    ("CHN deeds counters", False),
    ("RUS hedges", True), ("RUS words criticises", True), ("RUS deeds keeps", True), ("RUS words neutral", False),
    ("RUS words neutral or criticises", True), ("RUS words supports or deeds keeps", True),
    ("RUS counterbalances", False),
    ("alignment RUS->CHN up", True), ("alignment RUS->CHN down", False), ("alignment RUS->CHN not down", True),
    ("posture RUS up", True), ("interest RUS.economy not up", False),
    ("most of quad: welcomes", False),  # USA and JPN welcome, AUS and IND hedge: two of four is not most
    ("at least 2 of quad: welcomes", True),
])
def test_how_the_rule_reads_each_statement(sanctions, statement: str, holds: bool) -> None:
    assert baseline.holds(parse(statement), sanctions) is holds


def test_observed_labels_come_from_words_and_deeds_together(sanctions) -> None:
    seen = baseline.observed_labels(sanctions)
    assert seen == {"RUS": ("hedges",), "USA": ("welcomes",)}  # CHN and PAK have words only: left out


def test_brier_known_answers() -> None:
    sure = {"A": {"hedges": 1.0}, "B": {"welcomes": 0.5, "hedges": 0.5}}
    assert baseline.brier(sure, {"A": ("hedges",)}) == 0.0
    assert baseline.brier(sure, {"A": ("welcomes",)}) == 2.0  # sure and wrong
    assert baseline.brier(sure, {"B": ("welcomes",)}) == pytest.approx(0.5)  # 0.25 + 0.25
    assert baseline.brier(sure, {"B": ("welcomes", "hedges")}) == 0.0  # two alternatives, half each
    assert baseline.brier(sure, {}) is None


def test_the_tables_are_those_of_the_tuning_episodes() -> None:
    """CHANGE_DIRECTION and BASE_RATES are counted on the tuning episodes; a re-coded or added episode that changes
    them must change them here too (run this test's count and paste it)."""
    tuned = runpy.run_path(str(ROOT / "history" / "score.py"))["TUNED_ON"]
    change, rates = baseline.count_tables(load_scenario(ROOT / "history" / f"{name}.yaml") for name in tuned)
    assert change == baseline.CHANGE_DIRECTION
    assert rates == baseline.BASE_RATES
    for role, p in rates.items():
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-3), role
