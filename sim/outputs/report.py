"""The run's report, a handout a seminar can use as it is: report.md, report.html and report.pdf, all three from
one document built from summary.json alone (so `run_sim.py report DIR` writes them again without running)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.concepts.labels import LABELS, MEANINGS, PASS_SHARE
from sim.measure.expect import share_text
from sim.outputs import formats, page_one, pdf
from sim.outputs.document import Bullets, Document, Figure, Para, Section, Table

if TYPE_CHECKING:
    from sim.outputs.painter import Drawing

PAGE_ONE_CHART = 0.46  # of the page's text height: the chart and a sentence per actor fit on page 1
PAGE_ONE_CAPTION = "Each bar: the share of runs with each reaction (* took part in the events)."
CLOSE_CALL = 0.25  # a mean reaction this near a label boundary (as a share of its threshold) is flagged
FIGURES = {
    "reactions.png": "Each actor's reaction, as the share of replicates that gave each label (* a party).",
    "drivers.png": "What the events did to each actor's interests at impact, before anyone reacted.",
    "network.png": "Who moved toward whom: an arrow from A to B is A's alignment with B, with the events minus "
                   "without, for every tie the events moved beyond noise (green closer, red away).",
    "trajectories.png": "How the largest reactions unfolded: with events minus without, mean and 95% band.",
}


def order(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """By label in LABELS' order (friends to foes), then by the label's share, as reactions.png has them: the
    table and the chart list the actors in one order."""
    items = list(summary["actors"].items())
    return [kv for _, kv in sorted(enumerate(items), key=lambda e: (
        LABELS.index(e[1][1]["reaction"]), -e[1][1]["reaction_share"][e[1][1]["reaction"]], e[0]))]


def signed(x: float, digits: int = 3) -> str:
    """+0.012, -0.034, and 0.000 for what rounds to zero (not -0.000, which reads as a loss)."""
    text = f"{x:+.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text


def interval(o: dict[str, Any], replications: int) -> str:
    if replications < 2:
        return "n/a (one replicate)"
    return f"{o['low']:+.3g} to {o['high']:+.3g}"


def relative(o: dict[str, Any]) -> str:
    base = o["without_events"]
    return f"{o['mean'] / abs(base):+.1%}" if base else "n/a"


def build(s: dict[str, Any], folder: Path | None = None, charts: Collection[str] | None = None) -> Document:
    """The report of a run from its summary. Page 1 stands alone: what happened, the reactions chart and a sentence
    per state, in plain words; the appendix has the numbers, and a glossary for the terms it needs. A chart is
    shown if it is among `charts` (being drawn), or else if it is in `folder` (or always, with neither)."""
    def figure(name: str) -> list[Figure]:
        shown = name in charts if charts is not None else folder is None or (folder / name).is_file()
        return [Figure(name, FIGURES[name])] if shown else []

    ranked = order(s)
    intro: list[Any] = [
        Para(page_one.lead(s)),
        *[Figure(f.path, PAGE_ONE_CAPTION, height=PAGE_ONE_CHART) for f in figure("reactions.png")],
        Bullets([page_one.sentence(code, a, s) for code, a in ranked], small=True),
    ]
    if moving := page_one.still_moving(s):
        intro.append(Para(moving, small=True))
    unfolding = [name for name in ("network.png", "trajectories.png") if not figure(name)]
    parties = ", ".join(f"{s['actors'][c]['name']} ({c})" for c in s["parties"]) or "none"
    sections = [
        Section("Appendix: about this run", [
            Para(s["description"]) if s.get("description") else None,
            Para(f"Parties to the events: {parties}. {s['replications']} replicates of {s['steps']} months; each "
                 f"replicate is run with the events and without them on the same random numbers (its *twin*), and "
                 f"a reaction is the difference, averaged over the last {s['window']} months. The terms are "
                 f"explained in the glossary at the end."),
            _not_settled(s),
            Para("This run drew no charts (`--no-charts`): run it again without that for the handout's, or with "
                 "`--all-charts` for every chart.", small=True) if not figure("reactions.png") else None,
        ]),
        Section("Who reacts, and how", new_page=False, blocks=[
            _reactions_table(ranked),
            Para(f"*Nearest boundary*: of the lines whose crossing would change the actor's label, the one its mean "
                 f"reaction comes closest to, and how far it is, as a share of that line. "
                 f"Under {CLOSE_CALL:.0%} it is a **close call**: a small change of judgment could give another "
                 f"label.", small=True),
        ]),
        Section("Why each actor reacted as it did", [
            Bullets([f"**{a['name']} ({code})**: {_sentence(a['explanation'], a['name'])}" for code, a in ranked]),
            *figure("drivers.png"),
        ]),
        Section("How it unfolded", [
            *figure("network.png"), *figure("trajectories.png"),
            Para(f"{' and '.join(unfolding)} {'are' if len(unfolding) > 1 else 'is'} drawn by `run_sim.py run ... "
                 "--all-charts`, with a chart per actor for slides.", small=True)
            if unfolding and figure("reactions.png") else None,
            _timeline(s)]),
        Section("The actors' interests", _weights(s, ranked)),
    ]
    if s["expectations"]:
        sections.append(Section("What the source expected", [
            Para(f"**{s['expectations_passed']} of {s['expectations_total']}** expectations hold (a statement holds "
                 f"when it is true in at least {PASS_SHARE:.0%} of replicates; a statement about a group, when it "
                 "holds for enough of its members). The share is of the runs, or of the group's members."),
            Table(["expected", "observed", "share", "holds"],
                  [[e["expect"], e["observed"], share_text(e["share"], e.get("share_of", "runs")),
                    "yes" if e["passed"] else "**no**"]
                   for e in s["expectations"]], widths=[3, 2.4, 1, 0.7]),
        ]))
    sections += [
        Section("The region as a whole", new_page=False, blocks=[
            Table(["outcome", "without events", "with events", "difference", "relative", "95% interval"],
                  [[f"**{name.replace('_', ' ')}**: {o['meaning']}", f"{o['without_events']:.4g}",
                    f"{o['with_events']:.4g}", f"{o['mean']:+.3g}", relative(o), interval(o, s["replications"])]
                   for name, o in s["outcomes"].items()], widths=[3.4, 1.1, 1.1, 1, 0.9, 1.5]),
        ]),
        Section("Questions for discussion", [
            Bullets(["Which actor's reaction surprised you? Find the part of its stance that drove it in "
                     "\"Why each actor reacted as it did\".",
                     "Pick one interest weight you disagree with. Predict what changes, then run it again with "
                     "`--set actors.CODE.interests.NAME=VALUE`, or put both side by side with `run_sim.py compare`.",
                     "Which reaction is the closest call? What would make it flip?"], numbered=True),
        ]),
        Section("Glossary", new_page=False, blocks=_glossary(s)),
        Section("How to reproduce this", _reproduce(s), new_page=False),
    ]
    if s.get("sources"):
        sections.append(Section("Sources", [Bullets([f"`{key}`: {text}" for key, text in s["sources"].items()],
                                                    small=True)], new_page=False))
    for section in sections:
        section.blocks = [b for b in section.blocks if b is not None]
    return Document(s["title"], intro, sections, intro_alone=True)


def _glossary(s: dict[str, Any]) -> list[Any]:
    """The terms the appendix uses, in plain words; page 1 needs none of them."""
    return [
        Para("A reaction is what a state **says** about the events (supports, neutral, criticises) and what it "
             "**does** toward those who acted (draws closer, keeps its ties, distances itself, or counters them: "
             "arms, or sides with their rivals). The labels name the combinations:"),
        Bullets([f"**{label}**: {MEANINGS[label]}." for label in LABELS]),
        Bullets([
            "**Replicate** (a run): one simulation of the region, month by month. Each replicate draws every "
            "interest weight anew within +-15% of the scenario's, so the share of replicates with a reaction says "
            "how much it hangs on judgment.",
            "**Twin**: the same replicate without the events, on the same random numbers. A reaction is the "
            "difference, *with events minus without*, so chance cancels out.",
            "**Placebo pair**: two replicates without the events, on different random numbers. How far they drift "
            "apart is the noise; a move smaller than that is not called a move.",
            "**Alignment**: how close two states are, from -1 (hostile) to +1 (allied). *Toward parties* is the "
            "change of an actor's alignment with those who acted.",
            "**Posture**: a state's military effort, 1 at the start; +0.05 is five percent more.",
            "**Stance**: what a state's words follow: what the events cost it in its own interests "
            f"({', '.join(_interests(s))}; only losses count), whose side it is on, what the events do to its "
            "friends' and rivals' ties, and any broken norm, each part weighted as the history bench estimated it. "
            "Above the line of support it supports; below the line of criticism it criticises. Those who acted "
            "are not asked: their words are their act.",
            "**Valence**, in **stake units**: what the events did to a state's interests the moment they struck, "
            "before anyone reacted, weighted by how much it cares about each; 1 unit is as much as everything it "
            "had at stake at the start.",
            "**Commitment**: how far a state has tied itself to a partner, weighted by the partner's power; leaning "
            "on one patron costs *autonomy*.",
            "**Close call**: a reaction whose mean lies within a quarter of a boundary's distance from a line "
            "that would change its label.",
            "The model and its assumptions: docs/model.md.",
        ], small=True),
    ]


def _not_settled(s: dict[str, Any]) -> Para | None:
    """A warning that some reactions are still moving when the run ends: their window means are not where they
    settle (a longer run gives other numbers)."""
    moving = {code: a["not_settled"] for code, a in s["actors"].items() if a.get("not_settled")}
    if not moving:
        return None
    what = sorted({m["what"] for ms in moving.values() for m in ms})
    return Para(f"**Not settled when the run ends**: {', '.join(moving)} (their {' and '.join(what)} "
                f"{'is' if len(what) == 1 else 'are'} still moving over the last 12 months, beyond the run-to-run "
                "noise). Their numbers are means of the last "
                f"{s['window']} months of a run of {s['steps']}, not where they would settle; a longer run gives "
                "other numbers.")


def _sentence(explanation: str, name: str) -> str:
    """The explanation without its leading '<name> <label> (<share>).', which the bullet already says."""
    head = explanation.split(". ", 1)
    return head[1] if len(head) == 2 and head[0].startswith(name) else explanation


def _interests(s: dict[str, Any]) -> list[str]:
    return list(next(iter(s["actors"].values()))["valence_by_interest"])


def _reactions_table(ranked: list[tuple[str, dict[str, Any]]]) -> Table:
    rows = []
    for code, a in ranked:
        call = a["closest_call"]
        if not call:
            where = "none within reach"
        elif call["margin"] > 10:
            where = f"{call['boundary']}, over 10 times its threshold away"
        else:
            close = " (**close call**)" if call["margin"] < CLOSE_CALL else ""
            where = f"{call['boundary']}, {call['margin']:.0%} away{close}"
        party = " *(party)*" if a["party"] else ""
        rows.append([f"{a['name']} ({code}){party}", f"**{a['reaction']}**",
                     f"{a['reaction_share'][a['reaction']]:.0%}",
                     f"{a['words']} {a['words_share'][a['words']]:.0%}",
                     f"{a['deeds']} {a['deeds_share'][a['deeds']]:.0%}",
                     signed(a["stance"]), signed(a["alignment_toward_parties"]), signed(a["posture_change"]), where])
    return Table(["actor", "reaction", "share of runs", "says", "does", "stance", "toward parties", "posture",
                  "nearest boundary"], rows, widths=[1.8, 1.75, 0.6, 1.15, 1.15, 0.75, 0.75, 0.75, 1.45])


def _timeline(s: dict[str, Any]) -> Table:
    rows = [[str(e["at"]), e.get("date") or "", e["name"].replace("_", " "),
             ", ".join(e["parties"]) + (f" against {', '.join(e['target'])}" if e.get("target") else ""),
             e.get("description") or "", e.get("source") or ""] for e in s["events"]]
    return Table(["month", "date", "event", "parties", "what", "source"], rows, widths=[0.6, 1.1, 1.6, 1.1, 3.4, 0.9])


def _weights(s: dict[str, Any], ranked: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    interests = _interests(s)
    rows = [[f"{a['name']} ({code})", *(f"{a['weights'][k]:.2f}" for k in interests), a.get("rationale") or ""]
            for code, a in ranked if "weights" in a]
    blocks: list[Any] = [
        Para("Each actor values the world through these weights (normalised to sum to 1). They are judgments, "
             "each with its rationale: the place to disagree."),
        Table(["actor", *interests, "rationale"], rows, widths=[2.2, *([1.2] * len(interests)), 3.4]),
    ]
    if s.get("sources"):
        blocks.append(Para("Every figure of the scenario names its source; they are listed at the end."))
    return blocks


def _reproduce(s: dict[str, Any]) -> list[Any]:
    command = s.get("command") or f"run_sim.py run {s['scenario']} --seed {s['seed']} -r {s['replications']}"
    if command.startswith("run_sim.py "):  # in a checkout it runs through uv, as the README says
        command = "uv run " + command
    return [
        Para(f"`{command}`"),
        Table(["what", "value"], [["scenario", f"{s['scenario']} ({s['title']})"],
                                  ["scenario hash", f"`{s['scenario_hash']}`"], ["seed", str(s["seed"])],
                                  ["replicates", str(s["replications"])], ["months", str(s["steps"])],
                                  ["geosim version", s["version"]]], widths=[1, 4]),
        Para("The same scenario (same hash), seed and version give the same numbers on any machine.", small=True),
    ]


def write_all(summary: dict[str, Any], folder: Path, paper: str = "a4", drawing: Drawing | None = None) -> list[Path]:
    """report.md, report.html and report.pdf in `folder`. While a `drawing` is under way, the reports show its
    charts, each waited for before it is read (and shown to typst as it arrives); without one, they show the
    charts already in `folder`."""
    if drawing is None:
        return formats.write(build(summary, folder), folder, paper)
    drawing.arrived = lambda name: pdf.warm(folder, name)
    doc = build(summary, folder, [name for name, _ in drawing.jobs])
    return formats.write(doc, folder, paper, lambda name: drawing.wait([name]))
