"""What the tables say about the actors of a scenario in one year: each actor's figures, and each pair's inputs to
the rules (ideal-point distance, treaties, rivalry, peace level, distance, contiguity), with the years they really
come from.

An actor is a state (its ISO3 code) or a group written in capitals (`EU`, `ASEAN`, `NATO`): the group's members of
that year, less any member listed as an actor of its own, so nothing is counted twice. A group sums what adds up
(military expenditure, GDP, trade, arms imports) and averages what does not (democracy, ideal points); a pair
with a group takes the share of member pairs bound by a treaty or in a rivalry, the mean peace level over member
pairs, the median distance between capitals and any border.
"""

from __future__ import annotations

import datetime
import math
import statistics
from dataclasses import dataclass
from itertools import product

from sim.data.tables import Tables, pair

LOOK_BACK = 10  # a missing figure may come from up to this many years before; the file and the command say so
ARMS_WINDOW = 5
DOTS_FROM = 2015  # trade: COW's data to 2014, the IMF's from 2015 (data/build.py)
NEGATIVE_PEACE = 0.5  # the peace scale's middle level, of every pair and day the peace data do not list


class DataError(Exception):
    """The data cannot answer: an unknown code, a year not covered, a state without figures. Says what is there."""


@dataclass(frozen=True)
class Fact:
    value: float
    year: int
    note: str | None = None
    source: str | None = None  # a key of the scenario's `sources:`; None: the table's own source
    missing: str | None = None  # the tables have no such figure (why, as DataError says it); value is 0 then


# Figures a scenario can take from a published estimate when the tables have none: `new` writes them as TO FILL
# IN, with where to look. (Without an ideal point there is no alignment rule, so that one still refuses.)
FILLABLE = {
    "milex": "IISS, The Military Balance; or WMEAT (U.S. State Department), in current US$ bn",
    "gdp": "UN Statistics Division, National Accounts Main Aggregates (every UN member), in current US$ tn",
    "gdppc": "UN Statistics Division, National Accounts Main Aggregates, in current US$",
    "libdem": "V-Dem's liberal democracy index of a neighbouring year, or Freedom House rescaled to [0, 1]",
}


@dataclass(frozen=True)
class ActorFacts:
    code: str
    name: str
    members: tuple[str, ...]  # the states behind it: itself, or a group's members
    milex: Fact  # US$ bn
    gdp: Fact  # US$ tn
    gdppc: Fact  # US$
    libdem: Fact  # [0, 1]
    ideal: Fact

    @property
    def group(self) -> bool:
        return self.members != (self.code,)


@dataclass(frozen=True)
class PairFacts:
    ideal_distance: float
    defense: float  # share of member pairs with a defence pact, in [0, 1]
    defense_honoured: float  # the same, counting only pacts between pairs not in rivalry (peace level >= .5)
    other_treaty: float  # the same for other treaties only (neutrality, non-aggression, consultation)
    treaty_year: int
    rivalry: float  # share of member pairs in a strategic rivalry, in [0, 1]
    peace: float  # peace scale, mean over member pairs: 0 serious rivalry, .25 lesser, .5 negative peace, .75, 1
    peace_year: int  # the year it is of (the source ends in 2020: later years take the level ongoing then)
    km: float  # between capitals (for a group, the median over its members')
    contiguity: int  # 0 none, 1 land, 2-5 water up to 12, 24, 150, 400 miles (COW)


COLUMNS = {"milex": "milex_usd_bn", "gdp": "gdp_usd_tn", "gdppc": "gdppc_usd", "libdem": "libdem",
           "ideal": "ideal_point"}
WHAT = {"milex": "military expenditure", "gdp": "GDP", "gdppc": "GDP per capita", "libdem": "democracy score",
        "ideal": "UNGA ideal point"}


def check_year(tables: Tables, year: int) -> None:
    lo, hi = tables.covered("countries")
    if not lo <= year <= hi:
        raise DataError(f"year {year} is not covered: the country tables run from {lo} to {hi}")


def group_of(tables: Tables, code: str) -> str | None:
    return code.lower() if code.isupper() and code.lower() in tables.groups else None


def members(tables: Tables, code: str, year: int, separate: set[str]) -> tuple[str, ...]:
    group = group_of(tables, code)
    if group is None:
        if code not in tables.names:
            groups = ", ".join(g.upper() for g in sorted(tables.groups) if len(g) <= 3)
            raise DataError(f"{code}: not a state the data know (ISO3 codes such as FRA, BRA; or {groups})")
        return (code,)
    found = tuple(m for m in tables.members(group, year) if m not in separate)
    if not found:
        raise DataError(f"{code}: no members in {year} other than those listed on their own")
    return found


def fact(tables: Tables, code: str, what: str, year: int) -> Fact:
    column = COLUMNS[what]
    for y in range(year, year - LOOK_BACK - 1, -1):
        value = tables.facts.get((code, y), {}).get(column)
        if value is not None:
            return Fact(value, y, None if y == year else f"latest figure, from {y}")
    years = sorted(y for (c, y), row in tables.facts.items() if c == code and row.get(column) is not None)
    has = f"it has {years[0]}-{years[-1]}" if years else "it has none"
    raise DataError(f"{code}: no {WHAT[what]} for {year} (nor the {LOOK_BACK} years before); {has}")


def actor_facts(tables: Tables, code: str, year: int, separate: set[str],
                given: dict[str, Fact] | None = None) -> ActorFacts:
    """A state's or a group's figures for `year`; `given`, published estimates (by COLUMNS key) for figures the
    tables lack, each with its own source: used only where the tables have nothing."""
    ms = members(tables, code, year, separate)
    if len(ms) == 1 and ms[0] == code:
        got = {w: _fact_or_given(tables, code, w, year, given or {}) for w in COLUMNS}
        return ActorFacts(code, tables.names[code], ms, **got)
    group = group_of(tables, code) or ""
    each = {m: {w: _maybe(tables, m, w, year) for w in COLUMNS} for m in ms}
    everyone = len(tables.members(group, year))
    count = f"{len(ms)} of {everyone}" if len(ms) < everyone else f"{everyone}"
    name = f"{tables.group_names[group]} ({count} members)"

    def total(what: str, scale: float = 1.0) -> Fact:
        have = [f.value for m in ms if (f := each[m][what]) is not None]
        if not have:
            raise DataError(f"{code}: none of its members has a {WHAT[what]} for {year}")
        missing = [m for m in ms if each[m][what] is None]
        note = f"sum of {len(have)} members" + (f"; no figure for {', '.join(missing)}" if missing else "")
        return Fact(sum(have) * scale, year, note)

    def mean(what: str) -> Fact:
        have = [f.value for m in ms if (f := each[m][what]) is not None]
        if not have:
            raise DataError(f"{code}: none of its members has a {WHAT[what]} for {year}")
        return Fact(sum(have) / len(have), year, f"average of {len(have)} members")

    gdp = total("gdp")
    people = sum(f.value * 1e12 / g.value for m in ms
                 if (f := each[m]["gdp"]) is not None and (g := each[m]["gdppc"]) is not None and g.value > 0)
    gdppc = Fact(gdp.value * 1e12 / people if people else 0.0, year, "GDP over population of the members")
    return ActorFacts(code, name, ms, total("milex"), gdp, gdppc, mean("libdem"), mean("ideal"))


def _fact_or_given(tables: Tables, code: str, what: str, year: int, given: dict[str, Fact]) -> Fact:
    """The tables' figure; else the estimate given; else, for a figure a published source can supply, a missing
    one for the user to fill in."""
    try:
        return fact(tables, code, what, year)
    except DataError as err:
        if what in given:
            return given[what]
        if what in FILLABLE:
            return Fact(0.0, year, missing=f"{err}; a published estimate: {FILLABLE[what]}")
        raise DataError(f"{err}. Every alignment of a state comes from its UN votes, so `new` cannot write one "
                        "without them; write its relations by hand in a scenario of your own") from err


def _maybe(tables: Tables, code: str, what: str, year: int) -> Fact | None:
    try:
        return fact(tables, code, what, year)
    except DataError:
        return None


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def treaty_year(tables: Tables, year: int) -> int:
    return min(year, tables.covered("alliances")[1])


def treaties(tables: Tables, a: str, b: str, year: int) -> tuple[int, int]:
    """(defense, other) for two states. After the last year ATOP covers, its last year stands, with the changes
    in mutual-defence groups since: states that joined one together are defence partners (Finland and Sweden in
    NATO), and a pact that came with a group one of them has left is gone (the UK and Austria after Brexit)."""
    last = treaty_year(tables, year)
    defense, other = tables.treaties.get((*pair(a, b), last), (0, 0))
    if year > last:
        if tables.together(a, b, year):
            defense = 1
        elif tables.together(a, b, last):
            defense = 0
    return defense, other


def _in_force(first: int, last: int, year: int, end: int) -> bool:
    """True in `year`; what still held when its source ends (`end`) is taken as holding since."""
    return first <= year and (year <= last or last >= end)


def contiguity(tables: Tables, a: str, b: str, year: int) -> int:
    found = tables.contiguity.get(pair(a, b))
    if found is None:
        return 0
    kind, first, last = found
    return kind if _in_force(first, last, year, tables.covered("contiguity")[1]) else 0


def rivalry(tables: Tables, a: str, b: str, year: int) -> bool:
    """A strategic rivalry that year."""
    found = tables.rivalries.get(pair(a, b))
    return found is not None and _in_force(*found, year, tables.covered("rivalries")[1])


def peace_year(tables: Tables, year: int) -> int:
    return min(year, tables.covered("peace")[1])


def peace(tables: Tables, a: str, b: str, year: int) -> float:
    """Two states' level on the peace scale (Goertz, Diehl and Balas) in `year`: the mean over its days, as the
    authors make their dyad-years, a day in none of the pair's spells at negative peace (.5). After the source's
    last year (2020), the level still ongoing when it ends; a spell that ended with it (the UK's with the EU's
    members, at Brexit) is over, and the pair at negative peace."""
    last = peace_year(tables, year)
    spells = tables.peace.get(pair(a, b), [])
    if year > last:
        return next((level for *_, level, ongoing in spells if ongoing), NEGATIVE_PEACE)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = (end - start).days + 1
    off = sum((level - NEGATIVE_PEACE) * ((min(until, end) - max(first, start)).days + 1)
              for first, until, level, _ in spells if first <= end and until >= start)
    return NEGATIVE_PEACE + off / days


def pair_facts(tables: Tables, a: ActorFacts, b: ActorFacts, year: int) -> PairFacts:
    pairs = [(m, n) for m, n in product(a.members, b.members) if m != n]
    ties = [treaties(tables, m, n, year) for m, n in pairs]
    levels = [peace(tables, m, n, year) for m, n in pairs]
    defense = sum(t[0] for t in ties) / len(ties) if ties else 0.0
    # a pact counts only while the pair is not in rivalry: a treaty not honoured in practice (docs/data.md)
    honoured = sum(t[0] for t, lv in zip(ties, levels, strict=True) if lv >= NEGATIVE_PEACE - 1e-9) / len(ties) \
        if ties else 0.0
    other = sum(1 for t in ties if t[1] and not t[0]) / len(ties) if ties else 0.0
    dists = [km(tables.capitals[m], tables.capitals[n]) for m, n in pairs
             if m in tables.capitals and n in tables.capitals]
    borders = [c for m, n in pairs if (c := contiguity(tables, m, n, year))]
    return PairFacts(
        ideal_distance=abs(a.ideal.value - b.ideal.value), defense=defense, defense_honoured=honoured,
        other_treaty=other, treaty_year=treaty_year(tables, year),
        rivalry=sum(rivalry(tables, m, n, year) for m, n in pairs) / len(pairs) if pairs else 0.0,
        peace=statistics.fmean(levels) if levels else NEGATIVE_PEACE, peace_year=peace_year(tables, year),
        km=statistics.median(dists) if dists else math.inf,
        contiguity=min(borders) if borders else 0)


def arms_window(tables: Tables, year: int) -> tuple[int, int]:
    last = min(year, tables.covered("arms_imports")[1])
    return last - ARMS_WINDOW + 1, last


def arms_shares(tables: Tables, recipient: ActorFacts, suppliers: list[ActorFacts],
                year: int) -> tuple[dict[str, float], float]:
    """Share of the recipient's arms imports (TIV, five years to `year`) from each supplier, and the total they are
    shares of (TIV m); imports from within a group do not count for the group."""
    _, last = arms_window(tables, year)
    weight, inside, by = 0.0, 0.0, dict.fromkeys((s.code for s in suppliers), 0.0)
    for r in recipient.members:
        found = tables.arms.get((r, last))
        if found is None:
            continue
        _, tiv, shares = found
        weight += tiv
        inside += tiv * sum(shares.get(m, 0.0) for m in recipient.members)
        for s in suppliers:
            by[s.code] += tiv * sum(shares.get(m, 0.0) for m in s.members)
    outside = weight - inside
    return {k: v / outside for k, v in by.items() if outside > 0 and v > 0}, outside


def trade_year(tables: Tables, year: int) -> int:
    return min(year, tables.covered("trade")[1])


def trade_shares(tables: Tables, reporter: ActorFacts, partners: list[ActorFacts],
                 year: int) -> tuple[dict[str, float], float]:
    """Share of the reporter's goods trade (both ways) with each partner, and the total (US$ m) they are shares
    of; a group's trade among its own members is not trade with the world."""
    y = trade_year(tables, year)
    ms = reporter.members
    total = sum(tables.trade_total.get((m, y), 0.0) for m in ms)
    total -= 2 * sum(tables.trade.get((*pair(m, n), y), 0.0) for i, m in enumerate(ms) for n in ms[i + 1:])
    out = {}
    for p in partners:
        value = sum(tables.trade.get((*pair(m, n), y), 0.0) for m in ms for n in p.members if m != n)
        if total > 0 and value > 0:
            out[p.code] = value / total
    return out, total
