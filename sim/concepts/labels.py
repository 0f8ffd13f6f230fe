"""What a reaction is, in one place: its words and deeds, the six labels that name their combinations, the
colours and meanings the charts and reports show, and the share of replicates at which a statement about them holds.

A reaction has two observable parts, the two the historical record keeps (issue 18): what the state says about
the events (its **words**) and what it does toward those who acted (its **deeds**). The labels are names for the
combinations (`COMBINATIONS`). The expectation grammar, the measurement, the charts and the reports all read this
module; docs/model.md, "Reactions", gives the theory.
"""

from __future__ import annotations

import numpy as np

WORDS = ("supports", "neutral", "criticises")
DEEDS = ("closer", "keeps", "distances", "counters")
LABELS = ("welcomes", "engages", "hedges", "counterbalances", "opposes", "indifferent")
PASS_SHARE = 0.8  # a statement holds when it is true in at least this share of replicates

# (words, deeds) -> label: the table of issue 18, complete over the twelve combinations
COMBINATIONS = {
    ("supports", "closer"): "welcomes",
    ("supports", "keeps"): "welcomes",
    ("supports", "counters"): "welcomes",
    ("supports", "distances"): "hedges",
    ("neutral", "closer"): "engages",
    ("neutral", "keeps"): "indifferent",
    ("neutral", "distances"): "opposes",
    ("neutral", "counters"): "counterbalances",
    ("criticises", "closer"): "hedges",
    ("criticises", "keeps"): "hedges",
    ("criticises", "distances"): "opposes",
    ("criticises", "counters"): "counterbalances",
}

COLOURS = {
    "welcomes": "#2a9d8f",
    "engages": "#8ab17d",
    "hedges": "#e9c46a",
    "counterbalances": "#e76f51",
    "opposes": "#b23a48",
    "indifferent": "#bdbdbd",
}

MEANINGS = {
    "welcomes": "supports the events, and does not distance itself from those who acted",
    "engages": "says nothing for or against, and draws closer to those who acted",
    "hedges": "criticises the events but keeps its ties with those who acted, or draws closer (or supports "
              "them, and distances itself)",
    "counterbalances": "does not support the events, and arms or sides with the rivals of those who acted",
    "opposes": "does not support the events, and distances itself from those who acted",
    "indifferent": "says nothing for or against, and keeps its ties",
}

# each label in a few words, for a chart's key: what changes when a colour changes
KEYS = {
    "welcomes": "supports, and does not distance itself",
    "engages": "neutral, draws closer",
    "hedges": "criticises, keeps its ties",
    "counterbalances": "arms, or sides with their rivals",
    "opposes": "distances itself",
    "indifferent": "neutral, keeps its ties",
}

# what a state's words and deeds are, in the words of a sentence about it ("it criticises them and keeps its ties")
WORD_MEANINGS = {
    "supports": "supports the events",
    "neutral": "takes no side",
    "criticises": "criticises them",
}

DEED_MEANINGS = {
    "closer": "draws closer to those who acted",
    "keeps": "keeps its ties with them",
    "distances": "distances itself from them",
    "counters": "counters them",
}


def combine(words: np.ndarray, deeds: np.ndarray) -> np.ndarray:
    """The label of each (words, deeds) pair, elementwise."""
    out = np.empty(np.shape(words), dtype=object)
    for (w, d), label in COMBINATIONS.items():
        out[(words == w) & (deeds == d)] = label
    return out


def labels_for(words: tuple[str, ...], deeds: tuple[str, ...]) -> tuple[str, ...]:
    """The labels any of these words with any of these deeds make (empty axes allow every value), in LABELS
    order: what an observed reaction recorded as words and deeds is called."""
    found = {label for (w, d), label in COMBINATIONS.items() if w in (words or WORDS) and d in (deeds or DEEDS)}
    return tuple(label for label in LABELS if label in found)


def words_of(stance: np.ndarray, thr: dict[str, np.ndarray]) -> np.ndarray:
    """What each actor says, per replicate: its stance on the events against the lines that set supporting and
    criticising apart from taking no side (docs/model.md, "Reactions")."""
    out = np.full(np.shape(stance), "neutral", dtype=object)
    out[stance > thr["supports"]] = "supports"
    out[stance < -thr["criticises"]] = "criticises"
    return out


def deeds_of(d_post: np.ndarray, to_parties: np.ndarray, to_adversaries: np.ndarray,
             thr: dict[str, np.ndarray]) -> np.ndarray:
    """What each actor does toward those who acted, per replicate, from its measured moves: arming without
    drawing closer to them, or siding with their rivals while moving away, is countering, and outranks distancing."""
    closer = to_parties > thr["parties"]
    away = to_parties < -thr["parties"]
    arms = d_post > thr.get("arming", thr["posture"])
    rivals = to_adversaries > thr["adversaries"]
    out = np.full(np.shape(to_parties), "keeps", dtype=object)
    out[closer] = "closer"
    out[away] = "distances"
    out[(arms & ~closer) | (rivals & away)] = "counters"
    return out


def closest_call(stance: float, d_post: float, to_parties: float, to_adversaries: float,
                 thr: dict[str, float]) -> dict[str, float | str]:
    """The boundary the actor's mean reaction lies nearest, among those whose crossing would change its label,
    and how near as a share of that line: a label 10% from a boundary could have been another with a slightly
    different judgment. Empty when no single crossing changes the label."""
    values = {"stance": stance, "d_post": d_post, "to_parties": to_parties, "to_adversaries": to_adversaries}
    boundaries = [
        ("supporting the events", "stance", thr["supports"]),
        ("criticising the events", "stance", -thr["criticises"]),
        ("moving toward those who acted", "to_parties", thr["parties"]),
        ("moving away from those who acted", "to_parties", -thr["parties"]),
        ("arming", "d_post", thr["posture"]),
        ("moving toward their rivals", "to_adversaries", thr["adversaries"]),
    ]
    arrays = {k: np.array(x) for k, x in thr.items()}

    def label(v: dict[str, float]) -> str:
        words = words_of(np.array([[v["stance"]]]), arrays)
        deeds = deeds_of(*(np.array([[v[k]]]) for k in ("d_post", "to_parties", "to_adversaries")), arrays)
        return str(combine(words, deeds)[0, 0])

    now = label(values)
    found = []
    for name, key, edge in boundaries:
        v = values[key]
        lo, hi = min(v, edge), max(v, edge)
        if not edge or any(k == key and e != edge and lo < e < hi for _, k, e in boundaries):
            continue  # no line, or another line of the same quantity is crossed first
        across = edge + (1e-9 if values[key] <= edge else -1e-9)
        if label({**values, key: across}) != now:
            found.append((abs(values[key] - edge) / abs(edge), name, values[key], edge))
    if not found:
        return {}
    margin, name, value, edge = min(found)
    return {"boundary": name, "value": round(float(value), 5), "threshold": round(float(edge), 5),
            "margin": round(float(margin), 3)}
