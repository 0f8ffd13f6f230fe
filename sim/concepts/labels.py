"""The reaction labels, in one place: their names and order, the rules that assign them, their colours, what
each means in words, and the share of replicates at which a statement about them holds.

The expectation grammar, the measurement, the charts and the reports all read this module; a new label is one
entry in LABELS, COLOURS and MEANINGS, and one rule in `assign`. docs/model.md, "Labels", gives the theory.
"""

from __future__ import annotations

import numpy as np

LABELS = ("welcomes", "engages", "hedges", "counterbalances", "opposes", "indifferent")
PASS_SHARE = 0.8  # a statement holds when it is true in at least this share of replicates

COLOURS = {
    "welcomes": "#2a9d8f",
    "engages": "#8ab17d",
    "hedges": "#e9c46a",
    "counterbalances": "#e76f51",
    "opposes": "#b23a48",
    "indifferent": "#bdbdbd",
}

MEANINGS = {
    "welcomes": "the events serve the actor's interests and it does not move away from the parties",
    "engages": "a mixed bag at impact, and the actor moves toward the parties",
    "hedges": "the actor loses, but keeps its ties with the parties (or gains, but moves away from them)",
    "counterbalances": "the actor loses and arms, or moves away from the parties and toward their rivals (or, "
                       "mixed at impact, arms)",
    "opposes": "the actor loses and moves away from the parties",
    "indifferent": "nothing beyond noise",
}


def assign(
    valence: np.ndarray,
    d_post: np.ndarray,
    to_parties: np.ndarray,
    to_adversaries: np.ndarray,
    thr: dict[str, np.ndarray],
) -> np.ndarray:
    """The label rules of docs/model.md, per replicate and actor; all inputs (R,N). Later rules win: the order
    of the assignments is the precedence (tests/test_labels.py checks every row and tie)."""
    hurt = valence < -thr["loss"]
    gain = valence > thr["gain"]
    arms = d_post > thr["posture"]
    allies_rivals = to_adversaries > thr["adversaries"]
    closer = to_parties > thr["parties"]
    away = to_parties < -thr["parties"]
    out = np.full(valence.shape, "indifferent", dtype=object)
    mixed = ~hurt & ~gain
    out[mixed & closer] = "engages"
    out[mixed & away] = "opposes"
    out[mixed & ~closer & arms] = "counterbalances"
    out[gain] = "welcomes"
    out[gain & away] = "hedges"
    out[hurt] = "hedges"
    out[hurt & away] = "opposes"
    out[hurt & (arms | (allies_rivals & away))] = "counterbalances"
    return out


def glossary() -> str:
    """Every label and its meaning, as one paragraph of markdown (reports, README)."""
    return " ".join(f"**{label}**: {MEANINGS[label]}." for label in LABELS)


def closest_call(valence: float, d_post: float, to_parties: float, to_adversaries: float,
                 thr: dict[str, float]) -> dict[str, float | str]:
    """The label boundary the actor's mean reaction lies nearest, among those whose crossing would change its
    label, and how near as a share of that threshold: a label 10% from a boundary could have been another with
    a slightly different judgment. Empty when no single crossing changes the label."""
    values = {"valence": valence, "d_post": d_post, "to_parties": to_parties, "to_adversaries": to_adversaries}
    boundaries = [
        ("gain at impact", "valence", thr["gain"]),
        ("loss at impact", "valence", -thr["loss"]),
        ("moving toward the parties", "to_parties", thr["parties"]),
        ("moving away from the parties", "to_parties", -thr["parties"]),
        ("arming", "d_post", thr["posture"]),
        ("moving toward the parties' rivals", "to_adversaries", thr["adversaries"]),
    ]

    def label(v: dict[str, float]) -> str:
        return str(assign(*(np.array([[v[k]]]) for k in values), {k: np.array(x) for k, x in thr.items()})[0, 0])

    now = label(values)
    found = []
    for name, key, edge in boundaries:
        v = values[key]
        lo, hi = min(v, edge), max(v, edge)
        if not edge or any(k == key and e != edge and lo < e < hi for _, k, e in boundaries):
            continue  # no threshold, or another boundary of the same quantity is crossed first
        across = edge + (1e-9 if values[key] <= edge else -1e-9)
        if label({**values, key: across}) != now:
            found.append((abs(values[key] - edge) / abs(edge), name, values[key], edge))
    if not found:
        return {}
    margin, name, value, edge = min(found)
    return {"boundary": name, "value": round(float(value), 5), "threshold": round(float(edge), 5),
            "margin": round(float(margin), 3)}
