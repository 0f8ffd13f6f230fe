"""Events aimed at a state (sanctions, an embargo, a war): the target is a party the others act against, so
reactions are measured toward the initiators, and moving toward the target counts as moving toward their rival."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from sim.measure.experiment import run
from sim.scenario import ScenarioError, validate_dict

OneEvent = Callable[[dict[str, Any]], dict[str, Any]]  # the `one_event` fixture (conftest.py)


def sanctions(one_event: OneEvent, target: list[str]) -> dict:
    return one_event({
        "name": "sanctions", "at": 6, "description": "one state cuts another off", "parties": ["USA", "RUS"],
        "target": target, "source": "a test",
        "effects": [{"alignment": {"between": ["USA", "RUS"], "delta": -0.2}},
                    {"trade_share": {"of": "RUS", "to": "USA", "delta": -0.02}}],
    })


def test_reactions_are_measured_toward_the_initiators(one_event: OneEvent) -> None:
    result = run(validate_dict(sanctions(one_event, ["RUS"])))
    r = result.reactions
    usa, rus, chn = (r.codes.index(c) for c in ("USA", "RUS", "CHN"))
    assert r.parties == (usa,) and r.targets == (rus,)
    # toward the parties is toward the initiator alone, not an average with the target
    assert np.allclose(r.toward_parties[:, chn], r.d_alignment[:, chn, usa])
    untargeted = run(validate_dict(sanctions(one_event, []))).reactions
    assert set(untargeted.parties) == {usa, rus}


@pytest.mark.parametrize(("target", "says"), [
    (["CHN"], r"events\[0\].target\[0\]: CHN is not a party to this event; a target is one of the parties"),
    (["USA", "RUS"], r"events\[0\].target: every party is a target: who acts\?"),
])
def test_a_target_must_be_a_party_and_not_all_of_them(one_event: OneEvent, target: list[str],
                                                       says: str) -> None:
    with pytest.raises(ScenarioError, match=says):
        validate_dict(sanctions(one_event, target))
