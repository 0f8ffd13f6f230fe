"""Shared fixtures: the seed scenario, loaded and run once per test session."""

from __future__ import annotations

from sim import tuning

# ruff: noqa: E402 (the imports below must come after this)
tuning.tune()  # the tests run in the process the command line would set up

from pathlib import Path

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
