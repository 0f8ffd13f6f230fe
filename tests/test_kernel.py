"""The model's mathematics: analytic gradients, calibration, and events that touch only their parties."""

from __future__ import annotations

import numpy as np
import pytest

from sim import kernel
from sim.engine import simulate
from sim.schema import Scenario
from sim.world import INTERESTS, compile_scenario


@pytest.fixture(scope="module")
def params(seed_scenario: Scenario):
    return compile_scenario(seed_scenario)


def _jiggled(params) -> kernel.State:
    """A state away from the calibration point, so that no term sits at a special value."""
    state = kernel.initial_state(params)
    rng = np.random.default_rng(0)
    off = 1.0 - np.eye(params.n)
    state.alignment = np.clip(state.alignment + rng.normal(0, 0.08, state.alignment.shape) * off, -1, 1)
    state.posture = state.posture * (1 + rng.normal(0, 0.05, state.posture.shape))
    return state


def test_gradients_match_finite_differences(params) -> None:
    state = _jiggled(params)
    ga, gp = kernel.interest_gradients(state, params)
    h = 1e-6
    n = params.n
    # every partner of three actors (a large one, a middle one, a small one) and every posture
    for i in (0, n // 2, n - 1):
        for j in range(n):
            if i == j:
                continue
            up, down = state.copy(), state.copy()
            up.alignment[0, i, j] += h
            down.alignment[0, i, j] -= h
            fd = (kernel.interests(up, params)[0, i] - kernel.interests(down, params)[0, i]) / (2 * h)
            np.testing.assert_allclose(ga[0, i, j], fd, rtol=1e-5, atol=1e-7,
                                       err_msg=f"d/dA[{i},{j}] ({', '.join(INTERESTS)})")
    for i in range(n):
        up, down = state.copy(), state.copy()
        up.posture[0, i] += h
        down.posture[0, i] -= h
        fd = (kernel.interests(up, params)[0, i] - kernel.interests(down, params)[0, i]) / (2 * h)
        np.testing.assert_allclose(gp[0, i], fd, rtol=1e-5, atol=1e-7, err_msg=f"d/dP[{i}]")


def test_observed_state_is_an_equilibrium(params) -> None:
    state = kernel.initial_state(params)
    ga, gp = kernel.pressures(state, params)
    assert np.abs(ga).max() < 1e-12
    assert np.abs(gp).max() < 1e-12


def test_baseline_does_not_drift(params) -> None:
    """Without events the world stays where it was observed: no tie moves by more than a couple of steps."""
    twin = simulate(params, [(1, 0, r, 0) for r in range(8)], with_events=False)
    drift = np.abs(twin.alignment[:, -24:].mean(axis=1).mean(axis=0) - twin.alignment[0, 0])
    assert drift.max() < 0.01
    assert np.abs(twin.posture[:, -24:].mean(axis=(0, 1)) - 1.0).max() < 0.01


def test_events_change_only_their_parties(params) -> None:
    state = kernel.initial_state(params)
    before = state.copy()
    for event in params.events:
        kernel.apply_event(state, event)
    parties = {i for e in params.events for i in e.parties}
    others = [i for i in range(params.n) if i not in parties]
    changed_a = np.argwhere(state.alignment[0] != before.alignment[0])
    assert all(i in parties and j in parties for i, j in changed_a)
    assert np.array_equal(state.capability[0, others], before.capability[0, others])
    assert np.array_equal(state.technology[0, others], before.technology[0, others])
    # arms shares of non-parties as importers are untouched; a party's row still sums to what it did
    assert np.array_equal(state.arms[0, others], before.arms[0, others])
    np.testing.assert_allclose(state.arms[0].sum(axis=1), before.arms[0].sum(axis=1))


def test_share_shift_keeps_the_total() -> None:
    shares = np.array([[[0.0, 0.36, 0.33, 0.10]]])[:, :, :].repeat(1, axis=0)
    shares = np.concatenate([shares, np.zeros((1, 3, 4))], axis=1)
    kernel._shift_share(shares, 0, 3, np.array([0.10]))
    assert shares[0, 0, 3] == pytest.approx(0.20)
    assert shares[0, 0].sum() == pytest.approx(0.79)
    assert shares[0, 0, 1] / shares[0, 0, 2] == pytest.approx(0.36 / 0.33)
