"""Same seed, same numbers; the Mesa model and the batch engine agree to the last bit."""

from __future__ import annotations

import numpy as np

from sim.model.engine import simulate
from sim.model.mesa_model import ReactionModel
from sim.model.params import Params, compile_scenario
from sim.scenario.schema import Scenario


def test_mesa_model_equals_batch_engine(seed_scenario: Scenario) -> None:
    params = compile_scenario(seed_scenario)
    assert_drivers_agree(params)


def test_drivers_agree_on_a_breach_of_a_norm_aimed_at_a_state() -> None:
    """Standing, a target and grievance, all in one history episode: both drivers still agree to the last bit."""
    from pathlib import Path

    from sim.scenario import load_scenario

    episode = Path(__file__).resolve().parent.parent / "history" / "2014_russia_crimea_annexation.yaml"
    params = compile_scenario(load_scenario(episode))
    assert {e.kind for e in params.events[0].effects} >= {"standing", "alignment"} and params.events[0].targets
    assert_drivers_agree(params)


def assert_drivers_agree(params: Params) -> None:
    for with_events in (True, False):
        model = ReactionModel(params, (7, 0, 3, 0), with_events)
        while model.running:
            model.step()
        batch = simulate(params, [(7, 0, 2, 0), (7, 0, 3, 0), (7, 0, 4, 0)], with_events)
        assert np.array_equal(model.state.alignment[0], batch.alignment[1, -1])
        assert np.array_equal(model.state.posture[0], batch.posture[1, -1])
    frame = model.datacollector.get_agent_vars_dataframe()
    assert len(frame) == (params.steps + 1) * params.n
    # the whole path, not only where it ends: every month's posture of every agent (the twin's, last run above)
    postures = frame["posture"].to_numpy().reshape(params.steps + 1, params.n)
    assert np.array_equal(postures, batch.posture[1])


def test_a_run_does_not_depend_on_its_batch(seed_scenario: Scenario) -> None:
    params = compile_scenario(seed_scenario)
    alone = simulate(params, [(5, 2, 9, 0)])
    crowd = simulate(params, [(5, 2, r, 0) for r in range(12)])
    assert np.array_equal(alone.alignment[0], crowd.alignment[9])


def test_same_seed_same_numbers_different_seed_different_numbers(seed_scenario: Scenario) -> None:
    from sim.measure.experiment import run

    small = seed_scenario.model_copy(deep=True)
    small.run.replications = 4
    a, b = run(small), run(small)
    assert np.array_equal(a.event.alignment, b.event.alignment)
    assert np.array_equal(a.reactions.labels, b.reactions.labels)
    small.run.seed += 1
    c = run(small)
    assert not np.array_equal(a.event.alignment, c.event.alignment)


def test_one_version_number() -> None:
    """Resuming a sweep checks the version, so the package metadata and the code must agree on it."""
    import tomllib
    from pathlib import Path

    import sim

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == sim.__version__
