"""A scenario compiled into arrays: the only form of it the model sees.

Every array carries a leading batch axis (runs or parameter points). A single run is a batch of one; a sweep stacks
many. Parameters are stored with the same axis so that a sweep can vary any of them per point.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from sim.concepts import interests
from sim.concepts.arrays import map_arrays
from sim.concepts.effects import Compiled
from sim.concepts.interests import Interest
from sim.scenario.schema import Event as ScenarioEvent
from sim.scenario.schema import Scenario, Shares


@dataclass(frozen=True)
class Event:
    name: str
    at: int
    parties: tuple[int, ...]
    effects: tuple[Compiled, ...]
    targets: tuple[int, ...] = ()  # parties the others act against; measured as their rivals


@dataclass(frozen=True)
class Params:
    """Everything fixed during a run. Shapes: (B,) scalars, (B,N) per actor, (B,N,N) per pair, (B,N,K) weights."""

    codes: tuple[str, ...]
    interests: tuple[Interest, ...]  # the scenario's selection, in the order of the K axis
    mil_share: np.ndarray
    gdp_share: np.ndarray
    spending: np.ndarray  # military expenditure, US$ bn, for the arms market
    burden: np.ndarray  # military expenditure / GDP
    regime: np.ndarray
    weights: np.ndarray
    proximity: np.ndarray
    alignment0: np.ndarray
    arms0: np.ndarray
    trade0: np.ndarray
    tech0: np.ndarray
    posture0: np.ndarray
    rationality: np.ndarray
    alignment_step: np.ndarray
    posture_step: np.ndarray
    inertia: np.ndarray
    posture_inertia: np.ndarray
    reciprocity: np.ndarray
    closure: np.ndarray
    loss_aversion: np.ndarray
    harm: np.ndarray
    solidarity: np.ndarray
    balance: np.ndarray
    norms: np.ndarray
    resolve: np.ndarray
    acts_above: np.ndarray
    acts_below: np.ndarray
    power_exponent: np.ndarray
    backing: np.ndarray
    influence_floor: np.ndarray
    spillover: np.ndarray
    posture_cost: np.ndarray
    import_share: np.ndarray
    volume_grows: np.ndarray  # 1.0 if arms imports grow with capability, else 0.0
    jitter: np.ndarray  # each run draws every weight within 1 +- this of its value (run.jitter; engine.jittered)
    steps: int
    events: tuple[Event, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def batch(self) -> int:
        return int(self.weights.shape[0])

    def repeat_each(self, m: int) -> Params:
        """Every batch member m times in a row."""
        return map_arrays(self, lambda x: np.repeat(x, m, axis=0))

    def select(self, k: int) -> Params:
        """Batch member k alone, as a batch of one."""
        return map_arrays(self, lambda x: x[k:k + 1] if x.shape[0] > 1 else x)

    def broadcast(self, batch: int) -> Params:
        """The same parameters for `batch` runs (read-only views, no copies)."""
        return map_arrays(self, lambda x: np.broadcast_to(x, (batch, *x.shape[1:])))


def stack(items: list[Params]) -> Params:
    """Batch-of-one Params (the same scenario at different points) as one batch; `.repeat_each(r)` then gives
    the layout of a sweep chunk, point-major, replicate-minor."""
    first = items[0]

    def timeline(p: Params) -> tuple:
        events = tuple((e.name, e.at, e.parties, e.targets, tuple(x.kind for x in e.effects)) for e in p.events)
        return p.codes, tuple(x.name for x in p.interests), p.steps, events

    if any(timeline(p) != timeline(first) for p in items):
        raise ValueError("points of a sweep must share actors, interests, steps and the events' timeline")

    def cat(xs: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(xs, axis=0)

    changes = {f.name: cat([getattr(p, f.name) for p in items]) for f in fields(first)
               if isinstance(getattr(first, f.name), np.ndarray)}
    events = tuple(
        replace(e, effects=tuple(replace(x, amount=cat([p.events[k].effects[m].amount for p in items]))
                                 for m, x in enumerate(e.effects)))
        for k, e in enumerate(first.events)
    )
    return replace(first, events=events, **changes)


def compile_scenario(s: Scenario) -> Params:
    """Scenario -> Params with a batch of one. Missing relations default to neutral and distant."""
    codes = tuple(s.actors)
    idx = {c: k for k, c in enumerate(codes)}
    n = len(codes)
    actors = list(s.actors.values())
    mil = np.array([a.military_expenditure.value for a in actors], dtype=float)
    gdp = np.array([a.gdp.value for a in actors], dtype=float)
    chosen = interests.select(s.interests)
    order = [x.name for x in chosen]
    weights = np.zeros((n, len(chosen)))
    for k, a in enumerate(actors):
        for name, w in a.interests.items():
            weights[k, order.index(name)] = w
        weights[k] /= weights[k].sum()
    align = np.zeros((n, n))
    prox = np.zeros((n, n))
    for rel in s.relations:
        a, b = idx[rel.pair[0]], idx[rel.pair[1]]
        pairs = [(a, b), (b, a)] if rel.symmetric else [(a, b)]
        for x, y in pairs:
            if rel.alignment is not None:
                align[x, y] = rel.alignment
            if rel.proximity is not None:
                prox[x, y] = rel.proximity
    arms = _shares(s.dependencies.arms_imports, idx, n)
    trade = _shares(s.dependencies.trade, idx, n)
    m = s.model
    market = s.dependencies.arms_market

    def one(x: object) -> np.ndarray:
        return np.asarray(x, dtype=float)[None, ...]

    events = tuple(_compile_event(e, idx) for e in sorted(s.events, key=lambda e: e.at))
    return Params(
        codes=codes,
        interests=chosen,
        mil_share=one(mil / mil.sum()),
        gdp_share=one(gdp / gdp.sum()),
        spending=one(mil),
        burden=one(mil / (gdp * 1000.0)),
        regime=one([a.regime.value for a in actors]),
        weights=one(weights),
        proximity=one(prox),
        alignment0=one(align),
        arms0=one(arms),
        trade0=one(trade),
        tech0=one([a.technology.value for a in actors]),
        posture0=one([a.posture for a in actors]),
        rationality=one(m.rationality),
        alignment_step=one(m.alignment_step),
        posture_step=one(m.posture_step),
        inertia=one(m.inertia),
        posture_inertia=one(m.posture_inertia),
        reciprocity=one(m.reciprocity),
        closure=one(m.closure),
        loss_aversion=one(m.loss_aversion),
        harm=one(m.harm),
        solidarity=one(m.solidarity),
        balance=one(m.balance),
        norms=one(m.norms),
        resolve=one(m.resolve),
        acts_above=one(m.acts_above),
        acts_below=one(m.acts_below),
        power_exponent=one(m.power_exponent),
        backing=one(m.alliance_backing),
        influence_floor=one(m.influence_floor),
        spillover=one(m.technology_spillover),
        posture_cost=one(m.posture_cost),
        import_share=one(market.import_share_of_spending),
        volume_grows=one(1.0 if market.volume == "grows_with_capability" else 0.0),
        jitter=one(s.run.jitter),
        steps=m.steps,
        events=events,
    )


def _shares(deps: list[Shares], idx: dict[str, int], n: int) -> np.ndarray:
    out = np.zeros((n, n))
    for dep in deps:
        for code, share in dep.shares.items():
            out[idx[dep.of], idx[code]] = share
    return out


def _compile_event(e: ScenarioEvent, idx: dict[str, int]) -> Event:
    return Event(e.name, e.at, tuple(idx[p] for p in e.parties), tuple(x.compile(idx) for x in e.effects),
                 tuple(idx[p] for p in e.target))
