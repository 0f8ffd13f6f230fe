"""The data layer: the bundled tables hold the published figures, the rules order allies above rivals in every
year, and `run_sim.py new` writes scenarios that validate, or says clearly why it cannot."""

from __future__ import annotations

import copy
import importlib.util
import os
import statistics
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.cli import main
from sim.data import rules
from sim.data.compose import Request, compose
from sim.data.facts import DataError, actor_facts, arms_shares, fact, pair_facts, peace, trade_shares, treaties
from sim.data.tables import load

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
MUST_SHOW = "USA,CHN,RUS,IND,PAK,JPN,AUS,GBR,EU"


def module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


# Published figures, each with where it is published. SIPRI milex: SIPRI Military Expenditure Database, current
# US$ m (https://milex.sipri.org/sipri); GDP: World Bank WDI NY.GDP.MKTP.CD, current US$
# (https://data.worldbank.org/indicator/NY.GDP.MKTP.CD).
PUBLISHED = [
    ("USA", 1995, "milex", 295.853),  # SIPRI: 295,853.1
    ("USA", 2008, "milex", 656.756),  # SIPRI: 656,756.0
    ("CHN", 2008, "milex", 78.841),   # SIPRI: 78,840.8
    ("CHN", 2022, "milex", 291.958),  # SIPRI: 291,958.4
    ("RUS", 2008, "milex", 56.184),   # SIPRI: 56,183.8
    ("IND", 1995, "milex", 9.7545),   # SIPRI: 9,754.5
    ("IND", 2008, "milex", 33.002),   # SIPRI: 33,002.4
    ("JPN", 1995, "milex", 49.962),   # SIPRI: 49,961.7
    ("USA", 2024, "milex", 997.309),  # SIPRI 2025 release: 997,309.0
    ("RUS", 2024, "milex", 148.967),  # SIPRI 2025 release: 148,967.3
    ("USA", 2008, "gdp", 14.770),     # WDI: 14,769.9 bn
    ("USA", 2024, "gdp", 29.185),     # WDI 2025: 29,184.9 bn
    ("CHN", 2024, "gdp", 18.744),     # WDI 2025: 18,743.8 bn
    ("IND", 2008, "gdp", 1.199),      # WDI: 1,198.9 bn
    ("IND", 2024, "gdp", 3.913),      # WDI 2025: 3,912.7 bn
    ("JPN", 1995, "gdp", 5.546),      # WDI: 5,545.6 bn
    ("DEU", 2010, "gdp", 3.468),      # WDI: 3,468.2 bn
]


@pytest.mark.parametrize(("code", "year", "what", "value"), PUBLISHED)
def test_tables_hold_the_published_figures(code: str, year: int, what: str, value: float) -> None:
    got = fact(load(), code, what, year)
    assert got.year == year
    assert got.value == pytest.approx(value, rel=2e-3)


def test_arms_shares_are_sipris_and_sum_to_at_most_one() -> None:
    tables = load()
    # SIPRI register, India's imports 2018-22: Russia 40.5%, France 30.9%, USA 12.1% of TIV delivered.
    _, _, shares = tables.arms[("IND", 2022)]
    assert shares["RUS"] == pytest.approx(0.405, abs=0.005)
    assert shares["FRA"] == pytest.approx(0.309, abs=0.005)
    assert shares["USA"] == pytest.approx(0.121, abs=0.005)
    assert all(sum(s.values()) <= 1.001 for _, _, s in tables.arms.values())  # 4 decimals each


def test_trade_is_cows_to_2014_and_the_imfs_after() -> None:
    tables = load()
    assert tables.trade[("CHN", "USA", 2014)] == pytest.approx(655_808.0)  # COW 4.0, both ways
    # IMF DOTS 2020: India's imports from China 58,700.6 + China's imports from India 20,873.0 (US$ m)
    assert tables.trade[("CHN", "IND", 2020)] == pytest.approx(79_573.6, abs=0.1)
    assert tables.covered("trade") == (1990, 2020)
    usa = actor_facts(tables, "USA", 2014, {"USA", "CHN"})
    chn = actor_facts(tables, "CHN", 2014, {"USA", "CHN"})
    seam = [trade_shares(tables, usa, [chn], y)[0]["CHN"] for y in (2014, 2015)]
    assert seam[0] == pytest.approx(seam[1], abs=0.02)  # the two sources agree where they meet


@pytest.mark.parametrize("year", range(1995, 2025))
def test_allies_come_out_above_rivals_every_year(year: int) -> None:
    tables = load()
    codes = ["USA", "GBR", "JPN", "CHN", "IND", "PAK"]
    f = {c: actor_facts(tables, c, year, set(codes)) for c in codes}

    def align(a: str, b: str) -> float:
        return rules.alignment(pair_facts(tables, f[a], f[b], year))

    allies = [align("USA", "GBR"), align("USA", "JPN")]
    rivals = [align("USA", "CHN"), align("IND", "PAK")]
    assert min(allies) > max(rivals), (year, allies, rivals)
    assert min(allies) > 0.3


def test_the_rules_are_the_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The constants in rules.py are what data/fit_rules.py finds; a change to the data or the rule shows here."""
    fit = module(ROOT / "data" / "fit_rules.py")
    s = fit.seed()
    coef, r2 = fit.fit_alignment(s)
    assert pytest.approx(list(coef), abs=5e-4) == [rules.A0, rules.A_IDEAL, rules.A_DEFENSE, rules.A_RIVALRY,
                                                   rules.A_PEACE]
    (km, big, small, water), r2_p = fit.fit_proximity(s)
    assert pytest.approx((km, big, small, water)) == (rules.P_KM, rules.P_BIG, rules.P_SMALL, rules.P_WATER)
    decades, r2_t = fit.fit_technology(s)
    assert pytest.approx(decades) == rules.T_DECADES
    assert r2 > 0.5 and r2_p > 0.6 and r2_t > 0.7  # alignment: 0.43 before the peace scale (issue 18)


def test_the_peace_table_holds_the_authors_spells() -> None:
    """Goertz, Diehl and Balas, peace data v3.1 (data/raw/peacedata3.1.csv): 0 serious rivalry, .25 lesser,
    .5 negative peace (also every pair the file leaves out), .75 warm peace, 1 security community."""
    tables = load()
    assert (date(1987, 10, 3), date(2020, 12, 31), 1.0, True) in tables.peace[("CAN", "USA")]  # the readme's
    assert peace(tables, "USA", "CAN", 1988) == 1.0
    assert peace(tables, "USA", "VEN", 2001) == 0.5 and peace(tables, "USA", "VEN", 2003) == 0.25  # from 14 May 2002
    assert peace(tables, "USA", "VEN", 2002) == pytest.approx(0.5 - 0.25 * 232 / 365)  # the year's mean, by days
    assert all(peace(tables, "IND", "PAK", y) == 0.0 for y in range(1990, 2025))
    assert peace(tables, "USA", "IND", 2019) == 0.5  # not in the file's rivalries or warmer levels: negative peace
    assert peace(tables, "EGY", "ISR", 2005) == 0.5 and peace(tables, "USA", "GBR", 2005) == 0.75
    assert peace(tables, "DEU", "RUS", 2000) == 0.5  # the file's COW 255 is Germany throughout, 365 Russia
    assert peace(tables, "RUS", "UKR", 2015) == 0.0 and peace(tables, "RUS", "UKR", 2010) == 0.5
    # a transition (-9) is the level before it: the U.S. and Russia 1989-92, the UK and France since March 2017
    assert peace(tables, "USA", "RUS", 1991) == 0.0 and peace(tables, "GBR", "FRA", 2019) == 1.0
    # the source ends in 2020: later years take the level ongoing on 31 December 2020, not 2020's mean
    assert 0.25 < peace(tables, "CHN", "IND", 2020) < 0.5  # a lesser rivalry from 15 June 2020
    assert peace(tables, "CHN", "IND", 2024) == 0.25 and peace(tables, "CHN", "USA", 2024) == 0.0
    # ... but the UK's spells with the EU's members end on 31 December 2020 (20201231, not censored): Brexit
    assert peace(tables, "GBR", "FRA", 2020) == 1.0 and peace(tables, "GBR", "FRA", 2021) == 0.5
    assert tables.covered("peace") == (1990, 2020)


def test_a_defence_pact_counts_only_while_the_pair_is_not_in_rivalry() -> None:
    """Issue 18: the Rio Treaty and the U.S.-Pakistan agreement of 1959 are in force on paper (ATOP), but the
    peace data put both pairs in lesser rivalry; the pacts no longer lift them above the U.S. and India."""
    tables = load()

    def facts(a: str, b: str, year: int, separate: set[str] | None = None):
        separate = separate or {a, b}
        return pair_facts(tables, actor_facts(tables, a, year, separate), actor_facts(tables, b, year, separate),
                          year)

    for a, b, year in (("USA", "VEN", 2008), ("USA", "PAK", 2019)):
        p = facts(a, b, year)
        assert p.defense == 1 and p.defense_honoured == 0 and p.peace == 0.25
        assert rules.alignment(p) < 0 < rules.alignment(replace(p, defense_honoured=1.0))
    gbr = facts("USA", "GBR", 2008)
    assert gbr.defense_honoured == gbr.defense == 1 and gbr.peace == 0.75
    assert rules.alignment(facts("USA", "PAK", 2019)) < rules.alignment(facts("USA", "IND", 2019))
    assert rules.alignment(facts("RUS", "GBR", 2024)) < 0  # lesser rivalry since 1992
    assert rules.alignment(facts("IND", "PAK", 2024)) < -0.3  # votes alike (distance 0.14), serious rivals
    # a group: the mean over member pairs, and pacts counted pair by pair
    eu = facts("GBR", "EU", 2010)
    members = actor_facts(tables, "EU", 2010, {"GBR"}).members
    assert eu.peace == pytest.approx(statistics.fmean(peace(tables, "GBR", m, 2010) for m in members))
    assert 0.95 < eu.peace < 1  # a security community since 1992, Spain warm peace (Gibraltar)
    usa_eu = facts("USA", "EU", 2010, {"USA"})
    assert usa_eu.defense_honoured == usa_eu.defense > 0.7  # NATO's members among the EU's


def test_proximity_and_technology_rules_behave() -> None:
    tables = load()
    f = {c: actor_facts(tables, c, 2020, {"CHN", "IND", "USA", "NPL"}) for c in ("CHN", "IND", "USA", "NPL")}
    largest = max(a.milex.value for a in f.values())
    border = rules.proximity(pair_facts(tables, f["CHN"], f["IND"], 2020), f["CHN"].milex.value,
                             f["IND"].milex.value, largest)
    far_small = rules.proximity(pair_facts(tables, f["USA"], f["NPL"], 2020), f["USA"].milex.value,
                                f["NPL"].milex.value, largest)
    assert border == 1.0 and 0 < far_small < 0.4
    assert rules.technology(50_000, 50_000) == 1.0
    assert rules.technology(5_000, 50_000) < rules.technology(20_000, 50_000) < 1.0
    assert rules.technology(1, 50_000) == 0.0


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_writes_a_scenario_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.yaml"
    code, stdout, _ = run(["new", "--year", "2008", "--actors", MUST_SHOW, "--out", str(out)], capsys)
    assert code == 0 and "TO FILL IN" in stdout
    code, stdout, err = run(["validate", str(out)], capsys)
    assert code == 0, err
    doc = yaml.safe_load(out.read_text())
    usa = doc["actors"]["USA"]
    assert usa["military_expenditure"] == {"value": 657, "year": 2008, "source": "sipri_milex"}
    assert usa["gdp"]["value"] == pytest.approx(14.8)
    assert doc["actors"]["EU"]["name"] == "European Union (26 of 27 members)"  # the UK is an actor of its own
    assert len(doc["relations"]) == 9 * 8 // 2
    assert doc["events"] == []
    for dep in doc["dependencies"]["arms_imports"] + doc["dependencies"]["trade"]:
        assert sum(dep["shares"].values()) <= 1


def test_the_eu_is_its_members_less_those_listed_alone() -> None:
    tables = load()
    alone = actor_facts(tables, "EU", 2008, {"USA"})
    without_uk = actor_facts(tables, "EU", 2008, {"USA", "GBR"})
    uk = fact(tables, "GBR", "milex", 2008).value
    assert alone.milex.value == pytest.approx(without_uk.milex.value + uk)
    assert "GBR" not in without_uk.members and len(alone.members) == 27
    assert actor_facts(tables, "EU", 2024, set()).members.count("GBR") == 0  # left in 2020
    usa = actor_facts(tables, "USA", 2008, {"USA"})
    # the EU's arms imports from the USA are its members' (less trade among themselves), between 0 and 1
    assert 0.3 < arms_shares(tables, alone, [usa], 2008)[0]["USA"] < 1
    assert 0.05 < trade_shares(tables, usa, [alone], 2008)[0]["EU"] < 0.4


def test_treaties_after_the_source_ends_follow_the_defence_groups() -> None:
    tables = load()
    assert treaties(tables, "AUT", "GBR", 2018)[0] == 1  # the EU's mutual-defence clause
    assert treaties(tables, "AUT", "GBR", 2024)[0] == 0  # gone with Brexit
    assert treaties(tables, "FRA", "GBR", 2024)[0] == 1  # NATO still binds them
    assert treaties(tables, "FIN", "USA", 2018)[0] == 0 and treaties(tables, "FIN", "USA", 2024)[0] == 1


def test_a_zero_budget_is_a_gap_unless_a_state_never_had_one() -> None:
    tables = load()
    with pytest.raises(DataError, match=r"RUS: no military expenditure for 1990 .* it has 1993-2024"):
        fact(tables, "RUS", "milex", 1990)
    assert fact(tables, "RUS", "milex", 1994).value > 5
    assert fact(tables, "CRI", "milex", 2020).value == 0  # Costa Rica has no army


def test_parties_get_a_placeholder_event_and_weights_can_be_borrowed(tmp_path: Path) -> None:
    composed = compose(Request(2024, ["USA", "IND", "CHN", "BRA"], ["USA", "IND"], weights_from=SEED))
    doc = yaml.safe_load(composed.text)
    seed = yaml.safe_load(SEED.read_text())
    assert doc["actors"]["CHN"]["interests"] == pytest.approx(seed["actors"]["CHN"]["interests"])
    assert set(doc["actors"]["BRA"]["interests"].values()) == {1}  # not in the seed: the placeholder
    assert doc["events"][0]["parties"] == ["USA", "IND"]
    assert compose(Request(2024, ["USA", "IND", "CHN", "BRA"], ["USA", "IND"], weights_from=SEED)).text == \
        composed.text


@pytest.mark.parametrize(("args", "says"), [
    (["--year", "1980", "--actors", "USA,CHN"], "year 1980 is not covered: the country tables run from 1990 to"),
    (["--year", "2008", "--actors", "USA,XYZ"], "XYZ: not a state the data know"),
    (["--year", "2008", "--actors", "USA,TWN"], "TWN: no UNGA ideal point for 2008"),
    (["--year", "2008", "--actors", "USA"], "at least two actors"),
    (["--year", "2008", "--actors", "USA,CHN,USA"], "USA listed twice"),
    (["--year", "2008", "--actors", "USA,CHN", "--parties", "IND"], "--parties: IND not among --actors"),
    (["--year", "2008", "--actors", "USA,CHN", "--name", "Bad Name"], "--name 'Bad Name': use lower_snake_case"),
    (["--year", "2008", "--actors", "USA,ASEAN"], "ASEAN: a group can be an actor only with a code of two"),
])
def test_new_refuses_what_the_data_cannot_answer(args: list[str], says: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["new", *args], capsys)
    assert code == 2 and out == ""
    assert says in err, err
    assert "Traceback" not in err


def test_new_keeps_an_existing_file_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my work\n")
    code, _, err = run(["new", "--year", "2010", "--actors", "USA,CHN", "--out", str(out)], capsys)
    assert code == 2 and "exists" in err and out.read_text() == "my work\n"
    code, _, _ = run(["new", "--year", "2010", "--actors", "USA,CHN", "--out", str(out), "--force"], capsys)
    assert code == 0 and "TO FILL IN" in out.read_text()
    assert out.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # shareable, like any new file
    code, _, err = run(["new", "--year", "2010", "--actors", "USA,CHN", "--out", str(tmp_path)], capsys)
    assert code == 2 and "is a folder" in err
    code, stdout, _ = run(["validate", str(out)], capsys)
    assert code == 0 and "places still say TO FILL IN" in stdout


def test_only_values_count_as_unfilled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`new`'s comments say TO FILL IN as instructions; once every value is filled in, nothing is left to count."""
    out = tmp_path / "mine.yaml"
    code, stdout, _ = run(["new", "--year", "2019", "--actors", "IND,PAK,CHN", "--parties", "IND", "--out", str(out)],
                          capsys)
    lines = out.read_text().splitlines()
    values = [line for line in lines if "TO FILL IN" in line and not line.lstrip().startswith("#")]
    assert code == 0 and f"{len(values)} places say TO FILL IN" in stdout
    filled = "\n".join(line if line.lstrip().startswith("#") else line.replace("TO FILL IN", "filled in")
                       for line in out.read_text().splitlines())
    out.write_text(filled + "\n")
    assert "TO FILL IN" in filled  # the instructions stay
    code, stdout, _ = run(["validate", str(out)], capsys)
    assert code == 0 and "TO FILL IN" not in stdout, stdout
    code, _, err = run(["run", str(out), "--out", str(tmp_path / "run"), "--no-charts", "-q", "-r", "2"], capsys)
    assert code == 0 and "TO FILL IN" not in err, err


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_data_stays_small() -> None:
    """What the repository ships in data/ stays under 10 MiB. Skipped only outside a checkout: a git that fails
    in one is a failure, not a reason to skip."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True, check=True)
    files = listed.stdout.split()
    assert files, "git lists no files in data/"
    assert sum((ROOT / f).stat().st_size for f in files if (ROOT / f).exists()) < 10 * 2**20


build = module(ROOT / "data" / "build.py")


def test_build_reproduces_the_shipped_tables(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyreadr")
    assert build.main(["--check"]) == 0, capsys.readouterr().err


def test_build_refuses_a_changed_raw_file(monkeypatch: pytest.MonkeyPatch) -> None:
    real = copy.deepcopy(build.sources())  # sources() is cached: change a copy
    real["atop"]["files"][0]["sha256"] = "0" * 64
    monkeypatch.setattr(build, "sources", lambda: real)
    with pytest.raises(build.BuildError, match=r"atop_alliance.rda: SHA-256 .* is not the recorded 000000"):
        build.raw_file("atop", "atop_alliance.rda")


def test_build_checks_catch_bad_tables() -> None:
    import pandas as pd

    tables = {name: pd.read_csv(build.TABLES / f, keep_default_na=False, na_values=[""])
              for name, f in build.FILES.items()}
    assert build.check(tables) == []
    tables["countries"].loc[tables["countries"].eval("iso3 == 'USA' and year == 2008"), "milex_usd_bn"] = 600.0
    tables["trade"] = pd.concat([tables["trade"], tables["trade"].head(1)])
    arms = tables["arms_imports"]
    arms.loc[arms.eval("recipient == 'JPN'"), "share"] = 0.9
    spells = tables["peace"]
    spells.loc[spells.eval("a == 'IND' and b == 'PAK'"), "level"] = 0.3
    spells.loc[spells.eval("a == 'CHN' and b == 'USA' and first == '2018-07-15'"), "first"] = "2018-07-01"
    problems = "\n".join(build.check(tables))
    assert "USA', 2008) milex_usd_bn = 600, published 656.756" in problems
    assert "trade: 1 repeated a/b/year" in problems
    assert "arms_imports: shares above 1" in problems
    assert "peace: levels other than" in problems
    assert "peace: spells that overlap the next of their pair, e.g. ['CHN', 'USA', '1972-02-28'" in problems


def test_build_reads_the_peace_file_as_its_readme_says(tmp_path: Path) -> None:
    """Dyad = smaller COW code then larger (not zero-padded in the file); -9 is a transition, taken at the level
    before it; 19009999 and 20209999 are censored; a date without its day is read to the spell's side."""
    raw = tmp_path / "peace.csv"
    raw.write_text("2020,19200110-19871002,0.75,19871003-20209999,1,,\r\n"
                   "2365,19009999-19891108,0,19891109-19920201,-9,19920202-20209999,0.25,.,\r\n"
                   "200230,19009999-19750800,0.5,19750800-20201231,0.75\r\n", encoding="utf-8")
    assert build.read_peace(raw) == [
        (2, 20, "1920-01-10", "1987-10-02", 0.75, 0), (2, 20, "1987-10-03", "2020-12-31", 1.0, 1),
        (2, 365, "1900-01-01", "1992-02-01", 0.0, 0), (2, 365, "1992-02-02", "2020-12-31", 0.25, 1),
        (200, 230, "1900-01-01", "1975-07-31", 0.5, 0), (200, 230, "1975-08-01", "2020-12-31", 0.75, 0)]
    raw.write_text("2020,19200110-19871002,-9\r\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match="opens with a transition"):
        build.read_peace(raw)


def test_build_runs_as_a_script() -> None:
    pytest.importorskip("pyreadr")
    done = subprocess.run([sys.executable, str(ROOT / "data" / "build.py"), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--check" in done.stdout


def test_facts_refuse_unknown_codes() -> None:
    with pytest.raises(DataError, match="not a state the data know"):
        actor_facts(load(), "ZZZ", 2008, set())


def test_weights_come_from_a_weights_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bench gives each state one judgment everywhere: a weights book, apart from any scenario."""
    book = tmp_path / "weights.yaml"
    book.write_text("title: bench\nweights:\n"
                    "  FRA: {interests: {security: 0.4, economy: 0.6}, rationale: a test judgment}\n")
    doc = yaml.safe_load(compose(Request(2010, ["FRA", "DEU"], weights_from=book)).text)
    assert doc["actors"]["FRA"]["interests"] == {"security": 0.4, "economy": 0.6}
    assert doc["actors"]["FRA"]["rationale"] == "from weights.yaml: a test judgment"
    book.write_text("title: bench\nweights:\n  FRA:\n    interests: {security: 1.4, glory: 0.2}\n")
    code, _, err = run(["new", "--year", "2010", "--actors", "FRA,DEU", "--weights-from", str(book)], capsys)
    assert code == 2 and f"{book}:4:27: weights.FRA.interests.security: must be less than or equal to 1" in err
    assert f"{book}:3:3: weights.FRA.rationale: Field required" in err


def test_a_state_without_an_army_has_a_budget_of_zero_and_runs() -> None:
    """The Solomon Islands have no armed forces: SIPRI has no figure, the data say 0, and the model must not
    divide by it (arms earnings are per unit of one's own budget)."""
    import warnings

    from sim.measure.experiment import run as simulate
    from sim.scenario import validate_dict

    assert fact(load(), "SLB", "milex", 2021).value == 0
    data = yaml.safe_load(compose(Request(2021, ["CHN", "SLB", "AUS"], ["CHN", "SLB"])).text)
    data["run"] = {"replications": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reactions = simulate(validate_dict(data)).reactions
    assert np.isfinite(reactions.valence).all() and np.isfinite(reactions.d_alignment).all()


def test_seed_alignments_that_depart_from_the_data_cite_their_own_source() -> None:
    """Issue 10: every figure in the seed matches the data layer or carries its own source. An alignment more
    than 0.25 from the data rule may not cite `unga` (whose entry says it agrees within 0.25); its own source
    must be in the seed's `sources:` with a URL."""
    compare = module(ROOT / "data" / "compare_seed.py")
    seed = yaml.safe_load((ROOT / "scenarios" / "us_india_defense_framework_2025.yaml").read_text())
    source = {"-".join(r["between"]): r["source"] for r in seed["relations"]}
    departing = [pair for pair, mine, data in compare.rows()["alignment"] if abs(mine - data) > 0.25]
    assert departing, "the seed departs from the data somewhere; a test of nothing proves nothing"
    for pair in departing:
        key = source[pair]
        assert key != "unga", f"{pair} departs from the data rule by more than 0.25 but cites unga"
        assert "https://" in seed["sources"][key] or "http://" in seed["sources"][key], f"{pair}: {key} has no URL"
