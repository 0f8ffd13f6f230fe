"""Shared fixtures: the seed scenario, loaded and run once per test session."""

from __future__ import annotations

from sim import tuning

# ruff: noqa: E402 (the imports below must come after this)
tuning.tune()  # the tests run in the process the command line would set up

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim.measure.experiment import Result, run
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"


@pytest.fixture(scope="session")
def seed_scenario() -> Scenario:
    return load_scenario(SEED)


@pytest.fixture(scope="session")
def seed_result(seed_scenario: Scenario) -> Result:
    return run(seed_scenario)


@pytest.fixture(scope="session")
def one_event(seed_scenario: Scenario) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The seed's world with one event of the test's own instead of its timeline, no expectations and 8 replicates:
    a small scenario, as data, for a test to validate (or to see refused)."""

    def make(event: dict[str, Any]) -> dict[str, Any]:
        data = seed_scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["run"]["replications"] = 8
        data["expectations"] = []
        data["events"] = [event]
        return data

    return make
