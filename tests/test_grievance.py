"""Grievance: a state an event harmed (security or economy at impact) holds it against those who acted, less so
if they are its friends (docs/model.md, "Grievance")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.model import kernel
from sim.model.params import Event, Params, compile_scenario
from sim.scenario.schema import Scenario


@pytest.fixture(scope="module")
def params(seed_scenario: Scenario) -> Params:
    return compile_scenario(seed_scenario)


def signing(p: Params) -> Event:
    return next(e for e in p.events if e.name == "framework_signed")


def struck(p: Params) -> tuple[kernel.State, kernel.State, np.ndarray, kernel.Calibration]:
    cal = kernel.calibrate(p)
    state = kernel.initial_state(p)
    before = state.copy()
    _, _, impact = kernel.strike(state, p, cal, signing(p))
    return before, state, impact, cal


def test_a_harmed_bystander_commits_less_to_the_initiators(params: Params) -> None:
    before, after, impact, cal = struck(params)
    event = signing(params)
    pak, chn = params.codes.index("PAK"), params.codes.index("CHN")
    resented = [k for k, x in enumerate(params.interests) if x.name in kernel.RESENTED]
    harm = -(impact[0, pak, resented] * params.weights[0, pak, resented] / cal.stakes[0, pak, resented]).sum()
    assert harm > 0.1, "the seed's Pakistan must be harmed for this test to mean anything"
    for j in event.parties:
        friend = max(before.anchor[0, pak, j], 0.0)
        expected = before.anchor[0, pak, j] - params.grievance[0] * harm * (1 - friend) ** params.forgiveness[0]
        assert after.anchor[0, pak, j] == pytest.approx(max(expected, -1.0))
    # only the ties toward those who acted move: Pakistan's commitment to China is untouched
    assert after.anchor[0, pak, chn] == before.anchor[0, pak, chn]


def test_without_grievance_an_event_leaves_bystanders_commitments_alone(params: Params) -> None:
    quiet = replace(params, grievance=np.zeros_like(params.grievance))
    before, after, _, _ = struck(quiet)
    parties = set(signing(params).parties)
    bystanders = [i for i in range(params.n) if i not in parties]
    np.testing.assert_array_equal(after.anchor[0, bystanders], before.anchor[0, bystanders])


def one_loss(p: Params, interest: str, size: float) -> np.ndarray:
    impact = np.zeros((1, p.n, len(p.interests)))
    impact[0, :, [x.name for x in p.interests].index(interest)] = -size
    return impact


def test_a_lost_share_of_influence_is_competed_for_not_resented(params: Params) -> None:
    state = kernel.initial_state(params)
    before = state.anchor.copy()
    kernel.resent(state, params, kernel.calibrate(params), signing(params), one_loss(params, "influence", 1.0))
    np.testing.assert_array_equal(state.anchor, before)


def test_a_close_friend_is_forgiven(params: Params) -> None:
    state = kernel.initial_state(params)
    usa, ind, jpn = (params.codes.index(c) for c in ("USA", "IND", "JPN"))
    state.anchor[0, jpn, usa], state.anchor[0, jpn, ind] = 1.0, 0.0
    kernel.resent(state, params, kernel.calibrate(params), signing(params), one_loss(params, "security", 0.01))
    assert state.anchor[0, jpn, usa] == 1.0  # an ally's act costs nothing
    assert state.anchor[0, jpn, ind] < 0.0  # a stranger's does
