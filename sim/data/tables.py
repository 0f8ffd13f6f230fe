"""The bundled data tables (built by data/build.py), read with the standard library so `run_sim.py new` works on
the core install. Lookups say what is missing instead of returning a silent gap: the composer turns that into an
error that names the code, the year and what is available."""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

FACTS = ("milex_usd_bn", "gdp_usd_tn", "gdppc_usd", "libdem", "ideal_point")


def folder() -> Traversable:
    """In a checkout, data/tables/ (through the sim/data/tables link); installed, inside the package."""
    return resources.files("sim.data") / "tables"


def _rows(name: str) -> list[dict[str, str]]:
    raw = (folder() / name).read_bytes()
    text = gzip.decompress(raw).decode() if name.endswith(".gz") else raw.decode()
    return list(csv.DictReader(io.StringIO(text)))


def _num(text: str) -> float | None:
    return float(text) if text not in ("", "nan", "NaN") else None


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Member:
    joined: int
    left: int | None

    def during(self, year: int) -> bool:
        return self.joined <= year and (self.left is None or year < self.left)


@dataclass
class Tables:
    facts: dict[tuple[str, int], dict[str, float | None]]
    names: dict[str, str]
    capitals: dict[str, tuple[float, float]]
    arms: dict[tuple[str, int], tuple[int, float, dict[str, float]]]  # (recipient, last) -> (first, total, shares)
    trade: dict[tuple[str, str, int], float]  # (a, b, year), a < b -> US$ m both ways
    trade_total: dict[tuple[str, int], float]
    treaties: dict[tuple[str, str, int], tuple[int, int]]  # (a, b, year) -> (defense, other)
    contiguity: dict[tuple[str, str], tuple[int, int, int]]  # (a, b) -> (type, first, last)
    rivalries: dict[tuple[str, str], tuple[int, int]]  # (a, b) -> (first, last)
    # (a, b) -> spells (first, last, level, ongoing: still so when the source ends)
    peace: dict[tuple[str, str], list[tuple[datetime.date, datetime.date, float, bool]]]
    groups: dict[str, dict[str, Member]]
    group_names: dict[str, str] = field(default_factory=dict)
    defence_groups: frozenset[str] = frozenset()  # groups whose members promise to defend each other
    manifest: dict = field(default_factory=dict)

    def together(self, a: str, b: str, year: int) -> bool:
        """Both in one mutual-defence group (NATO, the EU since Lisbon) that year."""
        return any(a in (ms := self.groups[g]) and b in ms and ms[a].during(year) and ms[b].during(year)
                   for g in self.defence_groups)

    def covered(self, table: str) -> tuple[int, int]:
        lo, hi = self.manifest[table]["years"]
        return int(lo), int(hi)

    def members(self, group: str, year: int) -> list[str]:
        return sorted(c for c, m in self.groups.get(group, {}).items() if m.during(year))


@cache
def load() -> Tables:
    facts = {(r["iso3"], int(r["year"])): {c: _num(r[c]) for c in FACTS} for r in _rows("countries.csv.gz")}
    trade_total = {(r["iso3"], int(r["year"])): float(r["usd_m"]) for r in _rows("trade_totals.csv.gz")}
    names, capitals = {}, {}
    for r in _rows("states.csv"):
        names[r["iso3"]] = r["name"]
        if r["lat"]:
            capitals[r["iso3"]] = (float(r["lat"]), float(r["lon"]))
    shares: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    window: dict[tuple[str, int], tuple[int, float]] = {}
    for r in _rows("arms_imports.csv.gz"):
        key = (r["recipient"], int(r["last"]))
        shares[key][r["supplier"]] = float(r["share"])
        window[key] = (int(r["first"]), float(r["recipient_tiv"]))
    arms = {k: (window[k][0], window[k][1], v) for k, v in shares.items()}
    trade = {(r["a"], r["b"], int(r["year"])): float(r["usd_m"]) for r in _rows("trade.csv.gz")}
    treaties = {(r["a"], r["b"], int(r["year"])): (int(r["defense"]), int(r["other"]))
                for r in _rows("alliances.csv.gz")}
    contiguity = {(r["a"], r["b"]): (int(r["type"]), int(r["first"]), int(r["last"]))
                  for r in _rows("contiguity.csv.gz")}
    rivalries = {(r["a"], r["b"]): (int(r["first"]), int(r["last"])) for r in _rows("rivalries.csv")}
    peace: dict[tuple[str, str], list[tuple[datetime.date, datetime.date, float, bool]]] = defaultdict(list)
    for r in _rows("peace.csv.gz"):  # spells off negative peace (.5); a pair or day not listed is at .5
        peace[(r["a"], r["b"])].append((datetime.date.fromisoformat(r["first"]),
                                        datetime.date.fromisoformat(r["last"]), float(r["level"]),
                                        r["ongoing"] == "1"))
    groups: dict[str, dict[str, Member]] = defaultdict(dict)
    group_names, defence_groups = {}, set()
    for r in _rows("memberships.csv"):
        group_names[r["group"]] = r["group_name"]
        if r["mutual_defence"] == "1":
            defence_groups.add(r["group"])
        groups[r["group"]][r["iso3"]] = Member(int(float(r["joined"])), int(float(r["left"])) if r["left"] else None)
    manifest = json.loads((folder() / "manifest.json").read_text(encoding="utf-8"))
    return Tables(facts, names, capitals, arms, trade, trade_total, treaties, contiguity, rivalries, dict(peace),
                  dict(groups), group_names, frozenset(defence_groups), manifest)
