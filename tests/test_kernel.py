"""The model's mathematics: analytic gradients, calibration, and events that touch only their parties."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.concepts.effects import shift_share
from sim.concepts.interests import setting, terms
from sim.model import kernel
from sim.model.engine import simulate
from sim.model.params import Params, compile_scenario
from sim.scenario.schema import Scenario


@pytest.fixture(scope="module")
def params(seed_scenario: Scenario) -> Params:
    return compile_scenario(seed_scenario)


def jiggled(params: Params) -> kernel.State:
    """A state away from the calibration point, so that no term sits at a special value."""
    state = kernel.initial_state(params)
    rng = np.random.default_rng(0)
    off = 1.0 - np.eye(params.n)
    state.alignment = np.clip(state.alignment + rng.normal(0, 0.08, state.alignment.shape) * off, -1, 1)
    state.posture = state.posture * (1 + rng.normal(0, 0.05, state.posture.shape))
    return state


def values(state: kernel.State, params: Params) -> np.ndarray:
    return kernel.interests(state, params, terms(state, params, setting(state, params)))


def assert_gradients_match_finite_differences(params: Params, state: kernel.State) -> None:
    """Every interest's analytic gradient against central differences: every partner of three actors (a large
    one, a middle one, a small one) and every posture."""
    ga, gp = kernel.interest_gradients(state, params, terms(state, params, setting(state, params)))
    names = [x.name for x in params.interests]
    h = 1e-6
    n = params.n
    for i in (0, n // 2, n - 1):
        for j in range(n):
            if i == j:
                continue
            up, down = state.copy(), state.copy()
            up.alignment[0, i, j] += h
            down.alignment[0, i, j] -= h
            fd = (values(up, params)[0, i] - values(down, params)[0, i]) / (2 * h)
            np.testing.assert_allclose(ga[0, i, j], fd, rtol=1e-5, atol=1e-7, err_msg=f"d/dA[{i},{j}] {names}")
    for i in range(n):
        up, down = state.copy(), state.copy()
        up.posture[0, i] += h
        down.posture[0, i] -= h
        fd = (values(up, params)[0, i] - values(down, params)[0, i]) / (2 * h)
        np.testing.assert_allclose(gp[0, i], fd, rtol=1e-5, atol=1e-7, err_msg=f"d/dP[{i}] {names}")


def test_gradients_match_finite_differences(params: Params) -> None:
    assert len(params.interests) == 6
    assert_gradients_match_finite_differences(params, jiggled(params))


def test_observed_state_is_an_equilibrium(params: Params) -> None:
    state = kernel.initial_state(params)
    cal = kernel.calibrate(params)
    ga, gp = kernel.pressures(state, params, cal, kernel.derive(state, params, cal))
    assert np.abs(ga).max() < 1e-12
    assert np.abs(gp).max() < 1e-12


def test_baseline_does_not_drift(params: Params) -> None:
    """Without events the world stays where it was observed: no tie moves by more than a couple of steps."""
    twin = simulate(params, [(1, 0, r, 0) for r in range(8)], with_events=False)
    drift = np.abs(twin.alignment[:, -24:].mean(axis=1).mean(axis=0) - twin.alignment[0, 0])
    assert drift.max() < 0.01
    assert np.abs(twin.posture[:, -24:].mean(axis=(0, 1)) - 1.0).max() < 0.01


def test_events_change_only_their_parties(params: Params) -> None:
    state = kernel.initial_state(params)
    before = state.copy()
    for event in params.events:
        kernel.apply_event(state, event)
    parties = {i for e in params.events for i in e.parties}
    others = [i for i in range(params.n) if i not in parties]
    assert parties and others, "the seed must have parties and bystanders for this test to mean anything"
    changed_a = np.argwhere(state.alignment[0] != before.alignment[0])
    assert len(changed_a), "the seed's events must move some alignment"
    assert all(i in parties and j in parties for i, j in changed_a)
    assert not np.array_equal(state.technology[0], before.technology[0])
    assert np.array_equal(state.capability[0, others], before.capability[0, others])
    assert np.array_equal(state.technology[0, others], before.technology[0, others])
    # arms shares of non-parties as importers are untouched; a party's row still sums to what it did
    assert not np.array_equal(state.arms[0], before.arms[0])
    assert np.array_equal(state.arms[0, others], before.arms[0, others])
    np.testing.assert_allclose(state.arms[0].sum(axis=1), before.arms[0].sum(axis=1))


def test_share_shift_keeps_the_total() -> None:
    shares = np.zeros((1, 4, 4))
    shares[0, 0] = [0.0, 0.36, 0.33, 0.10]
    shift_share(shares, 0, 3, np.array([0.10]))
    assert shares[0, 0, 3] == pytest.approx(0.20)
    assert shares[0, 0].sum() == pytest.approx(0.79)
    assert shares[0, 0, 1] / shares[0, 0, 2] == pytest.approx(0.36 / 0.33)
    assert not shares[0, 1:].any()


def test_steady_interests_do_not_move_with_the_choices(params: Params) -> None:
    """An interest marked steady has its gradient summed once per event; if alignment or posture moved it, its
    pull would be frozen between events. Its gradients at a jiggled state must equal those at the start."""
    start, moved = kernel.initial_state(params), jiggled(params)
    steady = [x for x in params.interests if x.steady]
    assert [x.name for x in steady] == ["economy", "values"]
    for interest in steady:
        at_start = interest.gradient(start, params, terms(start, params, setting(start, params)))
        after = interest.gradient(moved, params, terms(moved, params, setting(moved, params)))
        for a, b in zip(at_start, after, strict=True):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_array_equal(np.broadcast_to(a, b.shape), b, err_msg=interest.name)
    for interest in (x for x in params.interests if not x.steady):  # and the check can tell the difference
        ga0, _ = interest.gradient(start, params, terms(start, params, setting(start, params)))
        ga1, _ = interest.gradient(moved, params, terms(moved, params, setting(moved, params)))
        assert not np.array_equal(ga0, ga1), interest.name


def test_a_cut_in_posture_is_resisted_harder_than_a_rise(params: Params) -> None:
    """Loss aversion holds for defence effort too: budgets fall slower than they rise (docs/model.md)."""
    cal = kernel.calibrate(params)
    neutral = replace(params, loss_aversion=np.ones_like(params.loss_aversion))
    for step, extra in ((+0.01, 0.0), (-0.01, params.loss_aversion[0] - 1.0)):
        state = kernel.initial_state(params)
        state.posture = params.posture0 + step
        d = kernel.derive(state, params, cal)
        _, g = kernel.pressures(state, params, cal, d)
        _, g1 = kernel.pressures(state, neutral, cal, d)
        np.testing.assert_allclose(g - g1, -extra * cal.pull_p * step, atol=1e-12)
