"""The small language of expectations: what a source predicts, in a form the model's output can be checked against.

    FRA welcomes                              an actor's reaction label
    BRA hedges or indifferent                 one of several, where the record is ambiguous
    alignment FRA->DEU up                     direction of a measured change: up, down, not up, not down
    posture FRA up
    interest BRA.influence down
    most of neighbours: engages or welcomes   a share of a group: most, all, at least N
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.concepts.labels import LABELS

_CODE = r"[A-Z]{2,3}"
_DIR = r"(?P<dir>not up|not down|up|down)"


@dataclass(frozen=True)
class Reaction:
    actor: str
    labels: tuple[str, ...]  # any of them: history is not always one label


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
    labels: tuple[str, ...]


Statement = Reaction | Change | GroupShare

_PATTERNS = [
    (re.compile(rf"^(?P<actor>{_CODE}) (?P<labels>[a-z]+(?: or [a-z]+)*)$"), "reaction"),
    (re.compile(rf"^alignment (?P<actor>{_CODE})->(?P<target>{_CODE}) {_DIR}$"), "alignment"),
    (re.compile(rf"^posture (?P<actor>{_CODE}) {_DIR}$"), "posture"),
    (re.compile(rf"^interest (?P<actor>{_CODE})\.(?P<target>[a-z_]+) {_DIR}$"), "interest"),
    (
        re.compile(r"^(?P<q>most|all|at least (?P<n>\d+)) of (?P<group>[A-Za-z0-9_]+): (?P<labels>[a-z ]+)$"),
        "group",
    ),
]

GRAMMAR = (
    "expected one of: 'CODE label [or label ...]', 'alignment A->B up|down|not up|not down', 'posture A up|...', "
    "'interest A.name up|...', 'most|all|at least N of GROUP: label [or label ...]'"
)


def parse(text: str) -> Statement:
    """Parse one statement; ValueError carries a message fit to show the student."""
    text = " ".join(text.split())
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if kind in ("reaction", "group"):
            labels = tuple(x.strip() for x in m["labels"].split(" or "))
            for label in labels:
                _check_label(label)
        if kind == "reaction":
            return Reaction(m["actor"], labels)
        if kind == "group":
            quantifier = "at least" if m["n"] else m["q"]
            return GroupShare(quantifier, int(m["n"]) if m["n"] else None, m["group"], labels)
        return Change(kind, m["actor"], m["dir"], m.groupdict().get("target"))
    raise ValueError(f"cannot read expectation {text!r}; {GRAMMAR}")


def _check_label(label: str) -> None:
    if label not in LABELS:
        raise ValueError(f"unknown reaction label '{label}'; expected one of: {', '.join(LABELS)}")
