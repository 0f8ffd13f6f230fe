"""The scenario file format, as pydantic models.

Every field a student can mistype is declared here with `extra="forbid"`, so a typo is an error and not a silently
ignored key. Cross-references (an event naming an actor that does not exist) are checked in
`sim.scenario.checks`, which knows the whole file; this module only knows the shape of each piece. Interests and
effect kinds are defined in `sim.concepts`, which this module reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from sim.concepts.effects import Effect
from sim.concepts.fields import Code, Signed, Strict, Unit
from sim.concepts.interests import names as interest_names


class Figure(Strict):
    """A number with the place it came from: no figure enters a scenario without a source."""

    value: Annotated[float, Field(ge=0.0)]
    year: int | None = Field(default=None, ge=1800, le=2100)
    source: str = Field(min_length=1)
    note: str | None = None


class Score(Figure):
    value: Unit  # type: ignore[assignment]


def _known_interests() -> dict[str, Any]:
    """For editors: the interest names the model knows when the JSON Schema is written."""
    return {"enum": list(interest_names())}


class Actor(Strict):
    name: str = Field(min_length=1)
    groups: list[str] = Field(default_factory=list)
    military_expenditure: Figure = Field(description="US$ bn, current")
    gdp: Figure = Field(description="US$ tn, current")
    regime: Score = Field(description="democracy score in [0, 1] (e.g. V-Dem liberal democracy index)")
    technology: Score = Field(description="technology level in [0, 1], relative to the most advanced actor")
    posture: Annotated[float, Field(gt=0.0, le=5.0)] = Field(
        default=1.0, description="starting military posture; 1 = the observed level of effort"
    )
    interests: dict[str, Unit] = Field(description="weights over interests; normalised to sum to 1",
                                       json_schema_extra=lambda doc: doc.update(propertyNames=_known_interests()))
    rationale: str | None = Field(default=None, description="one line: why these weights")


class Weights(Strict):
    """One actor's interest weights, as a weights book keeps them for every scenario it appears in."""

    interests: dict[str, Unit] = Field(description="weights over interests; normalised to sum to 1",
                                       json_schema_extra=lambda doc: doc.update(propertyNames=_known_interests()))
    rationale: str = Field(min_length=1, description="one line: why these weights")
    changes: list[str] = Field(default_factory=list, description="each change since first written, with its reason")


class WeightsBook(Strict):
    """Interest weights kept apart from any one scenario, so that a bench of episodes gives each state the same
    judgment everywhere: `run_sim.py new --weights-from BOOK`."""

    title: str = Field(min_length=1)
    weights: dict[Code, Weights] = Field(json_schema_extra={"minProperties": 1})


class Relation(Strict):
    """Alignment in [-1, 1] (hostile .. allied) and strategic proximity in [0, 1]."""

    between: tuple[Code, Code] | None = Field(default=None, description="symmetric relation")
    from_: Code | None = Field(default=None, alias="from", description="directed relation: from")
    to: Code | None = Field(default=None, description="directed relation: to")
    alignment: Signed | None = None
    proximity: Unit | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_form(self) -> Relation:
        if (self.between is None) == (self.from_ is None and self.to is None):
            raise ValueError("give either 'between: [A, B]' or both 'from' and 'to'")
        if self.between is None and (self.from_ is None or self.to is None):
            raise ValueError("a directed relation needs both 'from' and 'to'")
        if self.alignment is None and self.proximity is None:
            raise ValueError("a relation needs 'alignment', 'proximity' or both")
        return self

    @property
    def pair(self) -> tuple[str, str]:
        if self.between is not None:
            return self.between
        assert self.from_ is not None and self.to is not None
        return (self.from_, self.to)

    @property
    def symmetric(self) -> bool:
        return self.between is not None


class Shares(Strict):
    """One actor's partners and the share of a flow each takes (arms imports, trade)."""

    of: Code
    shares: dict[Code, Unit]
    year: str | int | None = None
    source: str = Field(min_length=1)


class ArmsMarket(Strict):
    """How arms-import volumes respond to capability: the sign of third-party suppliers' valence hangs on it."""

    volume: Literal["fixed", "grows_with_capability"] = "grows_with_capability"
    import_share_of_spending: Unit = Field(
        default=0.1, description="fraction of an importer's military spending that goes on imports"
    )
    source: str | None = None


class Dependencies(Strict):
    arms_imports: list[Shares] = Field(default_factory=list)
    trade: list[Shares] = Field(default_factory=list)
    arms_market: ArmsMarket = Field(default_factory=ArmsMarket)


class Event(Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$", description="identifier, lower_snake_case")
    at: int = Field(ge=0, le=10_000, description="step (month) at which the event happens")
    date: dt.date | None = None
    description: str = Field(min_length=1)
    parties: list[Code] = Field(min_length=1)
    target: list[Code] = Field(default_factory=list, description=(
        "parties the event is aimed at (sanctions, an embargo, a war); reactions are then measured toward the "
        "other parties, its initiators, and the targets count as their rivals"))
    effects: list[Effect] = Field(min_length=1)
    source: str = Field(min_length=1)


class LabelRules(Strict):
    """How a stance becomes words and a measured response becomes deeds. See docs/model.md, 'Reactions'."""

    window: int = Field(default=24, ge=1, le=600, description="months at the end of the run that are measured")
    noise_z: float = Field(default=2.5, gt=0.0, le=10.0, description="behaviour must exceed z x placebo sd")
    supports: float = Field(default=0.9136, ge=0.0, le=10.0,
                            description="a stance above this is support (the line of words, estimated on the bench)")
    criticises: float = Field(default=1.2164, ge=0.0, le=10.0,
                              description="a stance below minus this is criticism (estimated on the bench)")
    deeds: float = Field(default=0.05, ge=0.0, le=2.0,
                         description="the least move toward or away from those who acted that is a deed (alignment "
                                     "units, beside the placebo noise): half a deed (model.resolve)")
    arming: float = Field(default=0.04, ge=0.0, le=2.0,
                          description="the least rise of posture that is arming, a deed (posture units: 1 is the "
                                      "observed effort; beside the placebo noise; estimated on the bench)")

    def months(self, steps: int) -> int:
        """The window actually measured: never longer than the run."""
        return min(self.window, steps)


class ModelSettings(Strict):
    steps: int = Field(default=60, ge=1, le=600, description="months simulated")
    rationality: float = Field(default=20000.0, gt=0.0, le=1e6, description="logit precision of choices")
    alignment_step: float = Field(default=0.005, gt=0.0, le=0.5)
    posture_step: float = Field(default=0.005, gt=0.0, le=0.5)
    inertia: float = Field(default=2.0, ge=0.0, le=1000.0, description="pull of alignment back to its anchor")
    posture_inertia: float = Field(default=3.0, ge=0.0, le=1000.0,
                                   description="pull of posture back to its observed level: defence budgets are sticky")
    reciprocity: float = Field(default=1.0, ge=0.0, le=100.0, description="cost of a one-sided relationship")
    closure: float = Field(default=0.5, ge=0.0, le=100.0, description="value of ties among one's partners")
    loss_aversion: float = Field(default=2.0, ge=1.0, le=100.0,
                                 description="how much harder weakening a friendship, or cutting posture, is "
                                             "pulled back")
    harm: float = Field(default=20.2189, ge=0.0, le=100.0,
                        description="weight in a state's stance of what the events cost it (a gain is not support)")
    solidarity: float = Field(default=11.6868, ge=0.0, le=100.0,
                              description="weight in its stance of whose side it is on: its ties with those who "
                                          "acted, less its ties with their targets")
    balance: float = Field(default=12.0597, ge=0.0, le=100.0,
                           description="weight in its stance of what the events do to the balance of its triads "
                                       "(a deal between friends is welcome, one between a friend and a rival not)")
    norms: float = Field(default=4.4693, ge=0.0, le=100.0,
                         description="weight in its stance of a broken norm, judged through its ties with the state "
                                     "that broke it")
    resolve: float = Field(default=0.1, ge=0.0, le=1.0,
                           description="the size of a deed: how far a state that acts on its stance moves its "
                                       "commitment toward (or away from) those who acted, and, if it counters them, "
                                       "its defence effort (as a share)")
    acts_above: float = Field(default=0.5, ge=0.0, le=1000.0,
                              description="a stance above this makes a state draw closer to those who acted")
    acts_below: float = Field(default=6.0, ge=0.0, le=1000.0,
                              description="a stance below minus this makes it distance itself from them, or "
                                          "counter them if it is on the other side")
    alliance_backing: Unit = Field(default=0.5, description="share of a partner's power that backs you")
    power_exponent: float = Field(default=1.0, gt=0.0, le=1.0,
                                  description="military power = spending share ** this (diminishing returns)")
    influence_floor: float = Field(default=0.1, gt=0.0, le=1.0,
                                   description="how concave influence is: smaller, and losing share hurts more")
    technology_spillover: Unit = Field(default=0.5)
    posture_cost: float = Field(default=1.0, ge=0.0, le=100.0)
    labels: LabelRules = Field(default_factory=LabelRules)


class RunSettings(Strict):
    seed: int = Field(default=20251031, ge=0, le=2**63 - 1)
    replications: int = Field(default=50, ge=1, le=100_000)
    jitter: float = Field(default=0.15, ge=0.0, le=0.9,
                          description="each replicate draws every interest weight within plus or minus this share of "
                                      "its value, so a reaction's share says how much it hangs on judgment; 0: none")


class Expectation(Strict):
    """A checkable statement from a source, e.g. `FRA counterbalances`, `alignment FRA->DEU up`."""

    expect: str = Field(min_length=1)
    source: str = Field(min_length=1)


class SweepParam(Strict):
    """One swept value, addressed like `--set`: a range (for every design) or a list of values (grid only)."""

    path: str = Field(min_length=1, description="e.g. actors.FRA.interests.security")
    range: tuple[float, float] | None = Field(default=None, description="[low, high]")
    values: list[float] | None = Field(default=None, min_length=1, description="explicit values (grid design)")
    n: int = Field(default=5, ge=2, le=1000, description="grid points along a range")

    @model_validator(mode="after")
    def _one_form(self) -> SweepParam:
        if (self.range is None) == (self.values is None):
            raise ValueError("give either 'range: [low, high]' or 'values: [...]'")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range must go from low to high, got {list(self.range)}")
        return self


class Sweep(Strict):
    design: Literal["grid", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(default=64, ge=1, le=1_000_000, description="base samples (lhs, sobol, morris)")
    replications: int = Field(default=10, ge=1, le=100_000)
    seed: int = Field(default=1, ge=0, le=2**63 - 1)
    params: list[SweepParam] = Field(min_length=1)


def _weighed_interests(data: Any) -> Any:
    """`interests:` left out selects the interests some actor weighs (an interest no one weighs would still move
    every stake: each is floored by a share of the mean over the interests). Unknown names are left to the
    checks, which locate them at the actor's weight; no weights at all, every interest the model knows."""
    if not isinstance(data, dict) or "interests" in data:
        return data
    actors = data.get("actors")
    weighed = {name for a in actors.values() if isinstance(a, dict) and isinstance(a.get("interests"), dict)
               for name in a["interests"]} if isinstance(actors, dict) else set()
    known = interest_names()
    return {**data, "interests": [n for n in known if n in weighed] or list(known)}


def _optional_interests(doc: dict[str, Any]) -> None:
    doc["required"].remove("interests")


class Scenario(Strict):
    model_config = ConfigDict(**Strict.model_config, json_schema_extra=_optional_interests)

    @model_validator(mode="before")
    @classmethod
    def _default_interests(cls, data: Any) -> Any:
        return _weighed_interests(data)

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1)
    description: str = ""
    sources: dict[str, str] = Field(default_factory=dict, description="short key -> full citation")
    # filled in before validation when left out, so it is not required of a file (see _weighed_interests)
    interests: list[str] = Field(min_length=1, description="the interests the model uses (default: those the "
                                 "actors give weights to, in the model's order)",
                                 json_schema_extra=lambda doc: doc["items"].update(_known_interests()))
    actors: dict[Code, Actor] = Field(json_schema_extra={"minProperties": 2},
                                      description="two at least: one that acts, one that reacts")
    relations: list[Relation] = Field(default_factory=list)
    dependencies: Dependencies = Field(default_factory=Dependencies)
    events: list[Event] = Field(default_factory=list)
    model: ModelSettings = Field(default_factory=ModelSettings)
    run: RunSettings = Field(default_factory=RunSettings)
    expectations: list[Expectation] = Field(default_factory=list)
    sweep: Sweep | None = Field(default=None, description="a parameter sweep: run_sim.py sweep")


def fingerprint(s: Scenario) -> str:
    """A short hash of everything the scenario says (after overrides): the same hash, the same numbers."""
    text = json.dumps(s.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
