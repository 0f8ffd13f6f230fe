"""A state's stance on an event, part by part, and what it makes the state do (sim/model/stance.py; docs/model.md,
"Reactions"). The parts are checked one at a time on the seed's world with ties set by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.model import kernel, stance
from sim.model.params import Event, Params, compile_scenario
from sim.scenario.schema import Scenario


@pytest.fixture(scope="module")
def params(seed_scenario: Scenario) -> Params:
    p = compile_scenario(seed_scenario)
    ones = np.ones(1)
    return replace(p, harm=ones, solidarity=ones, balance=ones, norms=ones)  # each part raw


def ix(p: Params, *codes: str) -> list[int]:
    return [p.codes.index(c) for c in codes]


def deal(p: Params, delta: float = 0.2, target: bool = False) -> Event:
    """USA and IND move their tie by `delta`; with `target`, IND is the USA's target."""
    from sim.concepts.effects import Compiled

    usa, ind = ix(p, "USA", "IND")
    tie = Compiled("alignment", usa, ind, np.array([delta]), True)
    return Event("deal", 1, (usa, ind), (tie,), (ind,) if target else ())


def appraise(p: Params, event: Event, ties: dict[tuple[str, str], float], impact: dict[tuple[str, str], float]
             | None = None, standing: dict[str, float] | None = None) -> dict[str, dict[str, float]]:
    n, k = p.n, len(p.interests)
    a = np.zeros((1, n, n))
    for (x, y), v in ties.items():
        a[0, p.codes.index(x), p.codes.index(y)] = v
    hit = np.zeros((1, n, k))
    for (x, interest), v in (impact or {}).items():
        hit[0, p.codes.index(x), [i.name for i in p.interests].index(interest)] = v
    st = np.zeros((1, n))
    for x, v in (standing or {}).items():
        st[0, p.codes.index(x)] = v
    parts = stance.appraise(a, st, p, np.ones((1, n, k)), event, hit)
    return {c: dict(zip(stance.PARTS, parts[0, i], strict=True)) for i, c in enumerate(p.codes)}


def test_those_who_act_are_not_asked(params: Params) -> None:
    got = appraise(params, deal(params), {("USA", "IND"): 0.5}, {("USA", "economy"): -1.0})
    assert all(v == 0.0 for v in got["USA"].values()) and all(v == 0.0 for v in got["IND"].values())


def test_harm_counts_losses_only_and_forgives_a_friend(params: Params) -> None:
    impact = {("PAK", "security"): -0.3, ("PAK", "economy"): 0.2, ("JPN", "security"): -0.3,
              ("VNM", "economy"): 0.5, ("CHN", "values"): -0.4}
    ties = {("JPN", "USA"): 0.8, ("JPN", "IND"): 0.4}
    got = appraise(params, deal(params), ties, impact)
    assert got["PAK"]["harm"] == pytest.approx(-0.3)  # the gain in economy does not offset it: a gain is not words
    assert got["VNM"]["harm"] == 0.0
    assert got["JPN"]["harm"] == pytest.approx(-0.3 * (1 - 0.6))  # a friend's act: forgiven as far as the friendship
    assert got["CHN"]["harm"] == 0.0  # values at impact are the broken norm, weighed as norms


def test_solidarity_is_whose_side_a_state_is_on(params: Params) -> None:
    ties = {("JPN", "USA"): 0.8, ("JPN", "IND"): 0.4, ("PAK", "USA"): 0.2, ("PAK", "IND"): -0.6}
    coop = appraise(params, deal(params, 0.2), ties)
    assert coop["JPN"]["solidarity"] == pytest.approx(0.2 * (0.8 + 0.4) / 2)  # with both who act
    quarrel = appraise(params, deal(params, -0.4, target=True), ties)  # USA acts against IND
    assert quarrel["JPN"]["solidarity"] == pytest.approx(0.4 * (0.8 - 0.4))  # more with the USA than with IND
    assert quarrel["PAK"]["solidarity"] == pytest.approx(0.4 * (0.2 + 0.6))  # IND's rival: with the USA


def test_balance_welcomes_a_deal_between_friends_and_regrets_a_quarrel_between_them(params: Params) -> None:
    ties = {("JPN", "USA"): 0.8, ("JPN", "IND"): 0.5, ("PAK", "USA"): 0.4, ("PAK", "IND"): -0.5}
    coop = appraise(params, deal(params, 0.2), ties)
    assert coop["JPN"]["balance"] == pytest.approx(0.2 * 0.8 * 0.5)  # friends join: balanced (> 0)
    assert coop["PAK"]["balance"] == pytest.approx(0.2 * 0.4 * -0.5)  # a friend joins a rival: not (< 0)
    quarrel = appraise(params, deal(params, -0.4, target=True), ties)
    assert quarrel["JPN"]["balance"] < 0 < quarrel["PAK"]["balance"]  # two friends fall out; a friend turns on a rival


def test_a_broken_norm_is_judged_through_ties_with_who_broke_it(params: Params) -> None:
    ties = {("JPN", "USA"): 0.8, ("CHN", "USA"): -0.6}
    got = appraise(params, deal(params, 0.0, target=True), ties, standing={"USA": -0.5})
    assert got["CHN"]["norms"] == pytest.approx(-0.5)
    assert got["JPN"]["norms"] == pytest.approx(-0.5 * (1 - 0.8))  # a friend spares it


def committed(p: Params, event: Event, stances: dict[str, tuple[float, float]]) -> tuple[kernel.State, kernel.State]:
    """The anchors before and after `commit`, each named state with (solidarity, norms) parts as given."""
    state = kernel.initial_state(p)
    before = state.copy()
    parts = np.zeros((1, p.n, len(stance.PARTS)))
    for code, (side, norm) in stances.items():
        parts[0, p.codes.index(code), stance.PARTS.index("solidarity")] = side
        parts[0, p.codes.index(code), stance.PARTS.index("norms")] = norm
    stance.commit(state, replace(p, resolve=np.array([0.1]), acts_above=np.array([1.0]),
                                 acts_below=np.array([2.0])), event, parts)
    return before, state


def test_past_a_line_a_state_acts(params: Params) -> None:
    usa, ind, jpn, gbr, pak, chn, rus = ix(params, "USA", "IND", "JPN", "GBR", "PAK", "CHN", "RUS")
    before, after = committed(params, deal(params, -0.4, target=True),
                              {"JPN": (1.5, 0.0), "GBR": (0.5, 0.0), "PAK": (-3.0, 0.0), "CHN": (0.0, -3.0),
                               "RUS": (-0.5, 0.0)})
    moved = after.anchor[0] - before.anchor[0]
    assert moved[jpn, usa] == pytest.approx(0.1)  # above the line: closer, by a deed
    assert moved[gbr, usa] == 0.0  # below it: words only
    # below minus the line, on the other side (solidarity < 0): counters, away from the USA and toward its target
    assert moved[pak, usa] == pytest.approx(-0.1 * (1 - max(before.anchor[0, pak, usa], 0.0)))  # a friend spared
    assert moved[pak, ind] == pytest.approx(0.1)
    # as far against, but on norms alone: distances itself, does not side with the target; a critic warms to it
    assert moved[chn, usa] < 0 and moved[chn, ind] == pytest.approx(0.05)
    assert moved[rus, ind] == pytest.approx(0.05) and moved[rus, usa] == 0.0
    # those who act on the same side draw together, half a deed: PAK and CHN both act against
    assert moved[pak, chn] == pytest.approx(0.05) and moved[chn, pak] == pytest.approx(0.05)
    assert moved[jpn, pak] == 0.0
    assert (moved[usa] == 0).all()  # those who acted are left as the event left them
    # countering is arming too: the effort PAK's posture is pulled back to rises by a deed; CHN, distancing, does not
    effort = after.effort[0] / before.effort[0] - 1.0
    assert effort[pak] == pytest.approx(0.1) and effort[chn] == 0.0 and effort[jpn] == 0.0


def test_a_target_acting_against_those_who_acted_counters_them(params: Params) -> None:
    usa, ind = ix(params, "USA", "IND")
    before, after = committed(params, deal(params, -0.4, target=True), {"IND": (0.0, -3.0)})
    assert after.anchor[0, ind, usa] < before.anchor[0, ind, usa]  # away from those who acted...
    assert after.effort[0, ind] == pytest.approx(before.effort[0, ind] * 1.1)  # ...and arms: it is on the other side


def test_the_seed_as_the_model_reads_it(seed_result) -> None:
    """The stance each part gives the seed's states, in words (summary and explain say the same)."""
    from sim.measure.analysis import explain

    r = seed_result.reactions
    names = {c: a.name for c, a in seed_result.scenario.actors.items()}
    pak = r.codes.index("PAK")
    text = explain(r, pak, names)
    assert "Pakistan counterbalances" in text and "criticises" in text and "what it costs it" in text
    assert r.stance[:, pak].mean() < 0 < r.stance[:, r.codes.index("JPN")].mean()
    assert "its words are its act" in explain(r, r.codes.index("USA"), names)
