"""The reveal: for each asked actor, how the class predicted (counts of each word and deed, and the reasons grouped
by prediction) beside the model's shares and, once revealed, what was observed; and the scores of the class, the
model and the no-model rule on the same questions. The one place that counts, so the page, the CSV and the PDF
agree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.app.seminar.case import Case
from sim.concepts.labels import DEEDS, WORDS

AXES = {"words": WORDS, "deeds": DEEDS}


def tally(predictions: list[dict[str, Any]], actors: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """{actor: {"words": {word: students}, "deeds": {deed: students}}}, every word and deed listed."""
    out = {a: {axis: dict.fromkeys(values, 0) for axis, values in AXES.items()} for a in actors}
    for p in predictions:
        if p["actor"] in out:
            out[p["actor"]]["words"][p["words"]] += 1
            out[p["actor"]]["deeds"][p["deeds"]] += 1
    return out


def reasons(predictions: list[dict[str, Any]], actor: str) -> dict[str, list[str]]:
    """The class's reasons for an actor, grouped by the prediction they were given for ('criticises, counters')."""
    grouped: dict[str, list[str]] = {}
    for p in predictions:
        if p["actor"] == actor and p["reason"]:
            grouped.setdefault(f"{p['words']}, {p['deeds']}", []).append(p["reason"])
    return dict(sorted(grouped.items(), key=lambda kv: -len(kv[1])))


def modal(shares: Mapping[str, float], values: tuple[str, ...]) -> str:
    """The most frequent value, of the model's runs or of the class's votes (ties to the first in the axis'
    order)."""
    return max(values, key=lambda v: (shares.get(v, 0.0), -values.index(v)))


def scores(predictions: list[dict[str, Any]], case: Case, actors: list[str],
           model: dict[str, dict[str, dict[str, float]]]) -> dict[str, Any] | None:
    """Right answers on the questions with an observed answer (an actor's words, or its deeds): each student's
    share averaged over the class, the class's majority, the model's most frequent answer, and the rule's."""
    questions = [(a, axis, getattr(case.observed[a], axis)) for a in actors if a in case.observed
                 for axis in AXES if getattr(case.observed[a], axis)]
    if not questions:
        return None
    counts = tally(predictions, actors)
    by_student: dict[int, list[bool]] = {}
    for p in predictions:
        for a, axis, truth in questions:
            if p["actor"] == a:
                by_student.setdefault(p["number"], []).append(p[axis] == truth)
    majority = sum(modal(counts[a][axis], AXES[axis]) == truth for a, axis, truth in questions) if by_student else 0
    rule = {"words": 0, "deeds": 1}
    return {
        "questions": len(questions),
        "class": round(100 * sum(sum(r) / len(r) for r in by_student.values()) / len(by_student))
        if by_student else None,
        "class_majority": majority,
        "model": sum(modal(model[a][axis], AXES[axis]) == truth for a, axis, truth in questions),
        "rule": sum(case.rule(a)[rule[axis]] == truth for a, axis, truth in questions),
    }


def summary(predictions: list[dict[str, Any]], case: Case, actors: list[str], phase: str,
            model: dict[str, Any] | None) -> dict[str, Any]:
    """What the instructor's screen shows in a phase: the counts always, the model from 'model' on, the
    observed reactions and the scores in 'history'."""
    counts = tally(predictions, actors)
    shown = phase in ("model", "history") and model is not None
    history = phase == "history"
    out: dict[str, Any] = {"actors": []}
    for a in actors:
        entry: dict[str, Any] = {"code": a, "name": case.names[a], "class": counts[a],
                                 "reasons": reasons(predictions, a) if shown else {}}
        if shown:
            entry["model"] = model[a]  # type: ignore[index]
            words, deeds = case.rule(a)
            entry["rule"] = {"words": words, "deeds": deeds}
        if history and a in case.observed:
            o = case.observed[a]
            entry["observed"] = {"words": o.words, "deeds": o.deeds, "sources": o.sources}
        out["actors"].append(entry)
    if history and model is not None:
        out["scores"] = scores(predictions, case, actors, model)
    return out
