"""A sweep's handout: report.md, a self-contained report.html and a real report.pdf; a sensitivity index for grid and
lhs designs; intervals a new reader can read (no `(-0.2-0)`, no zero-width interval from one replicate); whole
reaction words in the charts' cells."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.concepts.labels import LABELS
from sim.scenario.schema import Sweep
from sim.sweep import charts
from sim.sweep.analysis import OUTCOMES, main_effects
from sim.sweep.charts import cell_text, wrap
from sim.sweep.design import build, parse_param
from sim.sweep.report import command, rewrite
from sim.sweep.run import plan, run_sweep

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
INERT = "model.labels.supports"  # changes which word a reaction gets, never the outcomes themselves
DELTA = "events.framework_signed.effects.0.alignment.delta"
HYPHENATED = re.compile(r"\(-?\d[\d.e+-]*-\d")  # `(0.5-0.7)`, `(-0.2-0)`: a range written with a hyphen


def sweep(out: Path, params: list[str], replications: int, charts_: bool = True) -> dict:
    spec = Sweep(design="grid", replications=replications, seed=3, params=[parse_param(p) for p in params])
    return run_sweep(plan(SEED, [], spec), out, "local", 1, None, False, charts=charts_)


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("grid")
    return out, sweep(out, [f"{INERT}=0.001,0.01,0.02", f"{DELTA}=-0.2,0,0.2"], replications=2)


def test_the_report_comes_as_markdown_html_and_pdf(grid: tuple[Path, dict]) -> None:
    from pypdf import PdfReader

    out, _ = grid
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Sweep of ") and "## Which assumption matters" in md
    page = (out / "report.html").read_text(encoding="utf-8")
    pngs = [p.name for p in out.glob("*.png")]
    assert pngs and page.count('src="data:image/png;base64,') == len(pngs)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\ssrc", page, re.IGNORECASE)
    assert "<link" not in page.lower()
    reader = PdfReader(out / "report.pdf")
    assert len(reader.pages) >= 1
    assert "Sweep of" in reader.pages[0].extract_text()


def test_a_grid_sweep_says_which_parameter_matters(grid: tuple[Path, dict]) -> None:
    out, summary = grid
    assert summary == json.loads((out / "summary.json").read_text())
    assert summary["sensitivity_method"] == "main_effect"
    for outcome in OUTCOMES:
        indices = summary["sensitivity"][outcome]
        assert all(0.0 <= v["main_effect"] <= 1.0 for v in indices.values())
        assert indices[DELTA]["main_effect"] > 0.5 > 0.2 > indices[INERT]["main_effect"], outcome
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "main-effect share" in md
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"


def test_intervals_are_written_with_to(grid: tuple[Path, dict]) -> None:
    out, summary = grid
    assert summary["tipping_points"], "the delta sweep flips someone"
    for tip in summary["tipping_points"]:
        assert tip.keys() >= {"actor", "parameter", "from", "to", "at", "low", "high", "text"}
        assert f"({tip['low']:.3g} to {tip['high']:.3g})" in tip["text"]
        assert not HYPHENATED.search(tip["text"])
    md = (out / "report.md").read_text(encoding="utf-8")
    assert " to " in md and not HYPHENATED.search(md)


def test_one_replicate_has_no_interval(tmp_path: Path) -> None:
    sweep(tmp_path, [f"{DELTA}=-0.2,0.2"], replications=1, charts_=False)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "n/a (one replicate)" in md
    for low, high in re.findall(r"([+-][\d.e+-]+) to ([+-][\d.e+-]+)", md):
        assert low != high, "a zero-width interval"
    assert (tmp_path / "report.html").stat().st_size and (tmp_path / "report.pdf").stat().st_size


def test_main_effect_is_exact_on_a_full_grid() -> None:
    a, b = np.meshgrid([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0], indexing="ij")
    points = pd.DataFrame({"point": range(a.size), "a": a.ravel(), "b": b.ravel(), "error": None})
    points["only_a.mean"] = points["a"] ** 2
    points["sum.mean"] = points["a"] + points["b"]
    points["product.mean"] = points["a"] * points["b"]
    got = main_effects(points, ["a", "b"], ["only_a", "sum", "product"], grid=True)
    assert got["only_a"]["a"]["main_effect"] == pytest.approx(1.0)
    assert got["only_a"]["b"]["main_effect"] == pytest.approx(0.0, abs=1e-12)
    var_a, var_b = np.var([0, 1, 2, 3]), np.var([0, 1, 2])  # additive: each share is its own variance's
    assert got["sum"]["a"]["main_effect"] == pytest.approx(var_a / (var_a + var_b))
    assert got["sum"]["b"]["main_effect"] == pytest.approx(var_b / (var_a + var_b))
    both = got["product"]["a"]["main_effect"] + got["product"]["b"]["main_effect"]
    assert 0.5 < both < 1.0  # the rest is the interaction
    constant = points.assign(**{"flat.mean": 1.0})
    assert "error" in main_effects(constant, ["a", "b"], ["flat"], grid=True)["flat"]


def test_main_effect_on_lhs_ranks_and_states_its_chance_level() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(64, 2))
    points = pd.DataFrame({"point": range(64), "a": x[:, 0], "b": x[:, 1], "error": None,
                           "y.mean": np.sin(3 * x[:, 0]) + 0.05 * rng.normal(size=64)})
    got = main_effects(points, ["a", "b"], ["y"], grid=False)["y"]
    assert got["a"]["groups"] == got["b"]["groups"] == 8
    assert got["a"]["chance"] == pytest.approx(7 / 63)
    assert got["a"]["main_effect"] > 0.9 and got["b"]["main_effect"] < 2 * got["b"]["chance"]


def test_chart_cells_carry_whole_words() -> None:
    for label in LABELS:
        for width in (8, 9, 12, 15, 40):
            text = cell_text(label, width)
            assert text.replace("-\n", "") == label
            assert all(len(line) <= max(width, 8) for line in text.splitlines()), (label, width)
    assert cell_text("counterbalances", 8) == "counter-\nbalances"


def test_flips_chart_draws_whole_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = []
    monkeypatch.setattr(charts, "_save", lambda fig, path: drawn.append(fig))
    rows = []
    for k, a in enumerate(np.linspace(0, 1, 10)):  # 10 values: cells narrow enough to break long words
        row: dict[str, object] = {"point": k, "a": a, "error": None}
        for code, label in (("XXX", "counterbalances" if a > 0.5 else "indifferent"), ("YYY", "welcomes")):
            row |= {f"share.{code}.{x}": float(x == label) for x in LABELS} | {f"modal.{code}": label}
        rows.append(row)
    charts.flips(pd.DataFrame(rows), "a", True, tmp_path / "f.png")
    cells = [t.get_text() for t in drawn[0].axes[0].texts]
    assert len(cells) == 20 and {c.replace("-\n", "") for c in cells} == {"counterbalances", "indifferent",
                                                                          "welcomes"}
    import matplotlib.pyplot as plt

    plt.close("all")


def test_titles_wrap_without_cutting_names() -> None:
    title = f"Where reactions flip along {DELTA}"
    lines = wrap(title, 40).splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert all(not line.endswith("_") for line in lines)
    assert wrap(title, 60).splitlines() == ["Where reactions flip along", DELTA]


def test_the_report_can_be_written_again(grid: tuple[Path, dict]) -> None:
    out, _ = grid
    (out / "report.pdf").unlink()
    written = rewrite(out, "letter")
    assert out / "report.pdf" in written and (out / "report.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("design", ["grid", "sobol"])
def test_the_reproduce_command_gives_the_same_points(grid: tuple[Path, dict], design: str) -> None:
    out, summary = grid
    manifest = json.loads((out / "manifest.json").read_text())
    if design == "sobol":
        spec = Sweep(design="sobol", samples=4, seed=9, replications=2,
                     params=[parse_param(f"{DELTA}=-0.3:0.1"), parse_param("model.closure=0.2:0.9")])
        manifest = plan(SEED, [], spec).manifest
        summary = {**summary, "design": "sobol", "parameters": manifest["names"]}
    words = shlex.split(command(summary, manifest))
    params = [parse_param(words[k + 1]) for k, w in enumerate(words) if w == "--param"]
    kind = words[words.index("--design") + 1] if "--design" in words else "grid"
    samples = int(words[words.index("--samples") + 1]) if "--samples" in words else 8
    again = build(Sweep(design=kind, samples=samples, seed=int(words[words.index("--seed") + 1]), params=params))
    assert np.array_equal(again.points, np.array(manifest["points"]))
    assert int(words[words.index("-r") + 1]) == manifest["replications"]
    assert words[:4] == ["uv", "run", "run_sim.py", "sweep"]


def test_the_reproduce_command_names_a_shipped_scenario_by_name() -> None:
    """A path inside this installation would not run on another machine; the name does."""
    shipped = Path(str(resources.files("sim") / "scenarios" / "us_india_defense_framework_2025.yaml")).resolve()
    manifest = {"scenario_file": str(shipped), "samples": 8, "replications": 2, "seed": 1,
                "problem": {"bounds": [[0.1, 0.7]]}, "points": [[0.1], [0.7]], "names": ["model.closure"]}
    words = shlex.split(command({"design": "grid", "parameters": ["model.closure"]}, manifest))
    assert words[4] == "us_india_defense_framework_2025"
