"""The command line as a user meets it: outputs written, JSON printed, exit codes right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "scenarios" / "us_india_defense_framework_2025.yaml")
SUMMARY_KEYS = {"scenario", "seed", "replications", "steps", "version", "actors", "outcomes", "expectations"}
ACTOR_KEYS = {"name", "groups", "reaction", "reaction_share", "alignment_change", "posture_change",
              "interest_change", "explanation"}


def test_run_writes_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", SEED, "-r", "4", "--out", str(out), "-q"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["replications"] == 4
    assert len(summary["actors"]) == 18
    for actor in summary["actors"].values():
        assert actor.keys() >= ACTOR_KEYS
        assert sum(actor["reaction_share"].values()) == pytest.approx(1.0)
    for outcome in summary["outcomes"].values():
        assert outcome["low"] <= outcome["mean"] <= outcome["high"]
    for name in ("reactions.png", "drivers.png"):  # the handout's charts; --all-charts draws the others
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert not (out / "network.png").exists() and not (out / "actors").exists()
    report = (out / "report.md").read_text()
    assert "## Who reacts, and how" in report and "China (CHN)" in report
    rows = (out / "timeseries.csv").read_text().splitlines()
    assert rows[0].startswith("step,actor,quantity")
    assert len(rows) > 18 * 61
    assert not list(out.glob(".*")), "temporary files left behind"
    assert "written:" in capsys.readouterr().out


def test_run_json_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", SEED, "-r", "3", "--seed", "11", "--out", str(tmp_path), "--json", "--no-charts"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["seed"] == 11
    assert summary == json.loads((tmp_path / "summary.json").read_text())


def test_set_changes_the_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["run", SEED, "-r", "3", "--json", "--no-charts", "--out"]
    main([*base, str(tmp_path / "a")])
    a = json.loads(capsys.readouterr().out)
    main([*base, str(tmp_path / "b"), "--set", "events.framework_signed.effects.0.alignment.delta=-0.15"])
    b = json.loads(capsys.readouterr().out)
    assert a["actors"]["CHN"]["reaction"] == "counterbalances"
    assert b["actors"]["CHN"]["reaction"] != "counterbalances"


def test_check_passes_on_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", SEED, "-q"]) == 0
    out = capsys.readouterr().out
    assert "19 of 19 hold" in out


def test_check_fails_when_an_expectation_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = Path(SEED).read_text().replace("{expect: JPN words supports,", "{expect: JPN words criticises,")
    path = tmp_path / "wrong.yaml"
    path.write_text(text)
    assert main(["check", str(path), "-q", "-r", "10"]) == 1
    assert "JPN words criticises" in capsys.readouterr().out
    assert main(["check", str(path), "-q", "-r", "10", "--why"]) == 1
    out = capsys.readouterr().out
    assert "Japan welcomes (100% of runs): it supports the events (100%)" in out  # under the miss, and only there
    assert "China counterbalances" not in out


def test_check_scores_several_files_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bench's score: one JSON object, per file and in total, and nothing else on stdout."""
    path = tmp_path / "wrong.yaml"
    path.write_text(Path(SEED).read_text().replace("{expect: JPN words supports,", "{expect: JPN words criticises,"))
    assert main(["check", SEED, str(path), "-r", "10", "--json"]) == 1
    score = json.loads(capsys.readouterr().out)
    assert [(f["file"], f["passed"], f["total"]) for f in score["files"]] == [(SEED, 19, 19), (str(path), 18, 19)]
    assert (score["passed"], score["total"]) == (37, 38)
    # the rule that runs no model, per file and in total, on the same statements; JPN criticises is the rule's hit
    rule = [f["baseline"]["passed"] for f in score["files"]]
    assert rule[1] == rule[0] + 1 and score["baseline"] == {"passed": sum(rule), "total": 38}
    # Brier scores, pooled over the files by their observed actors
    brier = [f["brier"] for f in score["files"]]
    assert score["brier"]["actors"] == sum(b["actors"] for b in brier) > 0
    assert score["brier"]["model"] == pytest.approx(sum(b["model"] * b["actors"] for b in brier)
                                                    / score["brier"]["actors"], abs=1e-4)
    assert brier[1]["model"] >= brier[0]["model"]  # Japan's words alone: no label observed, the same actors
    assert main(["check", SEED, str(path), "-r", "10", "-q", "--chart", str(tmp_path / "bench.png")]) == 1
    assert "total" in (out := capsys.readouterr().out) and "37 of 38 hold (97%)" in out
    assert (tmp_path / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["check", SEED, "-q", "--chart", str(tmp_path / "bench.png" / "x.png")]) == 2  # before any run
    assert "is a file, not a folder" in capsys.readouterr().err


def test_check_passes_a_weights_book_by(capsys: pytest.CaptureFixture[str]) -> None:
    """`check history/*.yaml` takes in the weights book beside the episodes: it is said so, and passed by."""
    book, episode = str(ROOT / "history" / "weights.yaml"), str(ROOT / "history" / "2017_china_djibouti_base.yaml")
    main(["check", book, episode, "-r", "4", "--json"])
    captured = capsys.readouterr()
    assert [f["file"] for f in json.loads(captured.out)["files"]] == [episode]
    assert "a weights book" in captured.err and "skipped" in captured.err
    assert main(["check", book]) == 2  # nothing to check is said, not passed off as success
    assert "no scenario to check" in capsys.readouterr().err
    assert main(["validate", book, episode]) == 0  # `validate history/*.yaml` checks the book as a book
    assert "ok, a weights book" in capsys.readouterr().out


def test_schema_is_json_schema_with_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"actors", "relations", "events", "expectations", "model", "run"} <= doc["properties"].keys()
    assert "interests" not in doc["required"]  # left out, it means the interests the actors weigh
    assert doc["properties"]["interests"]["items"]["enum"][0] == "security"
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text())
    assert committed == doc, "stale: run `run_sim.py schema --out docs/scenario.schema.json`"


def test_list_and_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    assert "U.S.-India 10-year defense framework" in capsys.readouterr().out
    assert main(["validate", SEED]) == 0
    assert ": ok (18 actors" in capsys.readouterr().out


def test_explain_names_the_drivers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", SEED, "--actor", "chn", "-r", "4", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("China counterbalances")
    assert "security" in out
    assert main(["explain", SEED, "--actor", "XYZ", "-q"]) == 2
    assert "unknown actor 'XYZ'" in capsys.readouterr().err


def test_flags_work_on_a_scenario_without_settings_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = Path(SEED).read_text()
    start, end = text.index("\nmodel:\n"), text.index("# What the source document predicts")
    path = tmp_path / "bare.yaml"
    path.write_text(text[:start] + "\n" + text[end:])
    assert "\nrun:" not in path.read_text() and "\nmodel:" not in path.read_text()
    assert main(["run", str(path), "-r", "2", "--seed", "3", "--set", "model.closure=0.4", "--json", "--no-charts",
                 "--out", str(tmp_path / "out")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["replications"], summary["seed"]) == (2, 3)
