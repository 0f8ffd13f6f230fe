"""Rebuild geosim's data tables (data/tables/) from the raw files (data/raw/), in one command.

    uv run data/build.py            # rebuild and check every table
    uv run data/build.py --check    # rebuild into a temporary folder and fail if it differs from data/tables/

Every raw file is listed in data/raw/SOURCES.yaml with its origin and SHA-256; a file that differs is refused, so a
table cannot silently change with its input. What is built is checked against figures published by the sources
(PUBLISHED below), shares must sum to at most 1 and no key may repeat; any failure stops the build with a message
and exit 1. The output is byte-for-byte reproducible (sorted rows, fixed decimals, gzip without a timestamp).

Two raw sources are not in the repository, and live in data/raw/local/ (ignored by git) where you have them: the
SIPRI arms-transfers register (SIPRI's terms let others reproduce at most a tenth of a database, so we ship only
the shares derived from it) and the IMF's Direction of Trade workbooks for 2015 on (33 MB). SOURCES.yaml says where
the public copies are, with their checksums. Without them the shipped rows they gave are kept, and the build says
so.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime
import functools
import gzip
import hashlib
import io
import itertools
import json
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyreadr
import yaml

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw"
TABLES = HERE / "tables"
FIRST_YEAR = 1990
MILEX_FILE = "API_MS.MIL.XPND.CD_DS2_en_csv_v2_280448.csv"
WINDOW = 5  # years per arms-transfers window, as in SIPRI's own trend tables

# COW numeric codes the UNGA file does not pair with an ISO3 code, or pairs with a dated one. Successor states take
# the record of the state they continue (the Soviet Union's arms exports are Russia's, Yugoslavia's are Serbia's).
COW_FIXES = {260: "DEU", 345: "SRB", 347: "XKX", 678: "YEM", 713: "TWN"}
COW_DROPPED = {265, 280, 680}  # East Germany, Mecklenburg (capitals table only), South Yemen: gone before 1991

# SIPRI's names that are not the World Bank's. Names ending in * (armed non-state groups) or ** (international
# organisations) are not states: as recipients they are left out, as suppliers they count in the recipient's total.
SIPRI_NAMES = {
    "Bahamas": "BHS", "Bosnia-Herzegovina": "BIH", "Brunei": "BRN", "Congo": "COG", "DR Congo": "COD",
    "Egypt": "EGY", "Gambia": "GMB", "Iran": "IRN", "Kyrgyzstan": "KGZ", "Laos": "LAO", "Libya GNC": "LBY",
    "Micronesia": "FSM", "North Korea": "PRK", "Palestine": "PSE", "Russia": "RUS", "Slovakia": "SVK",
    "South Korea": "KOR", "Soviet Union": "RUS", "Syria": "SYR", "Taiwan": "TWN", "UAE": "ARE", "Venezuela": "VEN",
    "Yemen": "YEM", "Yugoslavia": "SRB", "eSwatini": "SWZ", "Western Sahara": "ESH", "Somalia": "SOM",
}
SIPRI_NOT_STATES = {"Czechoslovakia", "East Germany (GDR)", "Northern Cyprus", "unknown supplier(s)",
                    "unknown recipient(s)"}

# The IMF's names that are neither the World Bank's nor COW's. Aggregates, territories and the unspecified
# remainder are not states: IMF_NOT_STATES lists them so that a new name fails the build instead of vanishing.
IMF_NAMES = {
    "Afghanistan, Islamic Rep. of": "AFG", "Armenia, Rep. of": "ARM", "Azerbaijan, Rep. of": "AZE",
    "Bahrain, Kingdom of": "BHR", "Belarus, Rep. of": "BLR", "Central African Rep.": "CAF",
    "China, P.R.: Mainland": "CHN", "Comoros, Union of the": "COM", "Congo, Dem. Rep. of the": "COD",
    "Congo, Rep. of": "COG", "Croatia, Rep. of": "HRV", "Czech Rep.": "CZE", "Côte d'Ivoire": "CIV",
    "Dominican Rep.": "DOM", "Egypt, Arab Rep. of": "EGY", "Equatorial Guinea, Rep. of": "GNQ",
    "Eritrea, The State of": "ERI", "Estonia, Rep. of": "EST", "Eswatini, Kingdom of": "SWZ",
    "Ethiopia, The Federal Dem. Rep. of": "ETH", "Fiji, Rep. of": "FJI", "Iran, Islamic Rep. of": "IRN",
    "Kazakhstan, Rep. of": "KAZ", "Korea, Dem. People's Rep. of": "PRK", "Korea, Rep. of": "KOR",
    "Kosovo, Rep. of": "XKX", "Kyrgyz Rep.": "KGZ", "Lao People's Dem. Rep.": "LAO", "Lesotho, Kingdom of": "LSO",
    "Madagascar, Rep. of": "MDG", "Marshall Islands, Rep. of the": "MHL", "Mauritania, Islamic Rep. of": "MRT",
    "Micronesia, Federated States of": "FSM", "Moldova, Rep. of": "MDA", "Mozambique, Rep. of": "MOZ",
    "Nauru, Rep. of": "NRU", "Netherlands, The": "NLD", "North Macedonia, Republic of": "MKD",
    "Palau, Rep. of": "PLW", "Poland, Rep. of": "POL", "San Marino, Rep. of": "SMR", "Serbia, Rep. of": "SRB",
    "Serbia and Montenegro": "SRB", "Slovak Rep.": "SVK", "Slovenia, Rep. of": "SVN", "South Sudan, Rep. of": "SSD",
    "Syrian Arab Rep.": "SYR", "São Tomé and Príncipe, Dem. Rep. of": "STP", "Taiwan Province of China": "TWN",
    "Tajikistan, Rep. of": "TJK", "Tanzania, United Rep. of": "TZA", "Timor-Leste, Dem. Rep. of": "TLS",
    "USSR": "RUS", "Uzbekistan, Rep. of": "UZB", "Turkey": "TUR", "Vietnam": "VNM", "Somalia": "SOM",
    "Venezuela, Rep. Bolivariana de": "VEN", "Yemen, Rep. of": "YEM",
}
IMF_NOT_STATES = {
    "Advanced Economies", "Africa", "Africa not specified", "Anguilla", "Aruba, Kingdom of the Netherlands",
    "Asia not specified", "Belgium-Luxembourg", "China, P.R.: Hong Kong", "China, P.R.: Macao",
    "Countries & Areas not specified", "Curaçao, Kingdom of the Netherlands",
    "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
    "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
    "Emerging and Developing Asia", "Emerging and Developing Economies", "Emerging and Developing Europe",
    "Euro Area", "Europe not specified", "Falkland Islands (Malvinas)", "Holy See", "Middle East",
    "Middle East and Central Asia", "Middle East and Central Asia not specified", "Montserrat",
    "Netherlands Antilles", "Other Countries not included elsewhere", "Sint Maarten, Kingdom of the Netherlands",
    "South African Common Customs Area (SACCA)", "Special Categories", "Western Hemisphere",
    "Western Hemisphere not specified", "World", "European Union", "Czechoslovakia", "Yugoslavia",
}
DOTS_FIRST = 2015  # COW's trade data end in 2014; the IMF's take over from here

# Figures as the sources publish them, to catch a misread file: (table, key, column, value, tolerance, where).
PUBLISHED: list[tuple[str, tuple, str, float, float, str]] = [
    ("countries", ("USA", 2008), "milex_usd_bn", 656.756, 0.01, "SIPRI milex: USA 2008, US$ 656,756.0 m"),
    ("countries", ("CHN", 2022), "milex_usd_bn", 291.958, 0.01, "SIPRI milex: China 2022, US$ 291,958.4 m"),
    ("countries", ("IND", 1995), "milex_usd_bn", 9.7545, 0.01, "SIPRI milex: India 1995, US$ 9,754.5 m"),
    ("countries", ("JPN", 1995), "milex_usd_bn", 49.962, 0.01, "SIPRI milex: Japan 1995, US$ 49,961.7 m"),
    ("countries", ("USA", 2008), "gdp_usd_tn", 14.770, 0.005, "WDI: USA GDP 2008, US$ 14.77 tn"),
    ("countries", ("CHN", 2024), "gdp_usd_tn", 18.744, 0.01, "WDI 2025: China GDP 2024, US$ 18.74 tn"),
    ("countries", ("USA", 2024), "gdp_usd_tn", 29.185, 0.01, "WDI 2025: USA GDP 2024, US$ 29.18 tn"),
    ("countries", ("IND", 2024), "libdem", 0.291, 0.002, "V-Dem v15: India 2024 liberal democracy 0.291"),
    ("countries", ("RUS", 1993), "milex_usd_bn", 7.8, 0.2, "SIPRI milex: Russia 1993, US$ 7.8 bn (1990, 1992: none)"),
    ("countries", ("IND", 2008), "gdp_usd_tn", 1.199, 0.005, "WDI: India GDP 2008, US$ 1.199 tn"),
    ("countries", ("JPN", 1995), "gdp_usd_tn", 5.546, 0.01, "WDI: Japan GDP 1995, US$ 5.546 tn"),
    ("countries", ("USA", 2008), "ideal_point", 2.55, 0.2, "Voeten: USA far on the Western end, ~2.5"),
    ("countries", ("CHN", 2022), "ideal_point", -1.4, 0.3, "Voeten: China 2022 about -1.4"),
    ("trade", ("CHN", "IND", 2020), "usd_m", 79573.6, 1.0,
     "IMF DOTS 2020: India's imports from China 58,700.6 + China's from India 20,873.0 (US$ m)"),
    ("trade", ("CHN", "USA", 2014), "usd_m", 655808.0, 1.0, "COW trade 4.0: China-U.S. 2014, both ways"),
    ("arms_imports", ("IND", 2018, 2022, "RUS"), "share", 0.405, 0.01,
     "SIPRI Trends in International Arms Transfers 2022: India 2018-22, Russia 45% (register: 40.5% of TIV)"),
    ("arms_imports", ("IND", 2018, 2022, "FRA"), "share", 0.309, 0.01, "SIPRI register: India 2018-22, France 30.9%"),
    ("peace", ("CAN", "USA", "1987-10-03"), "level", 1.0, 0.0,
     "Peace data v3.1 readme: USA-Canada at .75 to 19871002, then 1.0 from 19871003 (censored 20209999)"),
]


class BuildError(Exception):
    """A raw file or a built table is not what the build expects; the message says which and why."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def sources() -> dict:
    with (RAW / "SOURCES.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["sources"]


def raw_file(key: str, name: str, folder: Path = RAW) -> Path:
    """The raw file, after checking it is the one SOURCES.yaml records."""
    entry = next((f for f in sources()[key]["files"] if f["name"] == name), None)
    if entry is None:
        raise BuildError(f"SOURCES.yaml: source {key!r} lists no file {name!r}")
    path = folder / name
    if not path.exists():
        raise BuildError(f"{path}: missing; {entry.get('copied_from', 'see SOURCES.yaml')}")
    if "sha256" not in entry:  # ours, edited by hand
        return path
    got = hashlib.sha256(content(path)).hexdigest()
    if got != entry["sha256"]:
        raise BuildError(f"{path}: SHA-256 {got[:12]}... is not the recorded {entry['sha256'][:12]}...; "
                         "a new release needs its SOURCES.yaml entry (release, checksum) updated first")
    return path


def content(path: Path) -> bytes:
    """The file's bytes, uncompressed if we stored it gzipped (the checksum is the original's)."""
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def read_rda(path: Path) -> pd.DataFrame:
    return next(iter(pyreadr.read_r(str(path)).values()))


def cow_to_iso3(ideal: pd.DataFrame) -> dict[int, str]:
    """COW numeric code -> ISO3, from the pairs in the UNGA file (the one source that carries both)."""
    pairs = ideal.dropna(subset=["iso3c"])
    pairs = pairs[pairs.iso3c != ""].sort_values("year")
    mapping = {int(c): i for c, i in zip(pairs.ccode, pairs.iso3c, strict=True)}
    return mapping | COW_FIXES


def iso3(codes: pd.Series, mapping: dict[int, str]) -> pd.Series:
    out = codes.astype(int).map(mapping)
    unknown = sorted({int(c) for c, i in zip(codes, out, strict=True) if pd.isna(i) and int(c) not in COW_DROPPED})
    if unknown:
        raise BuildError(f"COW codes with no ISO3 code: {unknown}; add them to COW_FIXES or COW_DROPPED")
    return out


def read_wdi(path: Path, column: str, scale: float) -> tuple[pd.DataFrame, dict[str, str], str]:
    """A World Bank API CSV (4 lines of header) -> long table, the names it uses, and its 'Last Updated' date."""
    text = path.read_text(encoding="utf-8-sig")
    updated = next(line for line in text.splitlines()[:4] if "Last Updated" in line).split(",")[1].strip('"')
    wide = pd.read_csv(io.StringIO(text), skiprows=4)
    years = [c for c in wide.columns if c.isdigit() and int(c) >= FIRST_YEAR]
    long = wide.melt(id_vars=["Country Code"], value_vars=years, var_name="year", value_name=column).dropna()
    long["year"] = long.year.astype(int)
    long[column] = long[column] / scale
    names = dict(zip(wide["Country Code"], wide["Country Name"], strict=True))
    return long.rename(columns={"Country Code": "iso3"}), names, updated


def read_vdem_wdi(path: Path) -> pd.DataFrame:
    """V-Dem's liberal democracy index with the World Bank's GDP and GDP per capita, one row per state-year."""
    v = pd.read_csv(io.BytesIO(content(path)))
    v["iso3"] = v.iso3c.fillna(v.country_text_id)
    v = v[v.country_name.notna() & (v.year >= FIRST_YEAR)]  # rows without a V-Dem name are World Bank aggregates
    v = v.assign(gdp_usd_tn=v.gdp / 1e12, gdppc_usd=v.gdp_per_capita, libdem=v.v2x_libdem)
    v = v.groupby(["iso3", "year"], as_index=False)[["gdp_usd_tn", "gdppc_usd", "libdem"]].first()
    return v.dropna(subset=["gdp_usd_tn", "gdppc_usd", "libdem"], how="all")


def build_countries(ideal: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per state and year: military expenditure, GDP, GDP per capita, democracy, UNGA ideal point."""
    milex, names, _ = read_wdi(raw_file("sipri_milex", MILEX_FILE), "milex_usd_bn", 1e9)
    vdem = read_vdem_wdi(raw_file("wdi_gdp", "vdem_wdi.csv.gz"))
    ip = ideal[(ideal.year >= FIRST_YEAR) & ideal.idealpointfp.notna()].copy()
    ip["iso3"] = iso3(ip.ccode, cow_to_iso3(ideal))
    ip = ip.dropna(subset=["iso3"])
    ip = ip.groupby(["iso3", "year"], as_index=False).idealpointfp.mean()
    ip = ip.rename(columns={"idealpointfp": "ideal_point"})
    ip["year"] = ip.year.astype(int)
    # The World Bank's milex file also has regions and income groups: keep the codes the state-level sources use.
    states = set(ip.iso3) | set(vdem.iso3)
    milex = milex[milex.iso3.isin(states)]
    # The World Bank writes 0 where SIPRI has no figure (Russia 1990, North Korea to 2014). A state with a budget
    # in some year has no zero year: those are gaps. A state with none at all (Costa Rica, Iceland) has no army.
    armed = set(milex[milex.milex_usd_bn > 0].iso3)
    milex = milex[~((milex.milex_usd_bn == 0) & milex.iso3.isin(armed))]
    table = milex.merge(vdem, on=["iso3", "year"], how="outer").merge(ip, on=["iso3", "year"], how="outer")
    # A state without armed forces spends nothing on them: 0, where SIPRI has no figure because there is none.
    no_army = yaml.safe_load(raw_file("no_army", "no_army.yaml").read_text(encoding="utf-8"))["states"]
    unarmed = table.iso3.isin(no_army) & table.milex_usd_bn.isna()
    table.loc[unarmed, "milex_usd_bn"] = 0.0
    return table.sort_values(["iso3", "year"]), names


def read_sipri_register(path: Path) -> pd.DataFrame:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("SIPRI AT Database ID"))
    return pd.read_csv(io.StringIO("\n".join(lines[head:])))


def build_arms(register: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Each recipient's imports by supplier over every five-year window (first..last), as shares of its total TIV."""
    by_name = {n: c for c, n in names.items()} | SIPRI_NAMES
    reg = register[register["Delivery year"] >= FIRST_YEAR]
    tiv = reg.groupby(["Supplier", "Recipient", "Delivery year"], as_index=False)["TIV delivery values"].sum()
    tiv.columns = ["supplier", "recipient", "year", "tiv"]
    not_state = tiv.recipient.str.endswith("*") | tiv.recipient.isin(SIPRI_NOT_STATES)
    tiv = tiv[~not_state].copy()
    unknown = sorted(set(tiv.recipient) - set(by_name)) + sorted(
        n for n in set(tiv.supplier) - set(by_name) if not n.endswith("*") and n not in SIPRI_NOT_STATES)
    if unknown:
        raise BuildError(f"SIPRI names with no ISO3 code: {unknown}; add them to SIPRI_NAMES or SIPRI_NOT_STATES")
    tiv["recipient"] = tiv.recipient.map(by_name)
    tiv["supplier"] = tiv.supplier.map(by_name).fillna("")  # "" = not a state; counts in the total only
    rows = []
    for last in range(FIRST_YEAR + WINDOW - 1, int(tiv.year.max()) + 1):
        first = last - WINDOW + 1
        w = tiv[tiv.year.between(first, last)]
        total = w.groupby("recipient").tiv.sum()
        pair = w[w.supplier != ""].groupby(["recipient", "supplier"]).tiv.sum().reset_index()
        pair["first"], pair["last"] = first, last
        pair["recipient_tiv"] = pair.recipient.map(total)
        rows.append(pair[pair.recipient_tiv > 0])
    out = pd.concat(rows)
    out["share"] = out.tiv / out.recipient_tiv
    out = out[out.share >= 0.0005]
    return out[["recipient", "first", "last", "supplier", "share", "recipient_tiv"]].sort_values(
        ["recipient", "first", "supplier"])


def build_trade(mapping: dict[int, str]) -> pd.DataFrame:
    """Total goods trade between two states a < b (both directions, US$ m), and each state's total with the world."""
    t = read_rda(raw_file("cow_trade", "cow_trade_ndy.rda"))
    t = t[t.year >= FIRST_YEAR].copy()
    t = t[~t.ccode1.astype(int).isin(COW_DROPPED) & ~t.ccode2.astype(int).isin(COW_DROPPED)]
    t["a"], t["b"] = iso3(t.ccode1, mapping), iso3(t.ccode2, mapping)
    flow = t[["smoothflow1", "smoothflow2"]].clip(lower=0).fillna(0)
    t["usd_m"] = flow.sum(axis=1)
    t["year"] = t.year.astype(int)
    swap = t.a > t.b
    t.loc[swap, ["a", "b"]] = t.loc[swap, ["b", "a"]].to_numpy()
    t = t[(t.usd_m > 0) & (t.a != t.b)].groupby(["a", "b", "year"], as_index=False).usd_m.sum()
    return t.sort_values(["a", "b", "year"])


def read_dots(folder: Path) -> pd.DataFrame:
    """The IMF's Direction of Trade workbooks (one per reporter, a sheet per flow) -> reporter, flow, partner,
    year, US$ m. Each workbook is checked against data/raw/dots.sha256 first."""
    import openpyxl

    listed = dict(line.split()[::-1] for line in raw_file("imf_dots", "dots.sha256").read_text().splitlines())
    rows = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.exists() or sha256(path) != digest:
            raise BuildError(f"{path}: {'missing' if not path.exists() else 'not the workbook dots.sha256 lists'}")
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            it = sheet.iter_rows(values_only=True)
            head = [next(it) for _ in range(7)]  # title, flow, reporter, unit, then the years
            flow, reporter, years = head[1][1][:3], head[3][1], head[6][2:]
            for row in it:
                if row[1] is None:
                    continue
                for year, cell in zip(years, row[2:], strict=False):
                    figure = str(cell or "").replace(",", "").split()  # "1,032.13", "0.22 e" (estimate)
                    if year and int(year) >= DOTS_FIRST and figure and figure[0] not in ("...", "-"):
                        rows.append((reporter, flow, row[1], int(year), float(figure[0])))
        book.close()
    return pd.DataFrame(rows, columns=["reporter", "flow", "partner", "year", "usd_m"]).drop_duplicates()


def build_trade_dots(dots: pd.DataFrame, names: dict[str, str], states: set[str]) -> pd.DataFrame:
    """Goods trade between two states a < b, as COW builds it from the same IMF data: each direction from the
    importer's report (CIF), or the exporter's (FOB) where the importer reports none."""
    by_name = {n: c for c, n in names.items()} | IMF_NAMES
    known = set(dots.reporter) | set(dots.partner)
    unknown = sorted(n for n in known - set(by_name) if n not in IMF_NOT_STATES)
    if unknown:
        raise BuildError(f"IMF names with no ISO3 code: {unknown}; add them to IMF_NAMES or IMF_NOT_STATES")
    d = dots.assign(reporter=dots.reporter.map(by_name), partner=dots.partner.map(by_name))
    d = d[d.reporter.isin(states) & d.partner.isin(states)]  # the World Bank's names include "World" and regions
    d = d.groupby(["reporter", "flow", "partner", "year"], as_index=False).usd_m.sum()
    imports = d[d.flow == "Imp"].rename(columns={"reporter": "to", "partner": "frm"})
    exports = d[d.flow == "Exp"].rename(columns={"reporter": "frm", "partner": "to"})
    both = imports.merge(exports, on=["to", "frm", "year"], how="outer", suffixes=("_imp", "_exp"))
    both["usd_m"] = both.usd_m_imp.fillna(both.usd_m_exp)
    both["a"] = both[["to", "frm"]].min(axis=1)
    both["b"] = both[["to", "frm"]].max(axis=1)
    both = both[(both.a != both.b) & (both.usd_m > 0)]
    return both.groupby(["a", "b", "year"], as_index=False).usd_m.sum().sort_values(["a", "b", "year"])


def trade_totals(trade: pd.DataFrame) -> pd.DataFrame:
    both = pd.concat([trade.rename(columns={"a": "iso3"})[["iso3", "year", "usd_m"]],
                      trade.rename(columns={"b": "iso3"})[["iso3", "year", "usd_m"]]])
    return both.groupby(["iso3", "year"], as_index=False).usd_m.sum()


def keep_main_partners(trade: pd.DataFrame, totals: pd.DataFrame, floor: float = 0.001) -> pd.DataFrame:
    """Drop dyads below 0.1% of both sides' trade: they cannot move a share by a rounding step, and they are most
    of the rows."""
    tot = totals.set_index(["iso3", "year"]).usd_m
    share_a = trade.usd_m.to_numpy() / tot.loc[list(zip(trade.a, trade.year, strict=True))].to_numpy()
    share_b = trade.usd_m.to_numpy() / tot.loc[list(zip(trade.b, trade.year, strict=True))].to_numpy()
    return trade[(share_a >= floor) | (share_b >= floor)]


def build_alliances(mapping: dict[int, str]) -> pd.DataFrame:
    """Treaty ties between a < b per year: defense (either promises to defend the other) or other (offense,
    neutrality, non-aggression, consultation)."""
    a = read_rda(raw_file("atop", "atop_alliance.rda"))
    a = a[(a.year >= FIRST_YEAR) & ~a.ccode1.astype(int).isin(COW_DROPPED) & ~a.ccode2.astype(int).isin(COW_DROPPED)]
    a = a.assign(a=iso3(a.ccode1, mapping), b=iso3(a.ccode2, mapping), year=a.year.astype(int))
    a["defense"] = (a.atop_defense > 0).astype(int)
    a["other"] = (a[["atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]].sum(axis=1) > 0).astype(int)
    swap = a.a > a.b
    a.loc[swap, ["a", "b"]] = a.loc[swap, ["b", "a"]].to_numpy()
    a = a[a.a != a.b].groupby(["a", "b", "year"], as_index=False)[["defense", "other"]].max()
    return a[(a.defense + a.other) > 0].sort_values(["a", "b", "year"])


def build_contiguity(mapping: dict[int, str]) -> pd.DataFrame:
    """Direct contiguity a < b: type 1 land border, 2-5 separated by at most 12, 24, 150, 400 miles of water."""
    c = read_rda(raw_file("cow_contiguity", "cow_contdir.rda"))
    c = c[pd.to_datetime(c.enddate).dt.year >= FIRST_YEAR]
    c = c[~c.ccode1.astype(int).isin(COW_DROPPED) & ~c.ccode2.astype(int).isin(COW_DROPPED)]
    c = c.assign(a=iso3(c.ccode1, mapping), b=iso3(c.ccode2, mapping), type=c.conttype.astype(int),
                 first=pd.to_datetime(c.stdate).dt.year, last=pd.to_datetime(c.enddate).dt.year)
    c = c[c.a < c.b]
    return c.groupby(["a", "b"], as_index=False).agg(type=("type", "min"), first=("first", "min"),
                                                      last=("last", "max")).sort_values(["a", "b"])


def build_rivalries(mapping: dict[int, str]) -> pd.DataFrame:
    """Strategic rivalries a < b with their first and last year (the source ends in 2020: a 2020 end is ongoing)."""
    r = read_rda(raw_file("rivalries", "tss_rivalries.rda"))
    r = r[r.end >= FIRST_YEAR]
    r = r.assign(a=iso3(r.ccode1, mapping), b=iso3(r.ccode2, mapping), first=r.start.astype(int),
                 last=r.end.astype(int))
    swap = r.a > r.b
    r.loc[swap, ["a", "b"]] = r.loc[swap, ["b", "a"]].to_numpy()
    r = r.groupby(["a", "b"], as_index=False).agg(first=("first", "min"), last=("last", "max"),
                                                  name=("rivalry", "first"))
    return r.sort_values(["a", "b"])


PEACE_LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)  # serious rivalry, lesser rivalry, negative peace, warm peace, community
NEGATIVE_PEACE = 0.5  # the authors' level for a dyad they leave out (no relationship): the table leaves it out too
PEACE_TRANSITIONAL = -9.0
PEACE_CENSORED = {"19009999": datetime.date(1900, 1, 1),  # left-censored: before 1900
                  "20209999": datetime.date(2020, 12, 31)}  # right-censored: ongoing at the end of 2020
ONE_DAY = datetime.timedelta(days=1)


def _peace_day(text: str, last: bool) -> datetime.date:
    """A date of the file, YYYYMMDD. A few lack the month or the day (19770000, 19750800) or have a slip (19971913,
    19699025), all in spells at negative peace or over before 1990: what is not a month or a day is read as the
    earliest it can be for a spell's first day, the latest for its last (read_peace then ends a spell the day
    before the next begins)."""
    if text in PEACE_CENSORED:
        return PEACE_CENSORED[text]
    if len(text) != 8 or not text.isdigit():
        raise BuildError(f"peacedata3.1.csv: {text!r} is not a date (YYYYMMDD)")
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not 1 <= month <= 12:
        return datetime.date(year, 12, 31) if last else datetime.date(year, 1, 1)
    days = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, day if 1 <= day <= days else days if last else 1)


def read_peace(path: Path) -> list[tuple[int, int, str, str, float, int]]:
    """The authors' raw file: one row per dyad (smaller COW code then larger, as one number), then pairs of cells
    (YYYYMMDD-YYYYMMDD, level). Returns (cow1, cow2, first, last, level, ongoing) per spell, dates as YYYY-MM-DD;
    ongoing is 1 for a spell right-censored (20209999): it still held when the data end. The UK's spells with the
    EU's members are not: they end on 31 December 2020, with the Brexit transition.

    A transitional spell (-9) is taken at the level before it, and merged into it: a relation changes when the
    authors say the change is complete, not before. (So the UK's ties to the EU's members, transitional from the
    Brexit notice of 29 March 2017 to the end of the data, keep their level, most a security community, to the end
    of 2020.) A dyad
    that opens with a transition has no level before it, and fails the build; none in v3.1 does."""
    spells = []
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
        if not row:
            continue
        dyad = row[0].zfill(6)
        cells = [c.strip() for c in row[1:] if c.strip() not in ("", ".")]  # one stray "." (255530, before 1946)
        if len(cells) % 2 or len(dyad) != 6 or not dyad.isdigit():
            raise BuildError(f"peacedata3.1.csv: dyad {row[0]!r} is not a dyad followed by (dates, level) pairs")
        read = []
        for dates, level in zip(cells[::2], cells[1::2], strict=True):
            first, _, last = dates.partition("-")
            read.append([_peace_day(first, last=False), _peace_day(last, last=True), float(level),
                         int(last == "20209999")])
        for before, after in itertools.pairwise(read):
            before[1] = min(before[1], after[0] - ONE_DAY)  # where a slip made them overlap, the later one wins
        mine: list[list] = []
        for first, last, level, ongoing in read:
            if first > last:
                raise BuildError(f"peacedata3.1.csv: dyad {dyad} has a spell that ends before it begins ({first})")
            if level == PEACE_TRANSITIONAL:
                if not mine:
                    raise BuildError(f"peacedata3.1.csv: dyad {dyad} opens with a transition, no level before it")
                level = mine[-1][2]
            elif level not in PEACE_LEVELS:
                raise BuildError(f"peacedata3.1.csv: dyad {dyad} has level {level}")
            if mine and mine[-1][2] == level and first - mine[-1][1] == ONE_DAY:
                mine[-1][1], mine[-1][3] = last, ongoing
            else:
                mine.append([first, last, level, ongoing])
        spells += [(int(dyad[:3]), int(dyad[3:]), f.isoformat(), t.isoformat(), v, o) for f, t, v, o in mine]
    return spells


def build_peace(mapping: dict[int, str]) -> pd.DataFrame:
    """Spells a < b at a level of the peace scale other than negative peace, from the first that lasts into 1990:
    first and last day, level (0 serious rivalry, .25 lesser rivalry, .75 warm peace, 1 security community), and
    ongoing (1: still so when the data end, on 31 December 2020). A pair and day not in the table are at negative
    peace (.5), as are the dyads the authors leave out."""
    p = pd.DataFrame(read_peace(raw_file("peace", "peacedata3.1.csv")),
                     columns=["ccode1", "ccode2", "first", "last", "level", "ongoing"])
    p = p[(p["last"] >= f"{FIRST_YEAR}-01-01") & (p.level != NEGATIVE_PEACE)]
    p = p[~p.ccode1.isin(COW_DROPPED) & ~p.ccode2.isin(COW_DROPPED)]
    p = p.assign(a=iso3(p.ccode1, mapping), b=iso3(p.ccode2, mapping))
    swap = p.a > p.b
    p.loc[swap, ["a", "b"]] = p.loc[swap, ["b", "a"]].to_numpy()
    return p[p.a != p.b][["a", "b", "first", "last", "level", "ongoing"]].sort_values(["a", "b", "first"])


def build_states(mapping: dict[int, str], names: dict[str, str], countries: pd.DataFrame) -> pd.DataFrame:
    caps = read_rda(raw_file("cow_capitals", "cow_capitals.rda"))
    caps = caps[pd.to_datetime(caps.enddate).dt.year >= FIRST_YEAR]
    caps = caps[~caps.ccode.astype(int).isin(COW_DROPPED)]
    caps = caps.assign(iso3=iso3(caps.ccode, mapping)).sort_values("enddate").groupby("iso3").last().reset_index()
    codes = sorted(set(countries.iso3) | set(caps.iso3))
    out = pd.DataFrame({"iso3": codes})
    # COW's short names (Russia, South Korea, Iran) read better in a scenario than the World Bank's formal ones
    out["name"] = out.iso3.map(dict(zip(caps.iso3, caps.statenme, strict=True))).fillna(out.iso3.map(names))
    out = out.merge(caps[["iso3", "capital", "lat", "lng"]].rename(columns={"lng": "lon"}), on="iso3", how="left")
    return out


def memberships() -> pd.DataFrame:
    doc = yaml.safe_load(raw_file("memberships", "memberships.yaml").read_text(encoding="utf-8"))
    rows = [{"group": g, "group_name": spec["name"], "mutual_defence": int("mutual_defence" in spec), "iso3": code,
             "joined": m["joined"], "left": m.get("left")}
            for g, spec in doc["groups"].items() for code, m in spec["members"].items()]
    return pd.DataFrame(rows).sort_values(["group", "iso3"])


ROUND = {"gdppc_usd": 1, "libdem": 3, "milex_usd_bn": 4, "gdp_usd_tn": 5, "ideal_point": 4, "share": 4,
         "recipient_tiv": 1, "usd_m": 1, "lat": 4, "lon": 4}


def write_table(df: pd.DataFrame, path: Path, key: list[str]) -> None:
    """Fixed decimals, sorted rows, gzip with no timestamp: the same input gives the same bytes."""
    df = df.sort_values(key).reset_index(drop=True)
    for col, digits in ROUND.items():
        if col in df:
            df[col] = df[col].round(digits)
    text = df.to_csv(index=False, lineterminator="\n")
    if path.suffix == ".gz":
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(text.encode())
        path.write_bytes(buf.getvalue())
    else:
        path.write_text(text, encoding="utf-8")


KEYS = {"countries": ["iso3", "year"], "arms_imports": ["recipient", "first", "last", "supplier"],
        "trade": ["a", "b", "year"], "trade_totals": ["iso3", "year"], "alliances": ["a", "b", "year"],
        "contiguity": ["a", "b"], "rivalries": ["a", "b"], "peace": ["a", "b", "first"], "states": ["iso3"],
        "memberships": ["group", "iso3"]}


def check(tables: dict[str, pd.DataFrame]) -> list[str]:
    problems = []
    for name, key in KEYS.items():
        dup = tables[name].duplicated(subset=key)
        if dup.any():
            problems.append(f"{name}: {int(dup.sum())} repeated {'/'.join(key)}, e.g. "
                            f"{tables[name][dup].iloc[0][key].tolist()}")
    peace = tables["peace"]
    if not peace.level.isin(PEACE_LEVELS).all():
        problems.append(f"peace: levels other than {PEACE_LEVELS}: {sorted(set(peace.level) - set(PEACE_LEVELS))}")
    spells = peace.sort_values(["a", "b", "first"])
    following = spells.groupby(["a", "b"])["first"].shift(-1)
    overlap = spells[following.notna() & (spells["last"] >= following)]
    if len(overlap):
        problems.append(f"peace: spells that overlap the next of their pair, e.g. {overlap.iloc[0].tolist()}")
    sums = tables["arms_imports"].groupby(["recipient", "first"]).share.sum()
    over = sums[sums > 1.001]  # four decimals per share may add up to a little over 1, not more
    if len(over):
        problems.append(f"arms_imports: shares above 1: {over.head(3).to_dict()}")
    for table, key, column, value, tol, where in PUBLISHED:
        df = tables[table]
        names = {"countries": ["iso3", "year"], "arms_imports": ["recipient", "first", "last", "supplier"],
                 "trade": ["a", "b", "year"], "peace": ["a", "b", "first"]}[table]
        row = df[(df[names] == pd.Series(key, index=names)).all(axis=1)]
        got = float(row[column].iloc[0]) if len(row) else math.nan
        if not abs(got - value) <= tol:
            problems.append(f"{table} {key} {column} = {got:.4g}, published {value:g} ({where})")
    return problems


def build(out: Path, local: Path) -> list[str]:
    """Build every table into `out`; returns notes for the user (a kept table, say)."""
    notes = []
    ideal = pd.read_stata(io.BytesIO(content(raw_file("unga", "IdealpointsJuly2025.dta.gz"))))
    mapping = cow_to_iso3(ideal)
    countries, names = build_countries(ideal)
    countries = countries[countries[["milex_usd_bn", "gdp_usd_tn", "ideal_point"]].notna().any(axis=1)]
    trade = build_trade(mapping)
    if (local / "dots").is_dir():
        trade = pd.concat([trade, build_trade_dots(read_dots(local / "dots"), names, set(countries.iso3))])
        totals = trade_totals(trade)
        trade = keep_main_partners(trade, totals)
    else:
        notes.append(f"trade from {DOTS_FIRST}: {(local / 'dots').relative_to(HERE.parent)} is absent (235 IMF "
                     "workbooks, 33 MB, too large for the repository), so the shipped rows are kept")
        totals = trade_totals(trade)
        trade = pd.concat([keep_main_partners(trade, totals), shipped("trade", DOTS_FIRST)])
        totals = pd.concat([totals, shipped("trade_totals", DOTS_FIRST)])
    tables = {
        "countries": countries,
        "trade": trade,
        "trade_totals": totals,
        "alliances": build_alliances(mapping),
        "contiguity": build_contiguity(mapping),
        "rivalries": build_rivalries(mapping),
        "peace": build_peace(mapping),
        "states": build_states(mapping, names, countries),
        "memberships": memberships(),
    }
    register = local / "trade-register.csv"
    if register.exists():
        tables["arms_imports"] = build_arms(read_sipri_register(raw_file("sipri_at", register.name, local)), names)
    else:
        notes.append(f"arms_imports: {register.relative_to(HERE.parent)} is absent (SIPRI's terms keep it out of "
                     "the repository), so the shipped table is kept; SOURCES.yaml says where to get it")
        tables["arms_imports"] = shipped("arms_imports")
    problems = check(tables)
    if problems:
        raise BuildError("the built tables fail their checks:\n  " + "\n  ".join(problems))
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write_table(df, out / FILES[name], KEYS[name])
    write_manifest(out, tables)
    return notes


def shipped(name: str, since: int | None = None) -> pd.DataFrame:
    """The table as shipped (from its years `since` on): what a source kept out of the repository gave."""
    df = pd.read_csv(TABLES / FILES[name], keep_default_na=False)
    return df if since is None else df[df.year >= since]


FILES = {"countries": "countries.csv.gz", "arms_imports": "arms_imports.csv.gz", "trade": "trade.csv.gz",
         "trade_totals": "trade_totals.csv.gz",
         "alliances": "alliances.csv.gz", "contiguity": "contiguity.csv.gz", "rivalries": "rivalries.csv",
         "peace": "peace.csv.gz", "states": "states.csv",
         "memberships": "memberships.csv"}
TABLE_SOURCES = {
    "countries": ["sipri_milex", "wdi_gdp", "vdem", "unga", "no_army"],
    "arms_imports": ["sipri_at"], "trade": ["cow_trade", "imf_dots"], "trade_totals": ["cow_trade", "imf_dots"],
    "alliances": ["atop", "memberships"],
    "contiguity": ["cow_contiguity"], "rivalries": ["rivalries"], "peace": ["peace"],
    "states": ["sipri_milex", "cow_capitals"],
    "memberships": ["memberships"],
}
YEARS = {"countries": "year", "trade": "year", "trade_totals": "year", "alliances": "year", "arms_imports": "last",
         "rivalries": "last", "contiguity": "last", "peace": "last"}  # peace: dates, YYYY-MM-DD


def write_manifest(out: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Per table: its file, rows, years, checksum and the sources behind it (source, release, licence, citation)."""
    src = sources()
    doc = {}
    for name, df in tables.items():
        entry = {"file": FILES[name], "rows": len(df), "sha256": sha256(out / FILES[name]),
                 "sources": {k: {f: src[k][f] for f in ("title", "release", "licence", "citation", "url")}
                             for k in TABLE_SOURCES[name]}}
        if name in YEARS:
            entry["years"] = [int(str(df[YEARS[name]].min())[:4]), int(str(df[YEARS[name]].max())[:4])]
        doc[name] = entry
    (out / "manifest.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def same_tables(a: Path, b: Path) -> list[str]:
    return [f for f in [*FILES.values(), "manifest.json"] if (a / f).read_bytes() != (b / f).read_bytes()]


def main(argv: list[str] | None = None, run: Callable[[Path, Path], list[str]] = build) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="rebuild into a temporary folder and compare")
    ap.add_argument("--out", type=Path, default=TABLES, help="where to write the tables (default data/tables)")
    args = ap.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                notes = run(Path(tmp), RAW / "local")
                differ = same_tables(Path(tmp), TABLES)
                for note in notes:
                    print(f"note: {note}")
                if differ:
                    print(f"data/tables differs from a rebuild: {', '.join(differ)}; run data/build.py",
                          file=sys.stderr)
                    return 1
                print("data/tables is what the raw files give")
                return 0
        notes = run(args.out, RAW / "local")
    except BuildError as err:
        print(f"data/build.py: {err}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}")
    print(f"wrote {len(FILES)} tables and manifest.json to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
