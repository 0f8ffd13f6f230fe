"""The model as the dashboard runs it: a scenario with the sliders' settings applied as `--set` overrides, stepped
live beside its no-event twin, and measured on demand with the paired replicates of the command line.

No solara here: the settings and the measurement are tested without a browser, and the page only draws them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from sim.measure.analysis import explain
from sim.measure.expect import Verdict, check
from sim.measure.experiment import run
from sim.model.kernel import State
from sim.model.mesa_model import ReactionModel
from sim.model.params import compile_scenario
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.problems import format_path
from sim.scenario.schema import Scenario

REPLICATES = 20  # the paired measurement in class: labels that settle, in well under a second
WEIGHT = "weight_"  # the sliders of the chosen actor's interest weights are the model's keyword arguments


def log_rationality(spec: Scenario) -> float:
    """The rationality slider's position for a scenario: log10 of the logit precision, to one decimal, because the
    precision spans orders of magnitude (20000 by default)."""
    return round(math.log10(spec.model.rationality), 1)


def overrides(written: Scenario, actor: str, weights: dict[str, float], effects: float = 1.0,
              rationality: float | None = None, seed: int | str | None = None) -> dict[str, str]:
    """The settings as `--set` options, each with the control that made it, to name in an error. A control left
    where the scenario has it makes no option, so the untouched dashboard runs the scenario as written."""
    out: dict[str, str] = {}
    given = written.actors[actor].interests
    for name, value in weights.items():
        if not math.isclose(value, given.get(name, 0.0), abs_tol=1e-9):
            out[f"actors.{actor}.interests.{name}={_number(value)}"] = f"{written.actors[actor].name}: {name} {value:g}"
    if not math.isclose(effects, 1.0):
        for event in written.events:
            for m, effect in enumerate(event.effects):
                amount = getattr(effect, "amount", "delta")  # the field that says how much (a factor or a delta)
                value = getattr(effect, amount, None)
                if not isinstance(value, int | float):  # a kind with no single size: as written
                    continue
                scaled = value ** effects if amount == "factor" else value * effects
                out[f"events.{event.name}.effects.{m}.{effect.kind}.{amount}={_number(scaled)}"] = (
                    f"the events' effects x{effects:g}")
    if rationality is not None and not math.isclose(rationality, log_rationality(written)):
        out[f"model.rationality={_number(10.0 ** rationality)}"] = f"rationality 10^{rationality:g}"
    if seed is not None and str(seed).strip():
        text = str(seed).strip()
        if not text.isdigit():
            raise ValueError(f"seed: a whole number, 0 or more, please; got {text!r}")
        if int(text) != written.run.seed:
            out[f"run.seed={int(text)}"] = f"seed {int(text)}"
    return out


def _number(x: float) -> str:
    """Without an exponent: YAML reads 1e-05 as a string."""
    return np.format_float_positional(float(x), trim="-")


def problem_text(err: ScenarioError, options: dict[str, str], written: Scenario) -> list[str]:
    """Each problem as the classroom set it: the control that caused it, where it lands (an event by its name,
    not its index), and what is wrong."""
    lines = []
    for p in err.problems:
        control = next((label for option, label in options.items() if p.file.endswith(f"--set {option}")), "")
        where = format_path(p.path)
        if p.path[:1] == ("events",) and isinstance(p.path[1], int) and p.path[1] < len(written.events):
            where = f"{written.events[p.path[1]].name}: {format_path(p.path[2:])}"
        lines.append(": ".join(part for part in (control, where, p.message) if part))
    return lines


@dataclass
class Track:
    """A run's alignment and posture, month by month, for the charts."""

    alignment: list[np.ndarray] = field(default_factory=list)
    posture: list[np.ndarray] = field(default_factory=list)

    def record(self, state: State) -> None:
        self.alignment.append(state.alignment[0].copy())
        self.posture.append(state.posture[0].copy())


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    label: str
    share: float
    words: str  # what it says (its modal words)
    deeds: str  # what it does (its modal deeds)
    reason: str  # one sentence of `explain`: its stance and what it is made of, or that it took part
    explanation: str  # all of it


@dataclass(frozen=True)
class Measured:
    replications: int
    rows: list[Row]
    verdicts: list[Verdict]


class LiveModel(ReactionModel):
    """The scenario's model with the dashboard's settings, and its twin without the events, stepped alongside: the
    charts show the reaction forming as the difference between the two. Mesa's Reset button builds a new one from
    the sliders, so settings the schema refuses cannot raise here: they leave the scenario as written running,
    and `problem` says why."""

    def __init__(self, path: str, actor: str, effects: float = 1.0, log_rationality: float | None = None,
                 seed: int | str | None = None, scenario: object = None, **weights: float) -> None:
        # `scenario` is Mesa's own (empty) scenario object, which its Reset passes on; ours is `spec`
        written = load_scenario(path)
        options: dict[str, str] = {}
        problem: list[str] = []
        try:
            options = overrides(written, actor, {k.removeprefix(WEIGHT): v for k, v in weights.items()}, effects,
                                log_rationality, seed)
            spec = load_scenario(path, list(options))
        except ScenarioError as err:
            spec, problem = written, problem_text(err, options, written)
        except ValueError as err:
            spec, problem = written, [str(err)]
        params = compile_scenario(spec)
        key = (spec.run.seed, 0, 0, 0)  # replicate 0 of the paired measurement
        super().__init__(params, key)
        self.twin = ReactionModel(params, key, with_events=False)
        self.path, self.actor, self.spec, self.written = path, actor, spec, written
        self.options = [] if problem else list(options)
        self.changes = [] if problem else list(dict.fromkeys(options.values()))  # in the controls' words
        self.problem = problem
        self.settings = {"effects": effects, "log_rationality": log_rationality, "seed": seed}
        self.names = {code: a.name for code, a in spec.actors.items()}
        self.measured: Measured | None = None
        self.track, self.twin_track = Track(), Track()
        self.track.record(self.state)
        self.twin_track.record(self.twin.state)

    def step(self) -> None:
        super().step()
        self.twin.step()
        self.track.record(self.state)
        self.twin_track.record(self.twin.state)

    @property
    def parties(self) -> list[int]:
        """Those who act: the events' parties less their targets, as the measurement counts them."""
        targets = {i for e in self.params.events for i in e.targets}
        return sorted({i for e in self.params.events for i in e.parties} - targets)

    def measure(self, replications: int = REPLICATES) -> Measured:
        """The paired measurement of the settings this model runs: labels, reasons, and the expectations checked."""
        spec = self.spec.model_copy(update={"run": self.spec.run.model_copy(update={"replications": replications})})
        r = run(spec).reactions
        rows = []
        for i, code in enumerate(r.codes):
            label = r.modal(i)
            text = explain(r, i, self.names)
            rows.append(Row(code, self.names[code], label, r.share(i)[label], r.modal(i, "words"),
                            r.modal(i, "deeds"), reason(text), text))
        self.measured = Measured(replications, rows, check(spec, r))
        return self.measured


def reason(explanation: str) -> str:
    """The sentence after the label: the actor's stance and its parts (or that it took part in the events)."""
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", explanation)
    return sentences[1] if len(sentences) > 1 else ""
