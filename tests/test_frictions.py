"""What a first try at a seminar tripped on (issue 19's small frictions), each as the user met it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.cli import main
from sim.concepts.wording import counted, has, says

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "scenarios" / "us_india_defense_framework_2025.yaml")


def test_counts_are_english(tmp_path: Path, one_event: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """No "1 events" or "1 replicates"; an interest named in the plural takes a plural verb."""
    assert (counted(1, "event"), counted(2, "event"), counted(0, "point")) == ("1 event", "2 events", "0 points")
    assert (has("values"), has("economy"), says(1), says(3)) == ("have", "has", "says", "say")
    path = tmp_path / "one.yaml"
    event = {"name": "signed", "at": 6, "description": "a signing", "parties": ["USA", "IND"],
             "effects": [{"alignment": {"between": ["USA", "IND"], "delta": 0.1}}], "source": "judgment"}
    path.write_text(yaml.safe_dump(one_event(event)))
    assert main(["validate", str(path)]) == 0
    assert "(18 actors, 1 event, 0 expectations)" in capsys.readouterr().out
    assert main(["run", str(path), "-r", "1", "--out", str(tmp_path / "out"), "--no-charts", "-q"]) == 0
    assert "1 replicate x 60 months" in capsys.readouterr().out


def test_shipped_scenarios_are_named_as_the_readme_names_them(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """README.md says `scenarios/...`; in a checkout, `list` and `compare` say so too, not `sim/scenarios/...`."""
    monkeypatch.chdir(ROOT)
    assert main(["list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed[0] == "scenarios/us_india_defense_framework_2025.yaml"
    assert all(name.startswith("scenarios/") for name in listed), listed
    assert main(["compare", "us_india_defense_framework_2025", "framework_stalls", "-r", "2", "-q"]) == 0
    out = capsys.readouterr().out
    assert "  B  framework_stalls" in out and " scenarios/variants/framework_stalls.yaml" in out
    assert "sim/scenarios" not in out


def test_a_group_statements_share_says_it_is_of_members(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`check`'s share is of the runs, but for "most of neighbours ..." it is of the members: the output says which,
    and so do summary.json and the report."""
    assert main(["check", SEED, "-r", "4", "-q"]) == 0
    out = capsys.readouterr().out
    assert "for a statement about a group, of the group's members" in out
    assert main(["run", SEED, "-r", "4", "--out", str(tmp_path / "run"), "--no-charts", "-q"]) == 0
    verdicts = json.loads((tmp_path / "run" / "summary.json").read_text())["expectations"]
    of = {v["expect"].split(":")[0]: v["share_of"] for v in verdicts}
    assert of["most of neighbours"] == "members" and of["USA words supports"] == "runs"
    report = (tmp_path / "run" / "report.md").read_text().splitlines()
    row = next(line for line in report if line.startswith("| most of neighbours"))
    assert "% of members |" in row, row


def test_new_names_every_unknown_code_and_how_to_find_them(capsys: pytest.CaptureFixture[str]) -> None:
    """`new --actors IND,PAQ,XYZ` used to report PAQ alone: every unknown code is named at once, with the nearest
    known ones, and the message says how to list codes; `codes` then finds them."""
    assert main(["new", "--year", "2019", "--actors", "IND,PAQ,XYZ"]) == 2
    err = capsys.readouterr().err
    assert "PAQ (did you mean" in err and "PAK, Pakistan" in err and "; XYZ:" in err
    assert "run_sim.py codes" in err and "Traceback" not in err
    assert main(["codes", "pakistan"]) == 0
    assert capsys.readouterr().out.split() == ["PAK", "Pakistan"]
    assert main(["codes", "korea"]) == 0
    assert {line.split()[0] for line in capsys.readouterr().out.splitlines()} == {"KOR", "PRK"}
    assert main(["codes", "no such place"]) == 2
    assert "nothing matches" in capsys.readouterr().err


def test_explain_says_which_overrides_it_ran_with(capsys: pytest.CaptureFixture[str]) -> None:
    """An explanation of a changed scenario says what was changed, fits a terminal, and ends its last line."""
    assert main(["explain", SEED, "--actor", "RUS", "-r", "4", "-q",
                 "--set", "actors.RUS.interests.security=0.1", "--set", "model.solidarity=0"]) == 0
    out = capsys.readouterr().out
    header, _, rest = out.partition(":\n")
    assert " ".join(header.split()).endswith(", with actors.RUS.interests.security=0.1; model.solidarity=0")
    assert rest.startswith("Russia ")
    assert out.endswith("\n") and max(map(len, out.splitlines())) <= 100
    assert main(["explain", SEED, "--actor", "RUS", "-r", "4", "-q"]) == 0
    assert capsys.readouterr().out.startswith("Russia ")


def test_a_state_without_a_figure_is_written_for_the_user_to_fill_in(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """North Korea has no GDP in the data and Cuba no military expenditure before 2003: `new` writes them anyway,
    the figure TO FILL IN with where to find an estimate, and `validate` refuses the file until it holds a number."""
    out = tmp_path / "korea.yaml"
    assert main(["new", "--year", "2019", "--actors", "CHN,PRK,KOR,JPN", "--parties", "PRK", "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert "2 figures the data lack" in said.out and "PRK: GDP marked TO FILL IN" in said.err
    prk = yaml.safe_load(out.read_text())["actors"]["PRK"]
    assert prk["gdp"]["value"] == "TO FILL IN" and "UN Statistics Division" in prk["gdp"]["note"]
    assert prk["technology"]["value"] == "TO FILL IN" and "log10(G / " in prk["technology"]["note"]
    assert main(["validate", str(out)]) == 2
    err = capsys.readouterr().err
    lines = out.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith('    gdp: {value: "TO FILL IN"'))
    assert f"{out}:{line}:18: actors.PRK.gdp.value: still says TO FILL IN: put your value here (a number)" in err
    assert "actors.PRK.technology.value: still says TO FILL IN" in err and "Traceback" not in err
    out.write_text(out.read_text().replace('value: "TO FILL IN"', "value: 0.03", 1)
                   .replace('value: "TO FILL IN"', "value: 0.2", 1))
    assert main(["validate", str(out)]) == 0
    capsys.readouterr()

    cuba = tmp_path / "cuba.yaml"
    assert main(["new", "--year", "2000", "--actors", "USA,CUB,MEX", "--out", str(cuba)]) == 0
    text = cuba.read_text()
    assert 'military_expenditure: {value: "TO FILL IN"' in text and "The Military Balance" in text
    pairs = [line for line in text.splitlines() if line.startswith("  - {between: [") and "CUB" in line]
    assert len(pairs) == 2 and all("nearness only: no military expenditure for CUB" in p for p in pairs)
