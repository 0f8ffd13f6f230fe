"""The small language of expectations: what a source predicts, in a form the model's output can be checked against.

    FRA words criticises                      what the actor says about the events (supports, neutral, criticises)
    FRA deeds keeps                           what it does toward those who acted (closer, keeps, distances, counters)
    FRA welcomes                              a reaction label: a name for a combination of words and deeds
    BRA hedges or indifferent                 one of several, where the record is ambiguous
    BRA words neutral or criticises
    FRA words supports or deeds closer        either holds
    alignment FRA->DEU up                     direction of a measured change: up, down, not up, not down
    posture FRA up
    interest BRA.influence down
    most of neighbours: engages or welcomes   a share of a group: most, all, at least N (any alternatives above)

A value belongs to one axis only, so `FRA criticises` reads as `FRA words criticises`; the prefix is for the reader.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sim.concepts.labels import DEEDS, LABELS, WORDS

_CODE = r"[A-Z]{2,3}"
_DIR = r"(?P<dir>not up|not down|up|down)"
AXES = {"labels": LABELS, "words": WORDS, "deeds": DEEDS}


@dataclass(frozen=True)
class Choice:
    """Alternatives for one actor's reaction: it holds when any of them does."""

    labels: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    deeds: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [*self.labels, *(f"words {w}" for w in self.words), *(f"deeds {d}" for d in self.deeds)]
        return " or ".join(parts)


@dataclass(frozen=True)
class Reaction:
    actor: str
    choice: Choice

    @property
    def labels(self) -> tuple[str, ...]:
        return self.choice.labels


@dataclass(frozen=True)
class Change:
    quantity: str  # alignment | posture | interest
    actor: str
    direction: str
    target: str | None = None  # the other actor (alignment) or the interest name


@dataclass(frozen=True)
class GroupShare:
    quantifier: str  # most | all | at least
    count: int | None
    group: str
    choice: Choice

    @property
    def labels(self) -> tuple[str, ...]:
        return self.choice.labels


Statement = Reaction | Change | GroupShare

_ALTERNATIVES = r"(?:(?:words|deeds) )?[a-z]+(?: or (?:(?:words|deeds) )?[a-z]+)*"
_PATTERNS = [
    (re.compile(rf"^(?P<actor>{_CODE}) (?P<labels>{_ALTERNATIVES})$"), "reaction"),
    (re.compile(rf"^alignment (?P<actor>{_CODE})->(?P<target>{_CODE}) {_DIR}$"), "alignment"),
    (re.compile(rf"^posture (?P<actor>{_CODE}) {_DIR}$"), "posture"),
    (re.compile(rf"^interest (?P<actor>{_CODE})\.(?P<target>[a-z_]+) {_DIR}$"), "interest"),
    (
        re.compile(rf"^(?P<q>most|all|at least (?P<n>\d+)) of (?P<group>[A-Za-z0-9_]+): (?P<labels>{_ALTERNATIVES})$"),
        "group",
    ),
]

GRAMMAR = (
    "expected one of: 'CODE words supports|neutral|criticises', 'CODE deeds closer|keeps|distances|counters', "
    "'CODE label [or label ...]', 'alignment A->B up|down|not up|not down', 'posture A up|...', "
    "'interest A.name up|...', 'most|all|at least N of GROUP: label [or label ...]'"
)


def parse(text: str) -> Statement:
    """Parse one statement; ValueError carries a message fit to show the student."""
    text = " ".join(text.split())
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if kind == "reaction":
            return Reaction(m["actor"], parse_choice(m["labels"]))
        if kind == "group":
            quantifier = "at least" if m["n"] else m["q"]
            return GroupShare(quantifier, int(m["n"]) if m["n"] else None, m["group"], parse_choice(m["labels"]))
        return Change(kind, m["actor"], m["dir"], m.groupdict().get("target"))
    raise ValueError(f"cannot read expectation {text!r}; {GRAMMAR}")


def parse_choice(text: str) -> Choice:
    """'hedges or indifferent', 'words neutral or criticises', 'words supports or deeds closer': a value is read
    on the axis its prefix names, else on the axis of the value before it, else on the one axis it belongs to."""
    found: dict[str, list[str]] = {"labels": [], "words": [], "deeds": []}
    axis = None
    for part in text.split(" or "):
        words = part.split()
        if len(words) == 2:
            axis, value = words[0], words[1]
        else:
            value = words[0]
            axis = axis if axis in ("words", "deeds") and value in AXES[axis] else _axis_of(value)
        if value not in AXES[axis]:
            raise ValueError(_unknown(value, axis))
        found[axis].append(value)
    return Choice(*(tuple(found[a]) for a in ("labels", "words", "deeds")))


def _axis_of(value: str) -> str:
    for axis, values in AXES.items():
        if value in values:
            return axis
    raise ValueError(_unknown(value, None))


def _unknown(value: str, axis: str | None) -> str:
    if axis in ("words", "deeds"):
        allowed = AXES[axis]
        what = f"unknown {axis} '{value}'"
        other = "deeds" if axis == "words" else "words"
        if value in AXES[other]:
            return f"{what}: '{value}' is {other}, not {axis}; write '{other} {value}'"
    else:
        allowed = LABELS
        what = f"unknown reaction label '{value}'"
    near = difflib.get_close_matches(value, allowed if axis else [*LABELS, *WORDS, *DEEDS], n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    tail = "" if axis else f" (or words: {', '.join(WORDS)}; deeds: {', '.join(DEEDS)})"
    return f"{what}; expected one of: {', '.join(allowed)}{tail}{hint}"
