"""The yardstick: a rule that runs no model. Every initiator welcomes the events, every target opposes them, every
other state hedges. A model that does no better on what states did has not earned its place, so `check` scores
this rule beside the model on every statement, and the Brier score of the model's label shares beside that of the
rule's base rates.

How the rule reads each kind of statement (issue 18):
- a label: initiators *welcome*, targets *oppose*, everyone else *hedges*;
- words: initiators *support*, targets and everyone else *criticise*;
- deeds: initiators draw *closer*, targets *distance* themselves, everyone else *keeps* its ties;
- a change (alignment, posture, interest): the direction most common among statements of its kind on the
  history bench's tuning episodes, or among all their change statements where they hold none of its kind
  (CHANGE_DIRECTION);
- a group: as many members as the rule's reading gives.

The two tables below were counted on the tuning episodes (history/score.py, TUNED_ON); a test counts them again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from sim.concepts.labels import LABELS, labels_for
from sim.scenario.schema import Scenario
from sim.scenario.statements import Change, Choice, Reaction, Statement, parse

ROLES = ("initiator", "target", "bystander")
RULE = {  # role: (label, words, deeds)
    "initiator": ("welcomes", "supports", "closer"),
    "target": ("opposes", "criticises", "distances"),
    "bystander": ("hedges", "criticises", "keeps"),
}
# the most common direction of each kind of change statement on the tuning episodes
CHANGE_DIRECTION = {"alignment": "up", "posture": "up", "interest": "up"}
# each label's share among the observed reactions of each role on the tuning episodes: the rule's probabilities
BASE_RATES = {
    "initiator": {"welcomes": 1.0, "engages": 0.0, "hedges": 0.0, "counterbalances": 0.0, "opposes": 0.0,
                  "indifferent": 0.0},
    "target": {"welcomes": 0.0455, "engages": 0.0, "hedges": 0.1364, "counterbalances": 0.6364, "opposes": 0.1818,
               "indifferent": 0.0},
    "bystander": {"welcomes": 0.1871, "engages": 0.0677, "hedges": 0.2387, "counterbalances": 0.1355,
                  "opposes": 0.0452, "indifferent": 0.3258},
}


def roles(scenario: Scenario) -> dict[str, str]:
    """Each actor's role in the scenario's events: a target of any event, else a party to one, else a bystander."""
    targets = {c for e in scenario.events for c in e.target}
    parties = {c for e in scenario.events for c in e.parties} - targets
    return {c: "target" if c in targets else "initiator" if c in parties else "bystander" for c in scenario.actors}


def holds(statement: Statement, scenario: Scenario, role: Mapping[str, str] | None = None) -> bool:
    """Whether the rule's reading makes `statement` true."""
    role = role or roles(scenario)
    if isinstance(statement, Reaction):
        return _chooses(statement.choice, role[statement.actor])
    if isinstance(statement, Change):
        direction = CHANGE_DIRECTION[statement.quantity]
        return {"up": direction == "up", "down": direction == "down", "not up": direction == "down",
                "not down": direction == "up"}[statement.direction]
    members = [c for c, a in scenario.actors.items() if statement.group in a.groups]
    hits = sum(_chooses(statement.choice, role[c]) for c in members)
    need = {"most": len(members) // 2 + 1, "all": len(members)}.get(statement.quantifier, statement.count or 0)
    return hits >= need


def _chooses(choice: Choice, role: str) -> bool:
    label, words, deeds = RULE[role]
    return label in choice.labels or words in choice.words or deeds in choice.deeds


def observed_labels(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """What each actor was observed to do, as labels: from a label statement, or from its words and its deeds when
    both are recorded (alternatives give every label they allow). Actors with one axis only are left out."""
    found: dict[str, dict[str, set[str]]] = {}
    for exp in scenario.expectations:
        st = parse(exp.expect)
        if not isinstance(st, Reaction):
            continue
        mine = found.setdefault(st.actor, {"labels": set(), "words": set(), "deeds": set()})
        for axis in ("labels", "words", "deeds"):
            mine[axis] |= set(getattr(st.choice, axis))
    out = {}
    for code, axes in found.items():
        if axes["labels"]:
            out[code] = tuple(label for label in LABELS if label in axes["labels"])
        elif axes["words"] and axes["deeds"]:
            out[code] = labels_for(tuple(axes["words"]), tuple(axes["deeds"]))
    return out


def brier(forecast: Mapping[str, Mapping[str, float]], observed: Mapping[str, tuple[str, ...]]) -> float | None:
    """Mean multi-class Brier score over the observed actors: the sum over labels of (forecast - observed)^2, the
    observed reaction spread evenly over its alternatives; 0 is perfect, 2 sure and wrong. None if none observed."""
    scores = []
    for code, labels in observed.items():
        p = forecast[code]
        scores.append(sum((p.get(k, 0.0) - (1.0 / len(labels) if k in labels else 0.0)) ** 2 for k in LABELS))
    return sum(scores) / len(scores) if scores else None


def rule_forecast(scenario: Scenario) -> dict[str, dict[str, float]]:
    """The rule's probabilities for each actor: the base rates of its role."""
    return {c: BASE_RATES[r] for c, r in roles(scenario).items()}


def count_tables(scenarios: Iterable[Scenario]) -> tuple[dict[str, str], dict[str, dict[str, float]]]:
    """CHANGE_DIRECTION and BASE_RATES as counted on `scenarios` (the tuning episodes): how the tables above
    were made, and how a test checks them."""
    directions: dict[str, Counter[str]] = {}
    labels: dict[str, Counter[str]] = {r: Counter() for r in ROLES}
    for s in scenarios:
        role = roles(s)
        for exp in s.expectations:
            st = parse(exp.expect)
            if isinstance(st, Change) and st.direction in ("up", "down"):
                directions.setdefault(st.quantity, Counter())[st.direction] += 1
        for code, observed in observed_labels(s).items():
            for label in observed:
                labels[role[code]][label] += 1.0 / len(observed)
    overall = sum(directions.values(), Counter())
    change = {k: max(sorted(c), key=lambda d: c[d])
              for k, c in ((k, directions.get(k) or overall) for k in ("alignment", "posture", "interest"))}
    rates = {r: {k: round(c[k] / max(sum(c.values()), 1e-9), 4) for k in LABELS} for r, c in labels.items()}
    return change, rates


__all__ = ["BASE_RATES", "CHANGE_DIRECTION", "RULE", "brier", "count_tables", "holds",
           "observed_labels", "roles", "rule_forecast"]
