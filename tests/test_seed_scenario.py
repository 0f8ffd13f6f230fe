"""The seed document's reactions come out of general rules, robustly, and go away when the event is reversed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from sim.concepts.labels import PASS_SHARE
from sim.measure.expect import check
from sim.measure.experiment import Result, run
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
# the labels the seed's words and deeds name: supports (and closer) is welcomes; criticises and keeps, hedges;
# criticises and counters, counterbalances
EXPECTED = {"USA": "welcomes", "JPN": "welcomes", "AUS": "welcomes", "RUS": "hedges", "CHN": "counterbalances",
            "PAK": "counterbalances", "GBR": "welcomes", "EU": "welcomes"}


def test_every_expectation_holds(seed_scenario: Scenario, seed_result: Result) -> None:
    verdicts = check(seed_scenario, seed_result.reactions)
    assert len(verdicts) == len(seed_scenario.expectations) >= 19
    failed = [f"{v.expect}: {v.observed}" for v in verdicts if not v.passed]
    assert not failed


def test_expected_labels_are_modal_in_most_replicates(seed_result: Result) -> None:
    r = seed_result.reactions
    for code, label in EXPECTED.items():
        i = r.codes.index(code)
        assert r.modal(i) == label
        assert r.share(i)[label] >= PASS_SHARE
    neighbours = [c for c, a in seed_result.scenario.actors.items() if "neighbours" in a.groups]
    assert len(neighbours) >= 5


def test_labels_survive_jittered_weights(seed_scenario: Scenario) -> None:
    """Issue 18: every replicate draws every interest weight within +-15% of its value (run.jitter), so each of 100
    replicates is a draw of judgment; the expected labels hold in at least 95% of (draw, actor) pairs, and each in
    at least the share a statement needs."""
    s = seed_scenario.model_copy(deep=True)
    s.run.replications = 100
    assert s.run.jitter == 0.15
    r = run(s).reactions
    kept = [float(np.mean(r.labels[:, r.codes.index(code)] == label)) for code, label in EXPECTED.items()]
    assert np.mean(kept) >= 0.95, dict(zip(EXPECTED, kept, strict=True))
    assert min(kept) >= PASS_SHARE


def test_the_jitter_is_each_replicates_own_draw(seed_scenario: Scenario) -> None:
    """Without jitter the replicates share one judgment and differ only by chance; with it, their weights differ,
    and a run's draw is a function of its key alone (the twin shares it)."""
    from sim.model.engine import jittered
    from sim.model.params import compile_scenario

    p = compile_scenario(seed_scenario)
    keys = [(1, 0, r, 0) for r in range(4)]
    w = jittered(p, keys).weights
    assert not np.allclose(w[0], w[1]) and np.allclose(w.sum(axis=-1), 1.0)
    base = np.broadcast_to(p.weights, w.shape)
    assert np.all(np.abs(w / base - 1.0)[base > 0] <= 0.3 / 0.85 + 1e-9)  # within +-15% of each weight, renormalised
    assert np.array_equal(jittered(p, keys[1:2]).weights[0], w[1])
    still = seed_scenario.model_copy(deep=True)
    still.run.jitter = 0.0
    assert np.array_equal(jittered(compile_scenario(still), keys).weights[2], p.weights[0])


def test_reversed_framework_removes_counterbalancing() -> None:
    reverse = [f"events.{name}.effects.0.alignment.delta={-delta}" for name, delta in
               (("tiger_triumph_2025", 0.03), ("washington_meeting", 0.05), ("framework_signed", 0.15))]
    s = load_scenario(SEED, [*reverse, "run.replications=20"])
    r = run(s).reactions
    for code in ("CHN", "PAK"):
        assert r.share(r.codes.index(code)).get("counterbalances", 0.0) < 0.2
    for code in ("JPN", "AUS"):
        assert r.modal(r.codes.index(code)) != "welcomes"


def test_engine_names_no_country(seed_scenario: Scenario) -> None:
    """No actor of the seed, by code or by name, and no demonym, appears anywhere in the engine's source."""
    words = ["chinese", "indian", "pakistani", "russian", "japanese", "australian", "american", "british"]
    # the file format names EU as the one code outside ISO 3166-1 (a fact about the format, not about the EU)
    codes = [c for c in seed_scenario.actors if c != "EU"]
    names = [a.name for a in seed_scenario.actors.values()]
    assert len(codes) == 17 and len(names) == 18
    by_name = re.compile(r"\b(" + "|".join(map(re.escape, names + words)) + r")\b", re.IGNORECASE)
    by_code = re.compile(r"\b(" + "|".join(codes) + r")\b")
    sources = sorted((ROOT / "sim").rglob("*.py"))
    assert len(sources) > 20
    for path in sources:
        text = path.read_text()
        assert not by_name.search(text), f"{path}: {by_name.search(text)}"
        assert not by_code.search(text), f"{path}: {by_code.search(text)}"


def test_an_expectation_may_allow_alternatives(seed_scenario: Scenario, seed_result: Result) -> None:
    """Where history is ambiguous a source may say 'A or B'; it holds when the runs give one of them."""
    data = seed_scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["expectations"] = [{"expect": "RUS hedges or opposes", "source": "t"},
                            {"expect": "RUS welcomes or engages", "source": "t"},
                            {"expect": "CHN opposes or counterbalances", "source": "t"}]
    from sim.scenario import validate_dict

    verdicts = check(validate_dict(data), seed_result.reactions)
    assert [v.passed for v in verdicts] == [True, False, True]
