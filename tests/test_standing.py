"""Standing: a breach of a norm most states share (a nuclear test, an annexation) makes the state less like every
other, so the values interest of each pulls it away from the state (docs/model.md, "Standing")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.concepts.interests import setting
from sim.measure.experiment import run
from sim.model import kernel
from sim.model.params import compile_scenario
from sim.scenario import validate_dict
from sim.scenario.schema import Scenario

OneEvent = Callable[[dict[str, Any]], dict[str, Any]]  # the `one_event` fixture (conftest.py)


def breach(one_event: OneEvent, delta: float) -> Scenario:
    return validate_dict(one_event({"name": "test", "at": 6, "description": "a state breaks a shared norm",
                                    "parties": ["PAK"], "source": "a test",
                                    "effects": [{"standing": {"actor": "PAK", "delta": delta}}]}))


def test_a_breach_lowers_the_similarity_of_the_state_with_every_other(one_event: OneEvent) -> None:
    p = compile_scenario(breach(one_event, -0.5))
    state = kernel.initial_state(p)
    similar0 = setting(state, p).similar.copy()
    kernel.apply_event(state, p.events[0])
    similar = setting(state, p).similar
    pak = p.codes.index("PAK")
    others = [i for i in range(p.n) if i != pak]
    drop = similar0[0, pak, others] - similar[0, pak, others]
    assert np.all(drop > 0.0) and np.all(drop <= 0.5 + 1e-12)
    np.testing.assert_array_equal(similar[0, pak], similar[0, :, pak])
    rest = np.ix_(others, others)
    np.testing.assert_array_equal(similar[0][rest], similar0[0][rest])  # nobody else's likeness moved


def test_others_move_away_from_the_state_that_breached_the_norm(one_event: OneEvent) -> None:
    r = run(breach(one_event, -0.5)).reactions
    pak = r.codes.index("PAK")
    toward = np.delete(r.d_alignment[:, :, pak].mean(axis=0), pak)
    assert toward.mean() < -0.005
    assert (toward < 0).sum() > len(toward) / 2
