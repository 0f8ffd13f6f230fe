"""Words, deeds and the labels that name their combinations: one row at a time, and which deed wins when several
apply."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.concepts.labels import (
    COLOURS,
    COMBINATIONS,
    DEEDS,
    LABELS,
    MEANINGS,
    WORDS,
    combine,
    deeds_of,
    labels_for,
    words_of,
)
from sim.scenario.statements import Choice, parse

THR = {"supports": np.array([0.005]), "criticises": np.array([0.025]), "posture": np.array([0.01]),
       "parties": np.array([0.01]), "adversaries": np.array([0.01])}


def word(stance: float) -> str:
    return str(words_of(np.array([[stance]]), THR)[0, 0])


def deed(posture: float = 0.0, parties: float = 0.0, rivals: float = 0.0) -> str:
    return str(deeds_of(*(np.array([[x]]) for x in (posture, parties, rivals)), THR)[0, 0])


@pytest.mark.parametrize(("stance", "expected"), [
    (0.02, "supports"), (0.0051, "supports"), (0.005, "neutral"), (0.0, "neutral"), (-0.02, "neutral"),
    (-0.025, "neutral"), (-0.0251, "criticises"), (-1.0, "criticises"),
])
def test_words_are_the_stance_against_two_lines(stance: float, expected: str) -> None:
    assert word(stance) == expected


@pytest.mark.parametrize(("case", "expected"), [
    ({}, "keeps"),
    (dict(parties=0.05), "closer"),
    (dict(parties=-0.05), "distances"),
    (dict(posture=0.05), "counters"),
    (dict(rivals=0.05), "keeps"),  # toward their rivals, ties to them kept: not yet countering
    (dict(parties=-0.05, rivals=0.05), "counters"),  # countering outranks distancing
    (dict(parties=-0.05, posture=0.05), "counters"),
    (dict(parties=0.05, posture=0.05), "closer"),  # arming beside those who acted is not countering them
    (dict(parties=0.05, rivals=0.05), "closer"),  # ties to both sides
    (dict(parties=0.005, posture=0.005), "keeps"),  # within the noise
])
def test_deeds_rules(case: dict[str, float], expected: str) -> None:
    assert deed(**case) == expected


def test_the_table_names_all_twelve_combinations_and_every_label_is_reached() -> None:
    assert set(COMBINATIONS) == set(itertools.product(WORDS, DEEDS))
    assert set(COMBINATIONS.values()) == set(LABELS)
    words = np.array([w for w, _ in COMBINATIONS])
    deeds = np.array([d for _, d in COMBINATIONS])
    assert list(combine(words, deeds)) == list(COMBINATIONS.values())
    assert combine(np.array([["neutral"]]), np.array([["keeps"]]))[0, 0] == "indifferent"
    assert combine(np.array(["supports"]), np.array(["distances"]))[0] == "hedges"


def test_labels_for_an_observed_reaction() -> None:
    assert labels_for(("criticises",), ("keeps",)) == ("hedges",)
    assert labels_for(("criticises", "neutral"), ("distances",)) == ("opposes",)
    assert labels_for(("neutral",), ("keeps", "closer")) == ("engages", "indifferent")
    assert labels_for(("supports",), ()) == ("welcomes", "hedges")  # deeds unrecorded: any


def test_every_label_word_and_deed_has_its_meaning() -> None:
    from sim.concepts.labels import DEED_MEANINGS, WORD_MEANINGS

    assert set(COLOURS) == set(MEANINGS) == set(LABELS)
    assert set(WORD_MEANINGS) == set(WORDS) and set(DEED_MEANINGS) == set(DEEDS)


def test_the_expectation_grammar_takes_its_values_from_the_same_lists() -> None:
    for label in LABELS:
        assert parse(f"FRA {label}").labels == (label,)  # type: ignore[union-attr]
    for w in WORDS:
        assert parse(f"FRA words {w}").choice == Choice(words=(w,))  # type: ignore[union-attr]
        assert parse(f"FRA {w}").choice == Choice(words=(w,))  # type: ignore[union-attr]
    for d in DEEDS:
        assert parse(f"FRA deeds {d}").choice == Choice(deeds=(d,))  # type: ignore[union-attr]
    assert parse("FRA words neutral or criticises").choice == Choice(words=("neutral", "criticises"))  # type: ignore[union-attr]
    assert parse("FRA words supports or deeds closer").choice == Choice(words=("supports",), deeds=("closer",))  # type: ignore[union-attr]
    assert parse("FRA hedges or indifferent").labels == ("hedges", "indifferent")  # type: ignore[union-attr]
    assert parse("most of quad: words supports").choice == Choice(words=("supports",))  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="unknown reaction label 'bandwagons'; expected one of: welcomes"):
        parse("FRA bandwagons")
    with pytest.raises(ValueError, match="unknown reaction label 'bandwagons'"):
        parse("FRA hedges or bandwagons")
    with pytest.raises(ValueError, match="did you mean 'welcomes'"):
        parse("FRA welcome")
    with pytest.raises(ValueError, match="'closer' is deeds, not words; write 'deeds closer'"):
        parse("FRA words closer")
    with pytest.raises(ValueError, match="unknown deeds 'critisises'; expected one of: closer, keeps"):
        parse("FRA deeds critisises")


def test_closest_call_names_the_boundary_that_would_change_the_label() -> None:
    from sim.concepts.labels import closest_call

    thr = {"supports": 0.005, "criticises": 0.025, "parties": 0.005, "posture": 0.005, "adversaries": 0.005}
    # criticises (stance -0.03) and keeps: hedges; 0.005 less and it says nothing: indifferent
    call = closest_call(-0.03, 0.0, 0.0, 0.0, thr)
    assert call["boundary"] == "criticising the events" and call["margin"] == pytest.approx(0.2)
    # supports and draws closer: only losing its support would change it, not the far-off line of criticism
    call = closest_call(0.05, 0.0, 0.02, 0.0, thr)
    assert call["boundary"] == "supporting the events" and call["margin"] == pytest.approx(9.0)
    # criticises, away, arming and siding with the rivals: no single crossing changes "counterbalances"
    assert closest_call(-0.5, 0.05, -0.05, 0.05, thr) == {}
