"""Extending the model touches one module: a seventh interest is one `Interest` in sim/concepts/interests.py, a
new effect kind one class in sim/concepts/effects.py. Each test adds a toy the way a developer would (here with
monkeypatch, so that the real registries are left as they were) and follows it through the whole pipeline: the
schema, the checks, the compiler, the kernel, the measurement, the charts and the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_kernel import assert_gradients_match_finite_differences, jiggled

from sim.cli import main, schema_document
from sim.concepts import effects, interests
from sim.concepts.effects import ActorChange, Compiled
from sim.concepts.fields import Signed
from sim.concepts.interests import Interest, Terms
from sim.model import kernel
from sim.model.engine import simulate
from sim.model.params import compile_scenario
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
SIX = "security, economy, technology, influence, autonomy, values"


def _prestige(s: kernel.State, p, t: Terms) -> np.ndarray:
    """A toy: standing from friends' weight in the world, sum_k a+[i,k] power[k]."""
    return np.einsum("bik,bk->bi", t.pos, t.power)


def _prestige_gradient(s: kernel.State, p, t: Terms):
    return t.on_pos * t.power[:, None, :], None  # power[k] does not move with i's choices


PRESTIGE = Interest("prestige", "standing from friends' weight", "#000000", _prestige, _prestige_gradient)
WITH_PRESTIGE = [f"interests=[{SIX}, prestige]", "actors.JPN.interests.prestige=0.3"]


@pytest.fixture
def prestige(monkeypatch: pytest.MonkeyPatch) -> Interest:
    monkeypatch.setattr(interests, "INTERESTS", (*interests.INTERESTS, PRESTIGE))
    return PRESTIGE


def test_an_unknown_interest_is_refused_where_it_is_written() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(SEED, WITH_PRESTIGE)
    assert "the model has no interest 'prestige'" in str(err.value)


def test_a_seventh_interest_runs_through_the_whole_pipeline(prestige: Interest, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_scenario(SEED, WITH_PRESTIGE)
    params = compile_scenario(scenario)
    assert [x.name for x in params.interests][-1] == "prestige"
    assert params.weights.shape[-1] == 7
    assert_gradients_match_finite_differences(params, jiggled(params))
    out = tmp_path / "out"
    assert main(["run", str(SEED), "-r", "3", "-q", "--out", str(out), *(f"--set={x}" for x in WITH_PRESTIGE)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    japan = summary["actors"]["JPN"]
    assert list(japan["valence_by_interest"])[-1] == "prestige"
    assert japan["valence_by_interest"]["prestige"] != 0.0  # the framework adds weight to Japan's friends
    assert "prestige" in (out / "report.md").read_text()
    assert (out / "drivers.png").stat().st_size > 0
    capsys.readouterr()
    assert main(["explain", str(SEED), "-a", "JPN", "-r", "2", "-q", *(f"--set={x}" for x in WITH_PRESTIGE)]) == 0
    assert "prestige" in capsys.readouterr().out


def test_a_scenario_may_use_fewer_interests(tmp_path: Path) -> None:
    """`interests:` selects the K axis; weights on an interest left out are refused, located."""
    text = SEED.read_text()
    assert f"interests: [{SIX}]" in text
    few = text.replace(f"interests: [{SIX}]", "interests: [security, economy]")
    path = tmp_path / "few.yaml"
    path.write_text(few)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    first = err.value.problems[0]
    assert first.line > 0 and "'technology' is not among the scenario's interests" in first.message
    keep = ["expectations=[]",  # one speaks of influence
            *(f"actors.{code}.interests={{security: 0.5, economy: 0.5}}" for code in load_scenario(SEED).actors)]
    params = compile_scenario(load_scenario(path, keep))
    assert [x.name for x in params.interests] == ["security", "economy"]
    run = simulate(params, [(1, 0, 0, 0)], record_from=params.steps)
    assert run.interests.shape[-1] == 2 and np.isfinite(run.interests).all()


class PostureChange(ActorChange):
    """A toy kind: a party's military effort jumps (a mobilisation)."""

    kind = "posture"
    delta: Signed

    @staticmethod
    def apply(state: kernel.State, effect: Compiled) -> None:
        state.posture[:, effect.i] += effect.amount


MOBILISE = "events.framework_signed.effects=[{posture: {actor: IND, delta: 0.5}}]"


def test_an_unknown_effect_kind_is_refused_where_it_is_written(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(SEED, [MOBILISE])
    assert "unknown effect kind 'posture'" in str(err.value) and "Expected one of: alignment" in str(err.value)
    text = SEED.read_text().replace("- technology: {actor: IND, delta: 0.02}", "- technolgy: {actor: IND, delta: 0.02}")
    path = tmp_path / "typo.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    message = capsys.readouterr().err
    line = text.splitlines().index("      - technolgy: {actor: IND, delta: 0.02}") + 1
    where = f"{path}:{line}:9: events[0].effects[0]: "
    assert where + "unknown effect kind 'technolgy'; did you mean 'technology'?" in message


def test_the_kernel_refuses_a_kind_it_does_not_know() -> None:
    params = compile_scenario(load_scenario(SEED))
    with pytest.raises(ValueError, match="unknown effect kind 'nothing'"):
        effects.apply(kernel.initial_state(params), Compiled("nothing", 0, -1, np.array([1.0])))


def test_a_new_effect_kind_runs_through_the_whole_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(effects.KINDS, "posture", PostureChange)
    scenario = load_scenario(SEED, [MOBILISE])
    event = next(e for e in scenario.events if e.name == "framework_signed")
    assert isinstance(event.effects[0], PostureChange)
    dumped = scenario.model_dump(by_alias=True)["events"][scenario.events.index(event)]
    assert dumped["effects"] == [{"posture": {"actor": "IND", "delta": 0.5}}]
    effect_schema = schema_document()["$defs"]["Event"]["properties"]["effects"]["items"]["properties"]
    assert effect_schema["posture"]["required"] == ["actor", "delta"]
    with pytest.raises(ScenarioError, match="CHN is not a party to this event"):
        load_scenario(SEED, ["events.framework_signed.effects=[{posture: {actor: CHN, delta: 0.5}}]"])
    params = compile_scenario(scenario)
    at = event.at
    india = params.codes.index("IND")
    run = simulate(params, [(1, 0, 0, 0)], True)
    twin = simulate(params, [(1, 0, 0, 0)], False)
    jump = run.posture[0, at + 1] - twin.posture[0, at + 1]
    assert jump[india] > 0.4  # the mobilisation, less at most one month's move
    assert np.abs(np.delete(jump, india)).max() < 0.05  # others only react, a move or two at most


def test_a_new_interest_leaves_scenarios_that_do_not_weigh_it_alone(prestige: Interest, tmp_path: Path) -> None:
    """Without `interests:`, a scenario uses the interests its actors weigh: registering one that nobody weighs
    changes neither its K axis nor its stakes (each stake is floored by a share of the mean over interests)."""
    text = SEED.read_text()
    path = tmp_path / "unlisted.yaml"
    path.write_text(text.replace(f"interests: [{SIX}]\n", ""))
    unlisted = compile_scenario(load_scenario(path))
    assert [x.name for x in unlisted.interests] == SIX.split(", ")
    listed = compile_scenario(load_scenario(SEED))
    assert np.array_equal(kernel.calibrate(unlisted).stakes, kernel.calibrate(listed).stakes)
    weighs = compile_scenario(load_scenario(path, ["actors.JPN.interests.prestige=0.3"]))
    assert [x.name for x in weighs.interests][-1] == "prestige"
