"""`compare`: variants run on the same random numbers, so whatever differs is the variants' doing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "scenarios" / "us_india_defense_framework_2025.yaml")
BASE = "us_india_defense_framework_2025"
LOW = "low China security: actors.CHN.interests.security=0.1"
NONE = "no China security: actors.CHN.interests.security=0"
FAST = ["-r", "10", "-q"]
ENTRY_KEYS = {"actor", "name", "labels", "shares", "stance", "toward_parties", "posture", "why"}


def compare_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["compare", *args, *FAST, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_china_without_security_stops_counterbalancing(capsys: pytest.CaptureFixture[str]) -> None:
    data = compare_json(capsys, SEED, "--variant", NONE)
    assert [v["name"] for v in data["variants"]] == [BASE, "no China security"]
    assert data["variants"][1]["overrides"] == ["actors.CHN.interests.security=0"]
    assert {v["seed"] for v in data["variants"]} == {20251031}
    assert {v["replications"] for v in data["variants"]} == {10}
    china = next(d for d in data["differences"] if d["actor"] == "CHN")
    assert china.keys() >= ENTRY_KEYS
    assert china["kind"] == "label"
    assert china["labels"] == {BASE: "counterbalances", "no China security": "indifferent"}
    assert china["shares"][BASE] == {"counterbalances": 1.0}
    assert china["stance"][BASE] < china["stance"]["no China security"] < 0  # it criticises less
    assert china["why"][0]["interest"] == "security"
    assert china["why"][0]["change"]["no China security"] > 0.05
    kinds = [d["kind"] for d in data["differences"]]
    assert kinds == sorted(kinds, key=["label", "size"].index)  # label changes first
    assert all(len(set(d["labels"].values())) > 1 for d in data["differences"] if d["kind"] == "label")
    assert all(len(set(d["labels"].values())) == 1 for d in data["differences"] if d["kind"] == "size")
    assert "shifted" not in data
    codes = [d["actor"] for d in data["differences"]] + data["unchanged"]
    assert sorted(codes) == sorted(set(codes)) and len(codes) == 18  # every actor, once
    assert "IND" in data["unchanged"]


def test_low_china_security_changes_the_size_of_chinas_reaction(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example. At 0.1 China still counterbalances in every run, but about half as hard: it criticises
    less and arms less. That is a reaction that changed, of kind "size", and the table says how in words."""
    data = compare_json(capsys, SEED, "--variant", LOW)
    low = "low China security"
    china = next(d for d in data["differences"] if d["actor"] == "CHN")
    assert china.keys() >= ENTRY_KEYS | {"kind", "changed"}
    assert china["kind"] == "size"
    assert china["labels"] == {BASE: "counterbalances", low: "counterbalances"}
    assert {"stance", "posture"} <= set(china["changed"])
    assert china["stance"][BASE] < -2.5 < -2.0 < china["stance"][low] < -1.2  # -2.91 -> -1.67
    assert china["posture"][BASE] > 0.08 > 0.065 > china["posture"][low] > 0.04  # +0.096 -> +0.052
    assert china["why"][0]["interest"] == "security"
    # India moves toward the parties a little less (+0.35 -> +0.34): past noise, but a nuance of a large reaction
    assert "IND" in data["unchanged"]
    assert main(["compare", SEED, "--variant", LOW, *FAST]) == 0
    out = capsys.readouterr().out
    assert "B  low China security" in out and "actors.CHN.interests.security=0.1" in out
    v, p = china["stance"], china["posture"]
    lines = out.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("  China (CHN): "))
    block = " ".join(" ".join(lines[start:start + 3]).split())  # its lines, wrapped at 100 columns
    assert f"counterbalances in both; criticism {v[BASE]:+.3f} -> {v[low]:+.3f}" in block
    assert f"posture {p[BASE]:+.3f} -> {p[low]:+.3f}" in block
    for entry in data["differences"]:
        assert f"{entry['name']} ({entry['actor']})" in out
    assert " ".join(" ".join(lines[-2:]).split()).endswith(
        f"Reaction unchanged ({len(data['unchanged'])}): " + ", ".join(data["unchanged"]))
    assert max(map(len, lines)) <= 100


@pytest.mark.parametrize("same", [SEED, str(ROOT / "tests" / ".." / "scenarios" / f"{BASE}.yaml")])
def test_identical_variants_differ_nowhere(same: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = compare_json(capsys, SEED, same)
    assert [v["name"] for v in data["variants"]] == [BASE, f"{BASE}-2"]
    assert data["differences"] == []
    assert len(data["unchanged"]) == 18
    assert main(["compare", SEED, same, *FAST]) == 0
    out = capsys.readouterr().out
    assert "No actor's reaction differs" in out and "Reaction unchanged (18)" in out


def test_chance_alone_changes_no_size(capsys: pytest.CaptureFixture[str]) -> None:
    """The seed on other random numbers is a placebo: whatever differs is chance. The placebo thresholds keep it
    out of every quantity; only a label share may move, by a replicate or two of ten near a boundary."""
    data = compare_json(capsys, SEED, "--variant", "other dice: run.seed=7")
    assert {v["seed"] for v in data["variants"]} == {20251031, 7}
    for entry in data["differences"]:
        assert set(entry["changed"]) <= {"label", "share"}, entry["actor"]


def test_one_variant_is_nothing_to_compare(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", SEED, "-q"]) == 2
    assert "--variant" in capsys.readouterr().err


@pytest.mark.parametrize(("variant", "said"), [
    ("actors.CHN.interests.security=0.1", "expected \"NAME: PATH=VALUE"),
    ("typo: actors.XXX.interests.security=0.1", "actors.XXX.interests.security=0.1: no actor 'XXX'"),
    ("typo: actors.CHN.interests.security=abc", "actors.CHN.interests.security: must be a valid number"),
])
def test_a_bad_variant_is_refused_before_anything_runs(variant: str, said: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", SEED, "--variant", variant, "-q"]) == 2
    captured = capsys.readouterr()
    assert said in captured.err and "--variant" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_the_chart_is_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "compare.png"
    assert main(["compare", SEED, "--variant", NONE, *FAST, "--chart", str(chart)]) == 0
    assert f"chart: {chart}" in capsys.readouterr().out
    with Image.open(io.BytesIO(chart.read_bytes())) as image:
        image.verify()
        assert image.format == "PNG" and image.size[0] > 600 and image.size[1] > 600
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


@pytest.mark.parametrize(("values", "crowded"), [
    ([-0.112, -0.354, -0.05, 0.0001], False),  # 0.0001 prints as 0.000: it does not stretch the span
    ([-0.74, 0.78, 0.0056, -0.05], True),
    ([0.0, 0.0], False),
])
def test_a_size_panel_is_always_linear_and_says_when_small_values_crowd(values: list[float], crowded: bool) -> None:
    """No log axis a seminar must decode: a plain scale, and a note in words when small values sit at zero."""
    import matplotlib.pyplot as plt

    from sim.outputs import compare_chart

    fig, ax = plt.subplots()
    ax.plot(values, range(len(values)))
    note = compare_chart._scale(ax, values)
    assert ax.get_xscale() == "linear"
    assert note.startswith("linear scale") and ("looks like 0" in note) == crowded
    assert "log" not in note and "ten times" not in note
    plt.close(fig)


def test_label_and_size_changes_have_bands_of_different_hues() -> None:
    import colorsys

    from matplotlib.colors import to_rgb

    from sim.outputs.compare_chart import CHANGED, RESIZED

    hue = [colorsys.rgb_to_hsv(*to_rgb(c))[0] * 360 for c in (CHANGED, RESIZED)]
    assert min(abs(hue[0] - hue[1]), 360 - abs(hue[0] - hue[1])) > 90


def test_the_text_fits_100_columns(capsys: pytest.CaptureFixture[str]) -> None:
    """Long overrides, label changes over three variants and size changes all wrap to a terminal's width, and a
    chain of numbers is never broken inside."""
    stalls = str(ROOT / "scenarios" / "variants" / "framework_stalls.yaml")
    small = ("small signing: events.framework_signed.effects.0.alignment.delta=0.05; "
             "events.framework_signed.effects.2.arms_share.delta=0.04")
    assert main(["compare", SEED, stalls, "--variant", small, *FAST]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) <= 100, max(lines, key=len)
    assert any(line.startswith("Label changes (") for line in lines)
    assert not any(line.lstrip().startswith("->") or line.rstrip().endswith("->") for line in lines)
