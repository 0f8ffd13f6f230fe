"""Grievance: a state an event harmed (security or economy at impact) holds it against those who acted, less so
if they are its friends (docs/model.md, "Grievance")."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from sim.measure.analysis import explain
from sim.measure.experiment import Result
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
    params = replace(params, grievance=np.full_like(params.grievance, 0.07),
                     forgiveness=np.full_like(params.forgiveness, 3.0))  # off the defaults, so a misused one shows
    before, after, impact, cal = struck(params)
    event = signing(params)
    pak, chn = params.codes.index("PAK"), params.codes.index("CHN")
    resented = [k for k, x in enumerate(params.interests) if x.name in kernel.RESENTED]
    harm = -(impact[0, pak, resented] * params.weights[0, pak, resented] / cal.stakes[0, pak, resented]).sum()
    assert harm > 0.1, "the seed's Pakistan must be harmed for this test to mean anything"
    for j in event.parties:
        friend = max(before.anchor[0, pak, j], 0.0)
        expected = before.anchor[0, pak, j] - params.grievance[0] * harm * (1 - friend) ** params.forgiveness[0]
        assert expected > -1.0, "the clip must not hide the formula"
        assert after.anchor[0, pak, j] == pytest.approx(expected)
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


def test_a_friend_is_forgiven_in_proportion(params: Params) -> None:
    cal = kernel.calibrate(params)
    usa, ind, jpn = (params.codes.index(c) for c in ("USA", "IND", "JPN"))
    drops = {}
    for f in (1.0, 4.0):
        p = replace(params, forgiveness=np.full_like(params.forgiveness, f))
        state = kernel.initial_state(p)
        state.anchor[0, jpn, usa], state.anchor[0, jpn, ind] = 0.5, 0.0
        kernel.resent(state, p, cal, signing(p), one_loss(p, "security", 0.01))
        drops[f] = (0.5 - state.anchor[0, jpn, usa], -state.anchor[0, jpn, ind])
    for f, (friend, stranger) in drops.items():
        assert stranger > 0.0 and friend == pytest.approx(stranger * 0.5**f)  # (1 - 0.5)^f of a stranger's


def test_those_who_acted_together_do_not_resent_each_other(params: Params) -> None:
    state = kernel.initial_state(params)
    before = state.anchor.copy()
    usa, ind = (params.codes.index(c) for c in ("USA", "IND"))
    kernel.resent(state, params, kernel.calibrate(params), signing(params), one_loss(params, "security", 1.0))
    assert state.anchor[0, usa, ind] == before[0, usa, ind] and state.anchor[0, ind, usa] == before[0, ind, usa]


def test_the_explanation_says_whom_a_state_holds_the_events_against(seed_result: Result) -> None:
    """China's grievance shows in words with its size; Russia's falls on the U.S., India being forgiven; Japan,
    unharmed, holds nothing against anyone."""
    r, names = seed_result.reactions, {c: a.name for c, a in seed_result.scenario.actors.items()}

    def words(code: str) -> str:
        return explain(r, r.codes.index(code), names)

    assert re.search(r"It holds the events against United States \(commitment -0\.\d+\), India", words("CHN"))
    assert "against United States" in words("RUS") and "India (commitment" not in words("RUS")
    assert "holds the events against" not in words("JPN")
