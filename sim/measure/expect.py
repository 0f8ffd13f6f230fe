"""Check a scenario's expectations against measured reactions: expected, observed, share of runs, pass, and
whether the rule that runs no model (sim.measure.baseline) would have passed too."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.concepts.labels import PASS_SHARE
from sim.measure import baseline
from sim.measure.analysis import Reactions
from sim.scenario.schema import Scenario
from sim.scenario.statements import Change, Choice, GroupShare, Reaction, parse


@dataclass(frozen=True)
class Verdict:
    expect: str
    source: str
    observed: str
    share: float
    passed: bool
    rule: bool = False  # the rule that runs no model passes it
    share_of: str = "runs"  # or, for a statement about a group, "members": the share of its members that pass

    def as_dict(self) -> dict[str, object]:
        return {"expect": self.expect, "source": self.source, "observed": self.observed,
                "share": round(self.share, 4), "share_of": self.share_of, "passed": self.passed, "rule": self.rule}


def share_text(share: float, of: str = "runs") -> str:
    """A verdict's share as a reader should take it: of the runs, or of a group's members (then it says so)."""
    return f"{share:.0%}" + (" of members" if of == "members" else "")


@dataclass(frozen=True)
class Score:
    """A scenario's score: the model's and the rule's on its statements, and the Brier score of the model's label
    shares and of the rule's base rates over the actors whose reaction is observed (None if none is)."""

    passed: int
    rule: int
    total: int
    brier_model: float | None
    brier_rule: float | None
    observed: int  # actors in the Brier scores

    def as_dict(self) -> dict[str, object]:
        return {"passed": self.passed, "total": self.total,
                "baseline": {"passed": self.rule, "total": self.total},
                "brier": {"model": _round(self.brier_model), "baseline": _round(self.brier_rule),
                          "actors": self.observed}}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def score(scenario: Scenario, r: Reactions, verdicts: list[Verdict]) -> Score:
    seen = baseline.observed_labels(scenario)
    model = {c: r.share(i) for i, c in enumerate(r.codes)}
    return Score(sum(v.passed for v in verdicts), sum(v.rule for v in verdicts), len(verdicts),
                 baseline.brier(model, seen), baseline.brier(baseline.rule_forecast(scenario), seen), len(seen))


def check(scenario: Scenario, r: Reactions) -> list[Verdict]:
    return [replace(v, rule=baseline.holds(parse(v.expect), scenario)) for v in _model(scenario, r)]


def _model(scenario: Scenario, r: Reactions) -> list[Verdict]:
    idx = {c: i for i, c in enumerate(r.codes)}
    out = []
    for exp in scenario.expectations:
        st = parse(exp.expect)
        if isinstance(st, Reaction):
            i = idx[st.actor]
            share = _share(r, i, st.choice)  # one of them, in enough runs
            out.append(Verdict(exp.expect, exp.source, observed(r, i, st.choice), share, share >= PASS_SHARE))
        elif isinstance(st, Change):
            values, thr = _quantity(st, r, idx)
            share = float(np.mean(_holds(values, thr, st.direction)))
            out.append(Verdict(exp.expect, exp.source, f"{values.mean():+.4f} (threshold {thr:.4f})", share,
                               share >= PASS_SHARE))
        else:
            out.append(_group(st, exp.expect, exp.source, scenario, r, idx))
    return out


def _share(r: Reactions, i: int, choice: Choice) -> float:
    return r.share_of(i, choice.labels, choice.words, choice.deeds)


def observed(r: Reactions, i: int, choice: Choice) -> str:
    """What the model did, on the axes the statement speaks of: 'criticises (84%)', 'hedges (60%)', or
    'supports (90%), keeps (70%)' when it names both."""
    axes = [a for a in ("labels", "words", "deeds") if getattr(choice, a)] or ["labels"]
    shown = []
    for axis in axes:
        modal = r.modal(i, axis)
        shown.append(f"{modal} ({r.share(i, axis)[modal]:.0%})")
    return ", ".join(shown)


def _quantity(st: Change, r: Reactions, idx: dict[str, int]) -> tuple[np.ndarray, float]:
    i = idx[st.actor]
    if st.quantity == "alignment":
        j = idx[str(st.target)]
        return r.d_alignment[:, i, j], float(r.thresholds["alignment"][i, j])
    if st.quantity == "posture":
        return r.d_posture[:, i], float(r.thresholds["posture"][i])
    k = r.interests.index(str(st.target))
    return r.d_interest[:, i, k], float(r.thresholds["interest"][i, k])


def _holds(values: np.ndarray, thr: float, direction: str) -> np.ndarray:
    return {
        "up": values > thr,
        "down": values < -thr,
        "not up": values <= thr,
        "not down": values >= -thr,
    }[direction]


def _group(st: GroupShare, text: str, source: str, scenario: Scenario, r: Reactions,
           idx: dict[str, int]) -> Verdict:
    members = [c for c, a in scenario.actors.items() if st.group in a.groups]
    hits = [c for c in members if _share(r, idx[c], st.choice) >= PASS_SHARE]
    need = {"most": len(members) // 2 + 1, "all": len(members)}.get(st.quantifier, st.count or 0)
    observed = f"{len(hits)} of {len(members)} ({', '.join(hits) or 'none'})"
    return Verdict(text, source, observed, len(hits) / max(len(members), 1), len(hits) >= need, share_of="members")
