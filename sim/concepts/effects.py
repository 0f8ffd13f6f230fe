"""The kinds of change an event makes, one class each: how it is written in a scenario (its fields), which actors
it names, how it compiles to arrays, and what it does to the state.

A scenario writes an effect as a mapping with one key, the kind: `{alignment: {between: [A, B], delta: 0.1}}`.
The schema looks the kind up in KINDS when it validates, so a new kind is one class here with `@register`, plus
its test; the schema, the JSON Schema for editors, the compiler and the kernel need no change. An unknown kind
is refused where it is written, and the kernel refuses to apply one it does not know.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

import numpy as np
from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError, model_validator
from pydantic_core import core_schema

from sim.concepts.fields import Code, Signed, Strict
from sim.concepts.state import State


@dataclass(frozen=True)
class Compiled:
    """One effect as the kernel applies it: actor indices, and the amount per batch member."""

    kind: str
    i: int
    j: int  # -1 for a kind that names one actor
    amount: np.ndarray  # (B,)
    symmetric: bool = False


class Change(Strict):
    """One kind of effect. Every actor it names must be a party to its event (checked with the whole scenario)."""

    kind: ClassVar[str]

    def actors(self) -> list[str]:
        raise NotImplementedError

    def compile(self, idx: dict[str, int]) -> Compiled:
        raise NotImplementedError

    @staticmethod
    def apply(state: State, effect: Compiled) -> None:
        raise NotImplementedError


KINDS: dict[str, type[Change]] = {}


def register[C: type[Change]](cls: C) -> C:
    if cls.kind in KINDS and KINDS[cls.kind] is not cls:
        raise ValueError(f"effect kind '{cls.kind}' is already {KINDS[cls.kind].__name__}")
    KINDS[cls.kind] = cls
    return cls


def kind(name: str) -> type[Change]:
    """The class of a kind; a name the registry does not hold is a bug upstream, said loudly."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown effect kind '{name}'; kinds are: {', '.join(KINDS)}") from None


def apply(state: State, effect: Compiled) -> None:
    kind(effect.kind).apply(state, effect)


@register
class AlignmentChange(Change):
    """Shifts alignment and the parties' commitment to it: a treaty moves the baseline, not just today."""

    kind = "alignment"
    between: tuple[Code, Code] | None = None
    from_: Code | None = Field(default=None, alias="from")
    to: Code | None = None
    delta: Signed

    @model_validator(mode="after")
    def _one_form(self) -> AlignmentChange:
        if (self.between is None) == (self.from_ is None or self.to is None):
            raise ValueError("give either 'between: [A, B]' or both 'from' and 'to'")
        if len(set(self.actors())) < 2:
            raise ValueError("needs two different actors")
        return self

    def actors(self) -> list[str]:
        return list(self.between) if self.between else [self.from_ or "", self.to or ""]

    def compile(self, idx: dict[str, int]) -> Compiled:
        a, b = self.actors()
        return Compiled(self.kind, idx[a], idx[b], np.array([self.delta]), self.between is not None)

    @staticmethod
    def apply(state: State, effect: Compiled) -> None:
        pairs = [(effect.i, effect.j), (effect.j, effect.i)] if effect.symmetric else [(effect.i, effect.j)]
        for a, b in pairs:
            state.alignment[:, a, b] = np.clip(state.alignment[:, a, b] + effect.amount, -1.0, 1.0)
            state.anchor[:, a, b] = np.clip(state.anchor[:, a, b] + effect.amount, -1.0, 1.0)


class ActorChange(Change):
    """Changes one actor by an amount, held in the field named by `amount`."""

    amount: ClassVar[str] = "delta"
    actor: Code

    def actors(self) -> list[str]:
        return [self.actor]

    def compile(self, idx: dict[str, int]) -> Compiled:
        return Compiled(self.kind, idx[self.actor], -1, np.array([getattr(self, self.amount)]))


@register
class CapabilityChange(ActorChange):
    kind = "capability"
    amount = "factor"
    factor: Annotated[float, Field(gt=0.0, le=10.0)] = Field(description="multiplies military capability")

    @staticmethod
    def apply(state: State, effect: Compiled) -> None:
        state.capability[:, effect.i] *= effect.amount


@register
class TechnologyChange(ActorChange):
    kind = "technology"
    delta: Signed

    @staticmethod
    def apply(state: State, effect: Compiled) -> None:
        state.technology[:, effect.i] = np.clip(state.technology[:, effect.i] + effect.amount, 0.0, 2.0)


@register
class StandingChange(ActorChange):
    """A breach of a norm most states share (a nuclear test, an annexation): the actor becomes that much less
    like every other state, so the values interest of each pulls it away from the actor."""

    kind = "standing"
    delta: Signed

    @staticmethod
    def apply(state: State, effect: Compiled) -> None:
        state.standing[:, effect.i] = np.clip(state.standing[:, effect.i] + effect.amount, -1.0, 1.0)


class ShareChange(Change):
    """Moves a share of `of`'s flow to (or from) `to`; other partners' shares shrink (grow) in proportion."""

    flow: ClassVar[str]  # the State array it moves
    of: Code
    to: Code
    delta: Signed

    @model_validator(mode="after")
    def _two_actors(self) -> ShareChange:
        if self.of == self.to:
            raise ValueError("needs two different actors")
        return self

    def actors(self) -> list[str]:
        return [self.of, self.to]

    def compile(self, idx: dict[str, int]) -> Compiled:
        return Compiled(self.kind, idx[self.of], idx[self.to], np.array([self.delta]))

    @classmethod
    def apply(cls, state: State, effect: Compiled) -> None:  # type: ignore[override]
        shift_share(getattr(state, cls.flow), effect.i, effect.j, effect.amount)


@register
class ArmsShareChange(ShareChange):
    kind = "arms_share"
    flow = "arms"


@register
class TradeShareChange(ShareChange):
    kind = "trade_share"
    flow = "trade"


def shift_share(shares: np.ndarray, i: int, j: int, delta: np.ndarray) -> None:
    """Move `delta` of i's flow to partner j; the other partners give it up in proportion to what they had."""
    row = shares[:, i, :]
    old = row[:, j].copy()
    total = row.sum(axis=1)
    new = np.clip(old + delta, 0.0, 1.0)
    rest_old = total - old
    rest_new = np.maximum(total - new, 0.0)
    factor = np.where(rest_old > 0, rest_new / np.where(rest_old > 0, rest_old, 1.0), 0.0)
    row *= factor[:, None]
    row[:, j] = new
    shares[:, i, :] = row


class _OneKind:
    """The pydantic type of an effect: a mapping with one key, a kind in KINDS, looked up when validating (so a
    registered kind is known everywhere), with errors inside it located under that key."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate, serialization=core_schema.plain_serializer_function_ser_schema(_dump, info_arg=True))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "one change an event makes: exactly one of the kinds below",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": False,
            "properties": {name: handler(c.__pydantic_core_schema__) for name, c in KINDS.items()},
        }


def _validate(value: Any) -> Change:
    if isinstance(value, Change):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        got = f"; got {', '.join(map(str, value))}" if isinstance(value, dict) and value else ""
        raise ValueError(f"an effect has exactly one of {', '.join(KINDS)}{got}")
    ((name, body),) = value.items()
    if name not in KINDS:
        near = difflib.get_close_matches(str(name), list(KINDS), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise ValueError(f"unknown effect kind '{name}'{hint} Expected one of: {', '.join(KINDS)}.")
    try:
        return KINDS[name].model_validate(body)
    except ValidationError as err:
        details: list[Any] = [{"type": e["type"], "loc": (name, *e["loc"]), "input": e["input"],
                               **({"ctx": e["ctx"]} if "ctx" in e else {})} for e in err.errors()]
        raise ValidationError.from_exception_data(err.title, details) from None


def _dump(change: Change, info: Any) -> dict[str, Any]:
    return {change.kind: change.model_dump(mode=info.mode, by_alias=info.by_alias)}


Effect = Annotated[Change, _OneKind]
