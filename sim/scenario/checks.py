"""Cross-reference checks that need the whole scenario: codes that must exist, effects only on parties, and so
on.

Each check yields (path, message) so the loader can put a line and column on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.concepts.interests import names as interest_names
from sim.scenario.schema import Scenario
from sim.scenario.statements import Change, GroupShare, Reaction, parse

Found = tuple[tuple[str | int, ...], str]


def cross_check(s: Scenario) -> list[Found]:
    return [*_actors(s), *_relations(s), *_dependencies(s), *_events(s), *_expectations(s)]


def _unknown(code: str, s: Scenario) -> str:
    return f"unknown actor '{code}'; actors are: {', '.join(s.actors)}"


def _actors(s: Scenario) -> Iterator[Found]:
    if len(s.actors) < 2:
        yield ("actors",), (f"a scenario needs at least two actors, one that acts and one that reacts; it has "
                            f"{len(s.actors)}")
    if len(set(s.interests)) != len(s.interests):
        yield ("interests",), "interest names must be unique"
    for k, name in enumerate(s.interests):
        if name not in interest_names():
            yield ("interests", k), (f"the model has no interest '{name}'; "
                                     f"a scenario may use: {', '.join(interest_names())}")
    for code, actor in s.actors.items():
        for name in actor.interests:
            if name not in interest_names():
                yield (("actors", code, "interests", name),
                       f"unknown interest '{name}'; the model knows: {', '.join(interest_names())}")
            elif name not in s.interests:
                yield (("actors", code, "interests", name),
                       f"'{name}' is not among the scenario's interests ({', '.join(s.interests)}); add it to "
                       f"interests: or drop the weight")
        if sum(actor.interests.values()) <= 0:
            yield ("actors", code, "interests"), "interest weights must sum to something positive"
        if actor.gdp.value <= 0:  # the model divides by it (military burden = spending / GDP)
            yield ("actors", code, "gdp", "value"), f"GDP must be more than 0, got {actor.gdp.value:g}"
    if s.actors and sum(a.military_expenditure.value for a in s.actors.values()) <= 0:
        yield ("actors",), "military expenditure is 0 for every actor; at least one must spend something"


def _relations(s: Scenario) -> Iterator[Found]:
    seen: dict[tuple[str, str], int] = {}
    for i, rel in enumerate(s.relations):
        a, b = rel.pair
        field = "between" if rel.symmetric else "from"
        for pos, code in enumerate((a, b)):
            if code not in s.actors:
                where = ("relations", i, "between", pos) if rel.symmetric else (
                    "relations", i, "from" if pos == 0 else "to")
                yield where, _unknown(code, s)
        if a == b:
            yield ("relations", i, field), "a relation needs two different actors"
        keys = [(a, b), (b, a)] if rel.symmetric else [(a, b)]
        for key in keys:
            if key in seen:
                yield ("relations", i), f"{key[0]}->{key[1]} is already given in relations[{seen[key]}]"
                break
            seen[key] = i


def _dependencies(s: Scenario) -> Iterator[Found]:
    for kind in ("arms_imports", "trade"):
        owners: set[str] = set()
        for i, dep in enumerate(getattr(s.dependencies, kind)):
            path = ("dependencies", kind, i)
            if dep.of not in s.actors:
                yield (*path, "of"), _unknown(dep.of, s)
            if dep.of in owners:
                yield (*path, "of"), f"{dep.of} already has {kind} shares"
            owners.add(dep.of)
            for code in dep.shares:
                if code not in s.actors:
                    yield (*path, "shares", code), _unknown(code, s)
                if code == dep.of:
                    yield (*path, "shares", code), "an actor cannot be its own partner"
            total = sum(dep.shares.values())
            if total > 1.0 + 1e-6:
                yield (*path, "shares"), f"shares must sum to at most 1, got {total:g}"


def _events(s: Scenario) -> Iterator[Found]:
    yield from _measured_after_the_events(s)
    names: set[str] = set()
    for i, event in enumerate(s.events):
        path = ("events", i)
        if event.name in names:
            yield (*path, "name"), f"event name '{event.name}' is used twice"
        names.add(event.name)
        if event.at >= s.model.steps:
            yield (*path, "at"), f"event at step {event.at} is after the last step ({s.model.steps - 1})"
        for k, code in enumerate(event.parties):
            if code not in s.actors:
                yield (*path, "parties", k), _unknown(code, s)
        for k, code in enumerate(event.target):
            if code not in event.parties:
                yield (*path, "target", k), (f"{code} is not a party to this event; a target is one of the parties "
                                             f"({', '.join(event.parties)}), the one the others act against")
        if event.target and set(event.parties) <= set(event.target):
            yield (*path, "target"), "every party is a target: who acts? At least one party must not be a target"
        for k, effect in enumerate(event.effects):
            for code in effect.actors():
                if code not in s.actors:
                    yield (*path, "effects", k, effect.kind), _unknown(code, s)
                elif code not in event.parties:
                    yield (*path, "effects", k, effect.kind), (
                        f"{code} is not a party to this event; an event may only change its parties "
                        f"({', '.join(event.parties)}): what others do must come out of the model"
                    )


def _measured_after_the_events(s: Scenario) -> Iterator[Found]:
    """The reaction is measured over the run's last months; if the last event falls inside them, part of what is
    measured comes before it and the reaction reads as smaller than it is (at month 59 of 60, as indifference)."""
    steps, window = s.model.steps, s.model.labels.months(s.model.steps)
    timed = [(e.at, i) for i, e in enumerate(s.events) if e.at < steps]
    if not timed:
        return
    at, i = max(timed)
    if steps - at < window:
        left = f"{steps - at} month{'s' if steps - at != 1 else ''}"
        cut = "" if window == s.model.labels.window else f" {s.model.labels.window}, cut to the run's length"
        yield ("events", i, "at"), (
            f"the last event, at month {at}, leaves {left} before the run ends (model.steps {steps}), fewer than "
            f"the {window} months measured (model.labels.window{cut}): the reaction would be measured partly "
            f"before the event. Move the event earlier, lengthen model.steps to at least "
            f"{at + s.model.labels.window}, or shorten the window")


def _expectations(s: Scenario) -> Iterator[Found]:
    groups = {g for actor in s.actors.values() for g in actor.groups}
    for i, exp in enumerate(s.expectations):
        path = ("expectations", i, "expect")
        try:
            statement = parse(exp.expect)
        except ValueError as err:
            yield path, str(err)
            continue
        if isinstance(statement, Reaction | Change) and statement.actor not in s.actors:
            yield path, _unknown(statement.actor, s)
        change = statement if isinstance(statement, Change) else None
        if change and change.quantity == "alignment" and change.target not in s.actors:
            yield path, _unknown(str(change.target), s)
        if change and change.quantity == "interest" and change.target not in s.interests:
            yield path, f"unknown interest '{statement.target}'; interests are: {', '.join(s.interests)}"
        if isinstance(statement, GroupShare) and statement.group not in groups:
            known = ", ".join(sorted(groups)) or "none"
            yield path, f"unknown group '{statement.group}'; groups are: {known}"
