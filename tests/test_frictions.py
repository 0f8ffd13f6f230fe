"""What a first try at a seminar tripped on (issue 19's small frictions), each as the user met it."""

from __future__ import annotations

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
    path.write_text(yaml.safe_dump(one_event({"name": "signed", "at": 6, "description": "a signing", "parties": ["USA", "IND"], "effects": [
        {"alignment": {"between": ["USA", "IND"], "delta": 0.1}}], "source": "judgment"})))
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
