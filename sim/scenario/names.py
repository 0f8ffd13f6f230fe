"""Parameters in words: a sweep's or a variant's path (`actors.RUR.interests.influence`) as a reader says it
("Ruritania: influence weight"). Charts, reports and the command line name parameters this way; the path stays in
the files, where a program reads it."""

from __future__ import annotations

import re
from typing import Any

from sim.scenario.schema import Scenario


def readable(path: str, scenario: Scenario) -> str:
    """`path` in words, or `path` itself where no better name is known (it is still exact)."""
    parts = path.split(".")
    try:
        found = _NAMERS.get(parts[0], lambda *_: None)(parts[1:], scenario)
    except (IndexError, KeyError, ValueError, AttributeError, StopIteration):
        found = None
    return found or path


def _actor(code: str, scenario: Scenario) -> str:
    actor = scenario.actors.get(code)
    return actor.name if actor is not None else code


def _owner(code: str, scenario: Scenario) -> str:
    name = _actor(code, scenario)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _words(name: str) -> str:
    return name.replace("_", " ")


def _actors(rest: list[str], scenario: Scenario) -> str | None:
    who = _actor(rest[0], scenario)
    field = [p for p in rest[1:] if p != "value"]
    if field[:1] == ["interests"] and len(field) == 2:
        return f"{who}: {_words(field[1])} weight"
    return f"{who}: {' '.join(_words(p) for p in field)}" if field else None


def _effect(effect: Any, scenario: Scenario) -> str:
    """What an effect moves, in words."""
    kind = effect.kind
    if kind == "alignment":
        if effect.between is not None:
            a, b = effect.between
            return f"alignment of {_actor(a, scenario)} and {_actor(b, scenario)}"
        return f"{_owner(effect.from_, scenario)} alignment with {_actor(effect.to, scenario)}"
    if kind in ("arms_share", "trade_share"):
        what, link = ("arms share", "from") if kind == "arms_share" else ("trade share", "with")
        return f"{_owner(effect.of, scenario)} {what} {link} {_actor(effect.to, scenario)}"
    if kind == "capability":
        return f"{_owner(effect.actor, scenario)} military capability (factor)"
    actor = getattr(effect, "actor", None)
    return f"{_owner(actor, scenario)} {_words(kind)}" if actor else _words(kind)


def _events(rest: list[str], scenario: Scenario) -> str | None:
    key = rest[0]
    event = scenario.events[int(key)] if key.isdigit() else next(e for e in scenario.events if e.name == key)
    name = _words(event.name)
    if rest[1:2] == ["at"]:
        return f"{name}: month"
    if rest[1:2] == ["effects"] and len(rest) >= 3:
        said = f"{name}: {_effect(event.effects[int(rest[2])], scenario)}"
        field = rest[4] if len(rest) > 4 else ""
        return said if field in ("", "delta", "factor") else f"{said} ({_words(field)})"
    return None


def _relations(rest: list[str], scenario: Scenario) -> str | None:
    rel = scenario.relations[int(rest[0])]
    a, b = rel.between if rel.between is not None else (rel.from_, rel.to)
    field = rest[1] if len(rest) > 1 else "alignment"
    return f"{_words(field)} of {_actor(a, scenario)} and {_actor(b, scenario)} (at the start)"


def _setting(block: str, rest: list[str], scenario: Scenario) -> str | None:
    """A setting by its name and the first clause of its description in the schema: `model: solidarity (weight
    in its stance of whose side it is on)`."""
    model: Any = getattr(scenario, block)
    for part in rest[:-1]:
        model = getattr(model, part)
    info = type(model).model_fields.get(rest[-1])
    if info is None:
        return None
    about = re.split(r"[,:(;]", info.description or "", maxsplit=1)[0].strip()
    return f"{block}: {' '.join(_words(p) for p in rest)}" + (f" ({about})" if about else "")


def _settings(rest: list[str], scenario: Scenario) -> str | None:
    return _setting("model", rest, scenario)


def _run(rest: list[str], scenario: Scenario) -> str | None:
    return _setting("run", rest, scenario)


_NAMERS = {"actors": _actors, "events": _events, "relations": _relations, "model": _settings, "run": _run}
