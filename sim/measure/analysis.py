"""From paired runs to reactions: differences, noise floors, labels, reasons and model-level outcomes.

A reaction is what the run with the events did that its counterfactual twin (same random numbers, no events) did
not. Whether a difference is large enough to call is judged against placebo pairs: two no-event runs on
different random numbers. See docs/model.md, "Labels".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.concepts.labels import DEED_MEANINGS, DEEDS, LABELS, WORD_MEANINGS, WORDS, combine, deeds_of, words_of
from sim.concepts.wording import has
from sim.model.engine import Trajectory
from sim.model.params import Params
from sim.model.stance import PARTS
from sim.scenario.schema import LabelRules

ORDER = {"labels": LABELS, "words": WORDS, "deeds": DEEDS}
SETTLE = 12  # months: a reaction still moving over the last year of the run has not settled
DRIFTING = {"posture": "posture", "parties": "alignment toward those who acted"}
FLOOR = 0.002  # smallest threshold on interests: a perfectly quiet model must not call rounding a reaction
REASON = 0.002  # a part of a stance smaller than this is not worth a sentence


@dataclass
class Reactions:
    """Per-replicate measurements (leading axis R) and what they add up to."""

    codes: tuple[str, ...]
    interests: tuple[str, ...]  # the names along each K axis
    parties: tuple[int, ...]
    d_alignment: np.ndarray  # (R,N,N) window mean of event - counterfactual
    d_posture: np.ndarray  # (R,N)
    d_interest: np.ndarray  # (R,N,K) in stake units, weighted: sums to the change of utility
    valence: np.ndarray  # (R,N,K) immediate change at impact, stake units, weighted
    appraisal: np.ndarray  # (R,N,P) each state's stance on the events by part (PARTS); 0 for those who acted
    toward_parties: np.ndarray  # (R,N)
    toward_adversaries: np.ndarray  # (R,N)
    words: np.ndarray  # (R,N) of str: what each actor says about the events (WORDS)
    deeds: np.ndarray  # (R,N) of str: what it does toward those who acted (DEEDS)
    thresholds: dict[str, np.ndarray] = field(default_factory=dict)
    targets: tuple[int, ...] = ()  # parties the others act against (not among `parties`)
    # (N,) mean change over the last SETTLE months of the run, by least squares, of each quantity in DRIFTING
    drift: dict[str, np.ndarray] = field(default_factory=dict)

    def unsettled(self, actor: int) -> list[tuple[str, float, float]]:
        """What of `actor`'s reaction is still moving when the run ends: (what, its change over the last SETTLE
        months, the run-to-run noise of that change), where the change is beyond the noise. The reported
        numbers are window means, and a line still climbing at the end is not where the reaction settles."""
        return [(what, float(self.drift[key][actor]), float(self.thresholds[f"drift_{key}"][actor]))
                for key, what in DRIFTING.items()
                if key in self.drift and abs(self.drift[key][actor]) > self.thresholds[f"drift_{key}"][actor]]

    @property
    def stance(self) -> np.ndarray:
        """(R,N) each state's stance on the events: the sum of its appraisal's parts."""
        return self.appraisal.sum(axis=-1)

    @cached_property  # asked for per actor and per statement: one pass over the replicates is enough
    def labels(self) -> np.ndarray:
        """(R,N) of str: the name of each replicate's combination of words and deeds."""
        return combine(self.words, self.deeds)

    def share(self, actor: int, axis: str = "labels") -> dict[str, float]:
        """The share of replicates with each label (or each of its words or deeds: `axis`), largest first in
        the axis' own order."""
        values = getattr(self, axis)[:, actor]
        counts = Counter(values)
        return {v: counts[v] / len(values) for v in ORDER[axis] if counts[v]}

    def holds(self, actor: int, labels: tuple[str, ...] = (), words: tuple[str, ...] = (),
              deeds: tuple[str, ...] = ()) -> np.ndarray:
        """(R,) bool: in which replicates the actor's label is one of `labels`, or its words one of `words`, or its
        deeds one of `deeds` (a statement with alternatives)."""
        return (np.isin(self.labels[:, actor], labels) | np.isin(self.words[:, actor], words)
                | np.isin(self.deeds[:, actor], deeds))

    def share_of(self, actor: int, labels: tuple[str, ...] = (), words: tuple[str, ...] = (),
                 deeds: tuple[str, ...] = ()) -> float:
        """The share of replicates in which the actor's reaction is any of the alternatives."""
        return float(self.holds(actor, labels, words, deeds).mean())

    def modal(self, actor: int, axis: str = "labels") -> str:
        shares = self.share(actor, axis)
        return max(shares, key=lambda k: (shares[k], -ORDER[axis].index(k)))


def window_mean(x: np.ndarray, window: int) -> np.ndarray:
    return x[:, -window:].mean(axis=1)


def measure(
    params: Params,
    event: Trajectory,
    twin: Trajectory,
    rules: LabelRules,
) -> Reactions:
    """Turn paired runs (events, twins) into reactions: words from each state's stance, deeds from its moves.

    The placebo for replicate r is the twin of replicate r+1: a run without events on other random numbers, so
    twin[r+1] - twin[r] is exactly the difference that chance alone makes. No extra runs are needed; with a single
    replicate there is no placebo and every threshold sits at its floor (one move)."""
    w = rules.months(params.steps)
    weights = event.scale  # (R,N,K): each run's own weights per stake unit
    # Reactions are measured toward those who act: an event's parties less its targets, which are their rivals.
    targets = tuple(sorted({i for e in params.events for i in e.targets}))
    parties = tuple(sorted({i for e in params.events for i in e.parties} - set(targets)))
    d_align = window_mean(event.alignment - twin.alignment, w)
    d_post = window_mean(event.posture - twin.posture, w)
    d_int = window_mean(event.interests - twin.interests, w) * weights
    valence = event.valence * weights
    def placebo(x: np.ndarray) -> np.ndarray:
        return np.roll(x, -1, axis=0) - x

    pl_align = window_mean(placebo(twin.alignment), w)
    pl_post = window_mean(placebo(twin.posture), w)
    pl_int = window_mean(placebo(twin.interests), w) * weights

    a0 = params.alignment0[0]
    to_parties = _toward(d_align, _party_weights(a0, parties))
    to_adversaries = _toward(d_align, _adversary_weights(a0, parties, targets))
    pl_parties = _toward(pl_align, _party_weights(a0, parties))
    pl_adversaries = _toward(pl_align, _adversary_weights(a0, parties, targets))

    z = rules.noise_z
    step_a = float(params.alignment_step[0])  # less than one move is never a reaction
    step_p = float(params.posture_step[0])
    deed = max(step_a, rules.deeds)  # a move smaller than the line of deeds is not a deed, however sure
    thr = {
        "alignment": np.maximum(z * pl_align.std(axis=0), step_a),  # (N,N)
        "posture": np.maximum(z * pl_post.std(axis=0), step_p),  # (N,)
        "arming": np.maximum(z * pl_post.std(axis=0), max(step_p, rules.arming)),  # a deed, like a move
        "interest": np.maximum(z * pl_int.std(axis=0), FLOOR),  # (N,K)
        "parties": np.maximum(z * pl_parties.std(axis=0), deed),
        "adversaries": np.maximum(z * pl_adversaries.std(axis=0), deed),
        "supports": np.full(params.n, rules.supports),
        "criticises": np.full(params.n, rules.criticises),
    }
    drift: dict[str, np.ndarray] = {}
    if params.steps > SETTLE:
        series = {"posture": (event.posture - twin.posture, placebo(twin.posture), step_p),
                  "parties": (_toward_series(event.alignment - twin.alignment, a0, parties),
                              _toward_series(placebo(twin.alignment), a0, parties), step_a)}
        for key, (x, pl, floor) in series.items():
            drift[key] = _last_year(x).mean(axis=0)
            thr[f"drift_{key}"] = np.maximum(z * _last_year(pl).std(axis=0), floor)
    appraisal = event.appraisal
    words = words_of(appraisal.sum(axis=-1), thr)
    words[:, list(parties)] = "supports"  # those who acted chose to: their words are their act
    deeds = deeds_of(d_post, to_parties, to_adversaries, thr)
    names = tuple(x.name for x in params.interests)
    return Reactions(params.codes, names, parties, d_align, d_post, d_int, valence, appraisal, to_parties,
                     to_adversaries, words, deeds, thr, targets, drift)


def _last_year(x: np.ndarray) -> np.ndarray:
    """(R,T,N) -> (R,N): the change over the last SETTLE months, as the least-squares slope through them (one
    noisy month does not make a trend)."""
    y = x[:, -SETTLE - 1:]
    t = np.arange(y.shape[1]) - (y.shape[1] - 1) / 2
    return np.tensordot(t, y - y.mean(axis=1, keepdims=True), axes=(0, 1)) / (t @ t) * SETTLE


def _toward_series(d_align: np.ndarray, a0: np.ndarray, parties: tuple[int, ...]) -> np.ndarray:
    """(R,T,N,N) -> (R,T,N): each month's alignment change toward the parties."""
    return (d_align * _party_weights(a0, parties)[None, None]).sum(axis=3)


def _party_weights(a0: np.ndarray, parties: tuple[int, ...]) -> np.ndarray:
    """(N,N): row i averages i's alignment changes over the parties other than i."""
    n = a0.shape[0]
    w = np.zeros((n, n))
    for i in range(n):
        others = [p for p in parties if p != i]
        if others:
            w[i, others] = 1.0 / len(others)
    return w


def _adversary_weights(a0: np.ndarray, parties: tuple[int, ...], targets: tuple[int, ...] = ()) -> np.ndarray:
    """(N,N): row i weighs each non-party by how hostile it starts out toward the parties (the event's rivals);
    an event's target is its initiators' rival outright, however it started."""
    n = a0.shape[0]
    hostility = np.maximum(-a0[:, list(parties)].mean(axis=1), 0.0) if parties else np.zeros(n)
    hostility[list(parties)] = 0.0
    hostility[list(targets)] = 1.0
    w = np.tile(hostility, (n, 1))
    np.fill_diagonal(w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)


def _toward(d_align: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return (d_align * weights[None]).sum(axis=2)


def interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% percentile interval over replicates."""
    lo, hi = np.percentile(x, [2.5, 97.5])
    return float(x.mean()), float(lo), float(hi)


OUTCOMES = {
    "regional_tension": "mean hostility x proximity x posture over all pairs",
    "polarisation": "spread (sd) of all alignments",
    "mean_posture": "average military posture (1 = observed effort)",
}


def outcome_levels(params: Params, t: Trajectory, window: int) -> dict[str, np.ndarray]:
    """Model-level outcomes of each run (window means), one value per run."""
    prox = params.proximity[0]
    off = ~np.eye(params.n, dtype=bool)
    hostile = np.maximum(-t.alignment[:, -window:], 0.0) * prox
    return {
        "regional_tension": (hostile[..., off].mean(axis=-1) * t.posture[:, -window:].mean(axis=-1)).mean(axis=1),
        "polarisation": t.alignment[:, -window:][..., off].std(axis=-1).mean(axis=1),
        "mean_posture": t.posture[:, -window:].mean(axis=(1, 2)),
    }


def outcomes(params: Params, event: Trajectory, twin: Trajectory, window: int) -> dict[str, dict[str, float]]:
    """Model-level outcomes, each as the event-minus-twin difference with a 95% interval."""
    with_events, without = outcome_levels(params, event, window), outcome_levels(params, twin, window)
    result = {}
    for name, meaning in OUTCOMES.items():
        mean, lo, hi = interval(with_events[name] - without[name])
        result[name] = {"mean": mean, "low": lo, "high": hi, "with_events": float(with_events[name].mean()),
                        "without_events": float(without[name].mean()), "meaning": meaning}
    return result


def moved_ties(r: Reactions) -> list[tuple[int, int, float]]:
    """The ties the events moved beyond the run-to-run noise, one way each: (from, to, mean change of the
    first's alignment with the second, with the events minus without). One list for summary.json and for
    network.png, so the chart draws what the table says and nothing that chance alone would move."""
    mean = r.d_alignment.mean(axis=0)
    thr = r.thresholds["alignment"]
    n = mean.shape[0]
    return [(i, j, float(mean[i, j])) for i in range(n) for j in range(n) if i != j and abs(mean[i, j]) > thr[i, j]]


def explain(r: Reactions, actor: int, names: dict[str, str]) -> str:
    """One paragraph, in words, of why `actor` reacted as it did."""
    code = r.codes[actor]
    label_ = r.modal(actor)
    share = r.share(actor)[label_]
    words, deeds = r.modal(actor, "words"), r.modal(actor, "deeds")
    said, done = r.share(actor, "words")[words], r.share(actor, "deeds")[deeds]
    parts = [f"{names.get(code, code)} {label_} ({share:.0%} of runs): it {WORD_MEANINGS[words]} ({said:.0%}) "
             f"and {DEED_MEANINGS[deeds]} ({done:.0%})."]
    if actor in r.parties:
        parts.append("It took part in the events, so its words are its act.")
    else:
        stance = r.appraisal[:, actor].mean(axis=0)
        reasons = [f"{REASONS[name]} {value:+.3f}" for name, value in zip(PARTS, stance, strict=True)
                   if abs(value) >= REASON]
        parts.append(f"Its stance is {stance.sum():+.3f}" + (f" ({', '.join(reasons)})." if reasons else "."))
    val = r.valence[:, actor].mean(axis=0)
    order = np.argsort(-np.abs(val))
    drivers = [f"{r.interests[k]} {val[k]:+.3f}" for k in order[:3] if abs(val[k]) >= 0.001]
    if drivers:
        parts.append(f"At impact: {', '.join(drivers)}.")
    dp = r.d_posture[:, actor]
    if abs(dp.mean()) > r.thresholds["posture"][actor]:
        up = float(np.mean(dp > r.thresholds["posture"][actor]))
        parts.append(f"Posture {dp.mean():+.3f} ({'raised' if dp.mean() > 0 else 'lowered'} in "
                     f"{up if dp.mean() > 0 else float(np.mean(dp < -r.thresholds['posture'][actor])):.0%}).")
    moves = r.d_alignment[:, actor].mean(axis=0)
    thr = r.thresholds["alignment"][actor]
    big = [j for j in np.argsort(-np.abs(moves)) if j != actor and abs(moves[j]) > thr[j]][:3]
    if big:
        parts.append("Alignment: " + ", ".join(f"{r.codes[j]} {moves[j]:+.3f}" for j in big) + ".")
    after = r.d_interest[:, actor].mean(axis=0)
    k = int(np.argmax(np.abs(after)))
    if abs(after[k]) >= 0.001:
        name = r.interests[k]
        parts.append(f"Once everyone has reacted, its {name} {has(name)} moved most ({after[k]:+.3f}).")
    for what, change, noise in r.unsettled(actor):
        parts.append(f"Not settled: its {what} is still moving at the end of the run ({change:+.3f} in the last "
                     f"{SETTLE} months, beyond the run-to-run noise of {noise:.3f}).")
    return " ".join(parts)


REASONS = {"harm": "what it costs it", "solidarity": "whose side it is on",
           "balance": "what it does to its friends' and rivals' ties", "norms": "a broken norm"}
