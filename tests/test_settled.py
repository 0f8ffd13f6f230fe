"""A reaction still moving when the run ends is said to be, in explain, summary.json, the report and `run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.measure.experiment import run
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
SETTLED = ROOT / "history" / "2019_india_airstrike_on_balakot.yaml"


def test_a_run_cut_short_is_not_settled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seed stopped 8 months after its last event: China's posture is still climbing, and everything says so."""
    cut = ["model.steps=20", "model.labels.window=6"]
    r = run(load_scenario(SEED, cut)).reactions
    china = r.codes.index("CHN")
    moving = dict((what, (change, noise)) for what, change, noise in r.unsettled(china))
    assert moving["posture"][0] > moving["posture"][1] > 0
    args = ["run", str(SEED), "--no-charts", "-q", "--out", str(tmp_path / "cut"), *[f"--set={c}" for c in cut]]
    assert main(args) in (0, 1)
    out = capsys.readouterr().out
    assert "not settled at month 20:" in " ".join(out.split()) and "CHN" in out.split("not settled")[1]
    summary = json.loads((tmp_path / "cut" / "summary.json").read_text())
    assert summary["actors"]["CHN"]["not_settled"][0]["what"] == "posture"
    assert "Not settled: its posture is still moving" in summary["actors"]["CHN"]["explanation"]
    assert "**Not settled when the run ends**" in (tmp_path / "cut" / "report.md").read_text()


def test_a_run_that_has_settled_says_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An episode whose reactions are flat over the last year of the run gets no notice anywhere."""
    r = run(load_scenario(SETTLED)).reactions
    assert not any(r.unsettled(i) for i in range(len(r.codes)))
    assert main(["run", str(SETTLED), "--no-charts", "-q", "--out", str(tmp_path / "flat")]) in (0, 1)
    assert "not settled" not in capsys.readouterr().out
    assert "Not settled" not in (tmp_path / "flat" / "report.md").read_text()


def test_the_seed_settles_within_its_ten_years() -> None:
    """At 60 months the welcomers' alignment toward the parties still climbs (the notice names them); run for the
    framework's ten years, nothing is left moving, and no label changes."""
    five = run(load_scenario(SEED)).reactions
    ten = run(load_scenario(SEED, ["model.steps=120"])).reactions
    assert any(five.unsettled(i) for i in range(len(five.codes)))
    assert not any(ten.unsettled(i) for i in range(len(ten.codes)))
    assert [five.modal(i) for i in range(len(five.codes))] == [ten.modal(i) for i in range(len(ten.codes))]
