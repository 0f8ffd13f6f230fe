"""The handout's first page, which has to stand alone in a seminar: what happened, the reactions chart, and one
plain sentence per state saying what it says and what it does. No term here needs the glossary; the appendix
that follows has the numbers and the terms.
"""

from __future__ import annotations

from typing import Any

from sim.concepts.wording import counted, first_sentences

SAYS = {"supports": "supports the events", "neutral": "takes no side on the events",
        "criticises": "criticises the events"}
DOES = {
    "closer": "draws closer to those who acted",
    "keeps": "keeps its ties with those who acted as they were",
    "distances": "distances itself from those who acted",
    "counters": "counters those who acted: it arms, or sides with their rivals",
}
PARTNERS = {
    "closer": "draws closer to {others}, who acted with it",
    "keeps": "keeps its ties with {others}, who acted with it, as they were",
    "distances": "distances itself from {others}, who acted with it",
    "counters": "arms against {others}, who acted with it",
}


def lead(s: dict[str, Any]) -> str:
    """What happened, in the scenario's own first sentence, who acted, and what the page shows."""
    happened = first_sentences(s.get("description") or "")
    acted = " and ".join(s["actors"][c]["name"] for c in s["parties"])
    who = f" Those who acted: {acted}." if acted else ""
    return (f"{happened}{who} How each state reacts, in {counted(s['replications'], 'run')} of the model: the chart "
            "gives the share of runs with each reaction, the list what each state says and does. The numbers and "
            "the terms follow in the appendix.").strip()


def still_moving(s: dict[str, Any]) -> str | None:
    """Who is still moving when the run ends, in a line: their numbers are not yet where they settle."""
    names = [a["name"] for a in s["actors"].values() if a.get("not_settled")]
    if not names:
        return None
    return (f"Still moving when the run ends, so a longer run may show more: {', '.join(names)} (see the "
            "appendix).")


def runs(share: float, replications: int) -> str:
    """A share of runs as a reader counts it: 'in every run', 'in 45 of 50 runs'."""
    k = round(share * replications)
    return "in every run" if k == replications else f"in {k} of {replications} runs"


def sentence(code: str, a: dict[str, Any], s: dict[str, Any]) -> str:
    """One plain sentence: the state, its label and how often, what it says and what it does."""
    head = f"**{a['name']}** ({a['reaction']}, {runs(a['reaction_share'][a['reaction']], s['replications'])})"
    names = {c: s["actors"][c]["name"] for c in s["parties"]}
    if a["party"]:
        others = [n for c, n in names.items() if c != code]
        if not others:
            return f"{head} acted: the events are its own."
        return f"{head} took part in the events, and {PARTNERS[a['deeds']].format(others=' and '.join(others))}."
    return f"{head} {SAYS[a['words']]} and {DOES[a['deeds']]}."
