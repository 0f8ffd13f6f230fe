"""`run_sim.py new`: a complete scenario for any year and any set of states, written from the bundled data.

What the data can say (capabilities, relations, arms and trade shares, groups) is filled in, each figure with its
source and year; what only the user can judge (interest weights, the event, expectations) is marked TO FILL IN,
with placeholders that validate so the file runs at once. The text is written by hand rather than by a YAML dumper
so it reads like the seed scenario: one line per figure, comments saying where each number comes from.
"""

from __future__ import annotations

import difflib
import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.concepts.interests import names as interest_names
from sim.data import rules
from sim.data.facts import (
    DOTS_FROM,
    NEGATIVE_PEACE,
    ActorFacts,
    DataError,
    Fact,
    PairFacts,
    actor_facts,
    arms_shares,
    arms_window,
    check_year,
    group_of,
    pair_facts,
    trade_shares,
    trade_year,
    treaty_year,
)
from sim.data.tables import Tables, load
from sim.scenario import ScenarioError, load_scenario, load_weights, validate_dict

SHARE_FLOOR = 0.01  # shares below 1% are left out, as in the seed


@dataclass
class Request:
    year: int
    actors: list[str]
    parties: list[str] = field(default_factory=list)
    name: str | None = None
    weights_from: Path | None = None
    command: str = ""
    figures: dict[str, dict[str, Fact]] = field(default_factory=dict)  # estimates for figures the tables lack
    figure_sources: dict[str, str] = field(default_factory=dict)  # their keys in `sources:`, and what they cite


@dataclass
class Composed:
    text: str
    warnings: list[str]


def parse_codes(text: str, what: str) -> list[str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise DataError(f"{what}: {', '.join(repeated)} listed twice")
    return codes


def compose(req: Request, tables: Tables | None = None, writer: Callable[..., Writer] | None = None) -> Composed:
    """The scenario's text; `writer`, a subclass of Writer that fills in what `new` leaves to the user
    (history/write.py writes the bench's episodes so)."""
    tables = tables or load()
    if req.name is not None and not re.fullmatch(r"[a-z0-9_]+", req.name):
        raise DataError(f"--name {req.name!r}: use lower_snake_case (letters, digits, _), e.g. my_scenario_{req.year}")
    check_year(tables, req.year)
    if len(req.actors) < 2:
        raise DataError(f"--actors: a scenario needs at least two actors, got {len(req.actors)}")
    stray = [p for p in req.parties if p not in req.actors]
    if stray:
        raise DataError(f"--parties: {', '.join(stray)} not among --actors ({', '.join(req.actors)})")
    for code in req.actors:
        if code.lower() in tables.groups and len(code) > 3:
            raise DataError(f"{code}: a group can be an actor only with a code of two or three letters (EU)")
    unknown = [c for c in req.actors if group_of(tables, c) is None and c not in tables.names]
    if unknown:
        raise DataError(unknown_codes(tables, unknown))
    separate = {c for c in req.actors if c.lower() not in tables.groups}
    facts = {c: actor_facts(tables, c, req.year, separate, req.figures.get(c)) for c in req.actors}
    weights, rationales = borrowed_weights(req.weights_from, req.actors)
    text = (writer or Writer)(req, tables, facts, weights, rationales).text()
    data = yaml.safe_load(text)
    try:
        validate_dict(_as_if_filled(data), "new scenario")  # all but the figures left for the user must hold
    except ScenarioError as err:  # a bug here, not the user's: say so plainly
        raise RuntimeError(f"the composed scenario does not validate:\n{err}") from err
    figures = [(c, label, f) for c, a in facts.items()
               for label, f in (("military expenditure", a.milex), ("GDP", a.gdp), ("democracy score", a.libdem),
                                ("UNGA ideal point", a.ideal), ("GDP per capita", a.gdppc))]
    warnings = [f"{c}: {label} {f.note}" for c, label, f in figures if f.note and f.note.startswith("latest")]
    warnings += [f"{c}: {label} marked TO FILL IN ({f.missing.split(': ', 1)[1]})" for c, label, f in figures
                 if f.missing]
    for what, used in (("trade shares", trade_year(tables, req.year)),
                       ("treaties", treaty_year(tables, req.year))):
        if used != req.year:
            warnings.append(f"{what} are from {used}, the latest year the source covers")
    for what, table in (("rivalries", "rivalries"), ("peace levels", "peace"), ("borders", "contiguity")):
        if req.year > (end := tables.covered(table)[1]):
            warnings.append(f"{what} are those of {end}, the latest year the source covers")
    first, last = arms_window(tables, req.year)
    if last != req.year:
        warnings.append(f"arms-import shares are for {first}-{last}, the latest five years the source covers")
    if weights:
        warnings.append(f"interest weights of {', '.join(weights)} are copied from {req.weights_from}: check that "
                        f"they, and their rationales, hold in {req.year}")
    return Composed(text, warnings)


def borrowed_weights(path: Path | None, codes: list[str]) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """From a weights book (`weights:`) or another scenario (`actors:`): the weights of the actors in both."""
    if path is None:
        return {}, {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if isinstance(data, dict) and "weights" in data:
        found = {c: (dict(w.interests), w.rationale) for c, w in load_weights(path).weights.items()}
    else:
        found = {c: (dict(a.interests), a.rationale or "no rationale given")
                 for c, a in load_scenario(path).actors.items()}
    mine = {c: v for c, v in found.items() if c in codes}
    if not mine:
        raise DataError(f"--weights-from {path}: none of its actors ({', '.join(found)}) is among --actors")
    return {c: w for c, (w, _) in mine.items()}, {c: f"from {path.name}: {r}" for c, (_, r) in mine.items()}


def _num(x: float) -> str:
    """Three significant figures: enough for a scenario, short enough to read."""
    if x == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(x))))
    text = f"{round(x, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _floor2(x: float) -> float:
    """Shares rounded down, so a recipient's never add up to more than 1."""
    return math.floor(x * 100 + 1e-9) / 100


def _flow(items: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}"


def _figure(f: Fact, source: str, scale: float = 1.0, note: str | None = None) -> str:
    if f.missing:  # the user puts a published estimate here; validate refuses the file until then
        return _flow({"value": _quote("TO FILL IN"), "year": str(f.year),
                      "source": _quote("TO FILL IN: where your figure comes from"), "note": _quote(f.missing)})
    parts = {"value": _num(f.value * scale), "year": str(f.year), "source": f.source or source}
    extra = "; ".join(n for n in (f.note, note) if n)
    if extra:
        parts["note"] = _quote(extra)
    return _flow(parts)


def _folded(key: str, text: str) -> list[str]:
    """A long source as a folded YAML block, so the file stays readable in a narrow editor."""
    body = textwrap.wrap(text, 110, break_long_words=False, break_on_hyphens=False)
    return [f"  {key}: >-", *(f"    {line}" for line in body)]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _as_if_filled(data: Any) -> Any:
    """The composed scenario with a stand-in for each figure left TO FILL IN, to check everything else."""
    if isinstance(data, dict):
        if data.get("value") == "TO FILL IN":
            return {**data, "value": 1.0, "source": "rules"}
        return {k: _as_if_filled(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_if_filled(v) for v in data]
    return data


def unknown_codes(tables: Tables, codes: list[str]) -> str:
    """Every code the data do not know, at once, each with the nearest known codes and names."""
    known = {**tables.names, **{g.upper(): n for g, n in tables.group_names.items() if len(g) <= 3}}
    by_name = {name.casefold(): code for code, name in known.items()}

    def hint(code: str) -> str:
        near = difflib.get_close_matches(code, known, n=3, cutoff=0.6)
        near += [by_name[n] for n in difflib.get_close_matches(code.casefold(), by_name, n=1, cutoff=0.8)]
        near = list(dict.fromkeys(near))
        return f"{code} (did you mean {' or '.join(f'{c}, {known[c]}' for c in near)}?)" if near else code

    which = "not a state the data know" if len(codes) == 1 else "not states the data know"
    return (f"{'; '.join(hint(c) for c in codes)}: {which}. Codes are ISO3 (FRA, BRA) or a group in capitals "
            "(EU); `run_sim.py codes NAME` finds one")


class Writer:
    def __init__(self, req: Request, tables: Tables, facts: dict[str, ActorFacts],
                 weights: dict[str, dict[str, float]], rationales: dict[str, str]) -> None:
        self.req, self.tables, self.facts = req, tables, facts
        self.weights, self.rationales = weights, rationales
        self.pairs = {(a, b): pair_facts(tables, facts[a], facts[b], req.year)
                      for i, a in enumerate(req.actors) for b in req.actors[i + 1:]}

    def text(self) -> str:
        return "\n".join([*self.header(), *self.sources(), *self.actors(), *self.relations(),
                          *self.dependencies(), *self.events(), *self.expectations()]) + "\n"

    def header(self) -> list[str]:
        req = self.req
        name = req.name or f"scenario_{req.year}"
        parties = " and ".join(req.parties) if req.parties else "the parties"
        does = "does" if len(req.parties) == 1 else "do"
        return [
            f"# Written by `{req.command}`" if req.command else "# Written by run_sim.py new",
            "# from the public data bundled with geosim (data/README.md, docs/data.md).",
            "#",
            "# From the data: every actor's capabilities (with source and year), relations (alignment and proximity",
            "# by the rules of docs/data.md, their inputs in the comment after each), arms-import and trade shares,",
            "# and groups. Yours to fill in, marked TO FILL IN: each actor's interest weights and rationale, the",
            "# event(s), and what you expect to happen. Then: run_sim.py run THIS_FILE.",
            "#",
            "# Read the relations: votes, pacts, rivalries and the peace scale miss partnerships without a treaty,",
            "# and whatever changed after their sources end (docs/data.md). Overwrite what you know better, and say",
            "# why in `source`.",
            "",
            f"name: {name}",
            f"title: {_quote(f'TO FILL IN: what {parties} {does} ({req.year})')}",
            "description: >",
            f"  TO FILL IN: the event and why it matters. Actors, capabilities and relations are those of {req.year}",
            "  as the bundled public data give them.",
            "",
        ]

    def sources(self) -> list[str]:
        man = self.tables.manifest
        keys = {"sipri_milex": "countries", "wdi_gdp": "countries", "vdem": "countries", "unga": "countries",
                "sipri_at": "arms_imports", "cow_trade": "trade", "imf_dots": "trade", "atop": "alliances",
                "rivalries": "rivalries", "peace": "peace", "cow_contiguity": "contiguity",
                "memberships": "memberships"}
        lines = ["sources:"]
        for key, table in keys.items():
            s = man[table]["sources"][key]
            lines += _folded(key, f"{s['title']}, {s['release']}. {s['url']}")
        lines += _folded("rules", "geosim's data rules (docs/data.md): alignment from UNGA ideal-point distance, "
                         "defence pacts (atop) counted while the pair is not in rivalry, strategic rivalries "
                         "(rivalries) and the peace scale (peace); proximity from borders "
                         "(cow_contiguity), distance between capitals and military reach; technology from GDP per "
                         "capita relative to the highest among the actors")
        for key, text in self.req.figure_sources.items():
            lines += _folded(key, text)
        lines.append("  judgment: " + _quote(self.judgment()))
        return [*lines, "", f"interests: [{', '.join(interest_names())}]", "", "actors:"]

    def judgment(self) -> str:
        return "TO FILL IN: who judged the weights and the event, and from what"

    def actors(self) -> list[str]:
        frontier = max(f.gdppc.value for f in self.facts.values() if not f.gdppc.missing)
        lines = []
        for code, f in self.facts.items():
            groups = [g for g in sorted(self.tables.groups) if code in self.tables.members(g, self.req.year)]
            tech = Fact(rules.technology(f.gdppc.value, frontier), f.gdppc.year)
            if f.gdppc.missing:
                tech = Fact(0.0, f.gdppc.year, missing=(
                    f"{f.gdppc.missing}. With a published GDP per capita G in US$, the rule of docs/data.md gives "
                    f"1 + log10(G / {frontier:,.0f}) / {rules.T_DECADES:g}, kept in [0, 1]"))
            weights = self.weights.get(code)
            lines += [f"  {code}:", f"    name: {_quote(f.name)}"]
            if groups:
                lines.append(f"    groups: [{', '.join(groups)}]")
            lines += [
                f"    military_expenditure: {_figure(f.milex, 'sipri_milex')}",
                f"    gdp: {_figure(f.gdp, 'wdi_gdp')}",
                f"    regime: {_figure(f.libdem, 'vdem')}",
                f"    technology: {_figure(tech, 'rules', note=f'GDP per capita US$ {f.gdppc.value:,.0f} (wdi_gdp)')}",
            ]
            if weights:
                lines.append(f"    interests: {_flow({k: _num(v) for k, v in weights.items()})}")
                lines.append(f"    rationale: {_quote(self.rationales[code])}")
            else:
                lines.append("    # TO FILL IN: how much this actor cares about each interest (normalised to sum to")
                lines.append("    # 1); equal weights are a placeholder, not a judgment. See docs/model.md.")
                lines.append(f"    interests: {_flow(dict.fromkeys(interest_names(), 1))}")
                lines.append(f"    rationale: {_quote('TO FILL IN: one line on why these weights')}")
        return [*lines, ""]

    def relations(self) -> list[str]:
        largest = max(f.milex.value for f in self.facts.values() if not f.milex.missing)
        lines = ["# Alignment in [-1, 1] and proximity in [0, 1], by the rules of docs/data.md; after each pair, its",
                 "# inputs: ideal-point distance, defence pact, rivalry, peace level (where not .5, negative peace),",
                 "# km between capitals, border.",
                 "relations:"]
        for (a, b), p in self.pairs.items():
            al = rules.alignment(p)
            pr = rules.proximity(p, self.facts[a].milex.value, self.facts[b].milex.value, largest)
            unarmed = [c for c in (a, b) if self.facts[c].milex.missing]
            reach = f"; nearness only: no military expenditure for {' or '.join(unarmed)}" if unarmed else ""
            lines.append(f"  - {{between: [{a}, {b}], alignment: {al:.2f}, proximity: {pr:.2f}, source: rules}}"
                         f"  # {_inputs(p)}{reach}")
        return [*lines, ""]

    def dependencies(self) -> list[str]:
        first, last = arms_window(self.tables, self.req.year)
        return ["# Shares of 1% or more among these actors; after each line, the total they are shares of (a share of",
                "# a small total is a small dependency).",
                "dependencies:",
                *self.shares("arms_imports", arms_shares, f"{first}-{last}", "sipri_at", "{:,.0f} TIV m", 1),
                *self.shares("trade", trade_shares, str(year := trade_year(self.tables, self.req.year)),
                             "imf_dots" if year >= DOTS_FROM else "cow_trade",
                             "US$ {:,.0f} bn", 1e-3), ""]

    def shares(self, kind: str, measure: Callable[..., tuple[dict[str, float], float]], year: str, source: str,
               unit: str, scale: float) -> list[str]:
        facts = list(self.facts.values())
        lines = []
        for f in facts:
            shares, total = measure(self.tables, f, [s for s in facts if s.code != f.code], self.req.year)
            if kept := _kept(shares):
                lines.append(f"    - {{of: {f.code}, shares: {_flow(kept)}, year: {year}, source: {source}}}"
                             f"  # of {unit.format(total * scale)}")
        return [f"  {kind}:", *lines] if lines else [f"  {kind}: []  # none of 1% or more among these actors"]

    def events(self) -> list[str]:
        parties = self.req.parties
        lines = ["# TO FILL IN: the event(s). Each changes only its parties; everything else is the model's. Effects:",
                 "# alignment {between, delta}, capability {actor, factor}, technology {actor, delta},",
                 "# arms_share and trade_share (see docs/model.md)."]
        if not parties:
            return [*lines, "# With --parties, `new` writes a placeholder event here.", "events: []", ""]
        who, does = " and ".join(parties), "does" if len(parties) == 1 else "do"
        if len(parties) == 1:
            effects = [f"      - capability: {{actor: {parties[0]}, factor: 1.1}}"]
        else:
            effects = [f"      - alignment: {{between: [{a}, {b}], delta: 0.1}}"
                       for i, a in enumerate(parties) for b in parties[i + 1:]]
        return [*lines, "# The placeholder below only moves the parties closer; replace it with what they do.",
                "events:", "  - name: the_event", "    at: 6",
                f"    description: {_quote(f'TO FILL IN: what {who} {does}')}",
                f"    parties: [{', '.join(parties)}]", "    effects:", *effects, "    source: judgment", ""]

    def expectations(self) -> list[str]:
        return ["# TO FILL IN (optional): what a source expects, checked by run_sim.py check. For example:",
                "# expectations:",
                "#   - {expect: FRA counterbalances, source: judgment}",
                "expectations: []"]


def _kept(shares: dict[str, float]) -> dict[str, float]:
    """Largest first, rounded down, those of 1% or more."""
    ordered = sorted(shares.items(), key=lambda kv: -kv[1])
    return {k: _floor2(v) for k, v in ordered if _floor2(v) >= SHARE_FLOOR}


def _inputs(p: PairFacts) -> str:
    parts = [f"ideal {p.ideal_distance:.2f}"]
    if p.defense:
        pact = "defence pact" if p.defense == 1 else f"defence pacts {p.defense:.0%}"
        if p.defense_honoured < p.defense:  # pacts between pairs in rivalry on the peace scale do not count
            pact += " (not counted: in rivalry)" if not p.defense_honoured else f" ({p.defense_honoured:.0%} counted)"
        parts.append(pact)
    if p.rivalry:
        parts.append("rivalry" if p.rivalry == 1 else f"rivalry {p.rivalry:.0%}")
    if abs(p.peace - NEGATIVE_PEACE) > 0.005:
        parts.append(f"peace {p.peace:.2f}")
    parts.append(f"{p.km:,.0f} km")
    if p.contiguity:
        parts.append("land border" if p.contiguity == 1 else "across water")
    return ", ".join(parts)
