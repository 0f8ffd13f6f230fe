"""What a seminar round asks about: a scenario, or a past episode of the history bench, told in two sentences, the
actors the class predicts, the model's shares, the no-model rule's answers, and (for an episode) what each state
really said and did, with its source. The observed reactions stay here until the instructor reveals them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sim.concepts.labels import DEEDS, WORDS
from sim.concepts.wording import first_sentences
from sim.measure import baseline
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario

HISTORY = Path(__file__).resolve().parents[3] / "history"  # the bench's episodes, in a checkout
OBSERVED = re.compile(r"^\s*([A-Z][A-Z0-9]{1,3})\s+(words|deeds)\s+(\w+)\s*$")
ASKED = 6  # actors asked about by default: enough for a discussion, few enough to answer on a phone


@dataclass(frozen=True)
class Observed:
    """What a state said and did, as the episode's sources record it (either may be unrecorded)."""

    words: str | None = None
    deeds: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # "words"/"deeds" -> the source's URLs


@dataclass
class Case:
    path: Path
    scenario: Scenario
    observed: dict[str, Observed]

    @property
    def is_history(self) -> bool:
        """An episode of the history bench: its expectations are what states really said and did, not a source's
        forecast."""
        return self.path.resolve().parent == HISTORY

    @property
    def title(self) -> str:
        return self.scenario.title

    @property
    def names(self) -> dict[str, str]:
        return {code: actor.name for code, actor in self.scenario.actors.items()}

    @property
    def event(self) -> str:
        """The event in two plain sentences: the scenario's own first two."""
        return first_sentences(self.scenario.description or self.scenario.title, 2)

    @cached_property
    def roles(self) -> dict[str, str]:
        """Each actor's role in the events (initiator, target, bystander), as the no-model rule reads it."""
        return baseline.roles(self.scenario)

    @property
    def parties(self) -> list[str]:
        return [c for c, role in self.roles.items() if role == "initiator"]

    @property
    def candidates(self) -> list[str]:
        """Everyone but those who acted, in the file's order: the states whose reaction is a question."""
        return [c for c in self.scenario.actors if c not in self.parties]

    def default_actors(self) -> list[str]:
        """Up to ASKED non-parties; in an episode, those whose words and deeds are both on record first."""
        whole = [c for c in self.candidates if self.observed.get(c, Observed()).words and self.observed[c].deeds]
        rest = [c for c in self.candidates if c not in whole]
        return (whole + rest)[:ASKED]

    def rule(self, code: str) -> tuple[str, str]:
        """The no-model rule's words and deeds for an actor: initiators support and draw closer, targets criticise
        and distance themselves, everyone else criticises and keeps its ties."""
        _, words, deeds = baseline.RULE[self.roles[code]]
        return words, deeds


def load(arg: str | Path) -> Case:
    """A scenario file, or a history episode's name (`2019_india_airstrike_on_balakot`) where no such file exists.
    (The command line resolves the names of shipped scenarios before it gets here.)"""
    path = Path(arg)
    if not path.exists() and (HISTORY / f"{path.stem}.yaml").is_file():
        path = HISTORY / f"{path.stem}.yaml"
    scenario = load_scenario(path)
    return Case(path, scenario, observed(scenario))


def observed(scenario: Scenario) -> dict[str, Observed]:
    """The words and deeds an episode's expectations record, by actor ('RUR words criticises')."""
    found: dict[str, dict[str, str | None]] = {}
    sources: dict[str, dict[str, str]] = {}
    for e in scenario.expectations:
        m = OBSERVED.match(e.expect)
        if not m or m.group(1) not in scenario.actors:
            continue
        code, axis, value = m.groups()
        if value in (WORDS if axis == "words" else DEEDS):
            found.setdefault(code, {})[axis] = value
            sources.setdefault(code, {})[axis] = e.source
    return {code: Observed(v.get("words"), v.get("deeds"), sources[code]) for code, v in found.items()}


def episodes() -> list[str]:
    """The history bench's episodes, by name: each can be a seminar case."""
    return sorted(p.stem for p in HISTORY.glob("*.yaml") if p.name != "weights.yaml") if HISTORY.is_dir() else []


def model_shares(case: Case, actors: list[str], settings: list[str] | None = None) -> dict[str, dict[str, dict]]:
    """Each asked actor's words and deeds as the model gives them: the share of runs with each. `settings` are
    `--set` overrides (PATH=VALUE), for a variant run in the room."""
    from sim.measure.experiment import run

    scenario = load_scenario(case.path, settings) if settings else case.scenario
    result = run(scenario)
    r, codes = result.reactions, result.params.codes
    return {c: {"words": r.share(codes.index(c), "words"), "deeds": r.share(codes.index(c), "deeds")}
            for c in actors}
