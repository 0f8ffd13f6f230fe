"""The label rules of docs/model.md, one row at a time, and which rule wins when several apply."""

from __future__ import annotations

import numpy as np
import pytest

from sim.concepts.labels import COLOURS, LABELS, MEANINGS, assign, glossary
from sim.scenario.statements import parse

THR = {"gain": np.array([0.005]), "loss": np.array([0.025]), "posture": np.array([0.01]),
       "parties": np.array([0.01]), "adversaries": np.array([0.01])}


def one(valence: float, posture: float = 0.0, parties: float = 0.0, rivals: float = 0.0) -> str:
    return str(assign(*(np.array([[x]]) for x in (valence, posture, parties, rivals)), THR)[0, 0])


CASES = [
    (dict(valence=0.02), "welcomes"),
    (dict(valence=0.02, parties=0.05), "welcomes"),
    (dict(valence=0.02, parties=-0.05), "hedges"),
    (dict(valence=0.0, parties=0.05), "engages"),
    (dict(valence=-0.01, parties=0.05), "engages"),  # a small loss is absorbed
    (dict(valence=0.0, parties=-0.05), "opposes"),
    (dict(valence=0.0, posture=0.05), "counterbalances"),
    (dict(valence=0.0, posture=0.05, parties=0.05), "engages"),  # moving closer outranks arming when mixed
    (dict(valence=-0.1), "hedges"),
    (dict(valence=-0.1, parties=0.05, rivals=0.05), "hedges"),  # ties to both sides
    (dict(valence=-0.1, parties=-0.05), "opposes"),
    (dict(valence=-0.1, parties=-0.05, rivals=0.05), "counterbalances"),
    (dict(valence=-0.1, posture=0.05), "counterbalances"),
    (dict(valence=-0.1, posture=0.05, parties=0.05), "counterbalances"),  # arming outranks keeping ties
    (dict(valence=0.0), "indifferent"),
    (dict(valence=0.0, rivals=0.05), "indifferent"),  # toward rivals alone, nothing lost: no reaction
]


@pytest.mark.parametrize(("case", "expected"), CASES)
def test_label_rules(case: dict[str, float], expected: str) -> None:
    assert one(**case) == expected


def test_every_label_has_its_colour_meaning_and_a_rule_that_gives_it() -> None:
    assert set(COLOURS) == set(MEANINGS) == set(LABELS)
    reached = {one(**case) for case, _ in CASES}
    assert reached == set(LABELS)
    assert all(f"**{label}**" in glossary() for label in LABELS)


def test_the_expectation_grammar_takes_its_labels_from_the_same_list() -> None:
    for label in LABELS:
        assert parse(f"FRA {label}").labels == (label,)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="unknown reaction label 'bandwagons'; expected one of: welcomes"):
        parse("FRA bandwagons")
    assert parse("FRA hedges or indifferent").labels == ("hedges", "indifferent")  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="unknown reaction label 'bandwagons'"):
        parse("FRA hedges or bandwagons")


def test_closest_call_names_the_boundary_that_would_change_the_label() -> None:
    from sim.concepts.labels import closest_call

    thr = {"gain": 0.005, "loss": 0.025, "parties": 0.005, "posture": 0.005, "adversaries": 0.005}
    # hurt (valence -0.03): hedges; 0.005 less of a loss and it is indifferent
    call = closest_call(-0.03, 0.0, 0.0, 0.0, thr)
    assert call["boundary"] == "loss at impact" and call["margin"] == pytest.approx(0.2)
    # a clear winner moving closer: only losing its gain would change it, not the far-off loss threshold
    call = closest_call(0.05, 0.0, 0.02, 0.0, thr)
    assert call["boundary"] == "gain at impact" and call["margin"] == pytest.approx(9.0)
    # hurt, away and arming: no single crossing changes "counterbalances" (away alone or arms alone keeps it)
    assert closest_call(-0.5, 0.05, -0.05, 0.05, thr) == {}
