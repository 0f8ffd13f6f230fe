"""report.md: a handout a seminar can use as it is. Written from summary.json alone."""

from __future__ import annotations

from typing import Any

from sim.concepts.labels import LABELS, PASS_SHARE, glossary

CLOSE_CALL = 0.25  # a mean reaction this near a label boundary (as a share of its threshold) is flagged


def render(summary: dict[str, Any], scenario_description: str) -> str:
    s = summary
    interests = list(next(iter(s["actors"].values()))["valence_by_interest"])
    lines = [
        f"# {s['title']}",
        "",
        scenario_description.strip(),
        "",
        f"*{s['replications']} replicates of {s['steps']} months, seed {s['seed']}, geosim {s['version']}, "
        f"scenario hash `{s['scenario_hash']}`. Each replicate is run with the events and without them on the "
        f"same random numbers; a reaction is the difference, averaged over the last {s['window']} months.*",
        "",
        "![Reactions](reactions.png)",
        "",
        "## Who reacts, and how",
        "",
        "| actor | reaction | share of runs | at impact | toward parties | posture | nearest boundary |",
        "|---|---|---|---|---|---|---|",
    ]
    order = sorted(s["actors"].items(),
                   key=lambda kv: (not kv[1]["party"], LABELS.index(kv[1]["reaction"]), kv[0]))
    for code, a in order:
        share = a["reaction_share"][a["reaction"]]
        party = " (party)" if a["party"] else ""
        call = a["closest_call"]
        close = " **close call**" if call and call["margin"] < CLOSE_CALL else ""
        far = "over 10 times its threshold" if call and call["margin"] > 10 else f"{call.get('margin', 0):.0%}"
        where = f"{call['boundary']}, {far} away{close}" if call else "none within reach"
        lines.append(f"| {a['name']} ({code}){party} | **{a['reaction']}** | {share:.0%} | {a['valence']:+.3f} | "
                     f"{a['alignment_toward_parties']:+.3f} | {a['posture_change']:+.3f} | "
                     f"{where} |")
    lines += ["", f"*Nearest boundary: of the label rules whose crossing would change the actor's label, the one "
              f"its mean reaction comes closest to, and how far it is, as a share of that rule's threshold. Under "
              f"{CLOSE_CALL:.0%}, a small change of judgment could give another label.*", "", "## Why", ""]
    for code, a in order:
        lines.append(f"- **{code}**: {a['explanation']}")
    lines += ["", "![What the events did to each actor's interests](drivers.png)", "",
              "![How the reactions unfolded](trajectories.png)", ""]
    if s["expectations"]:
        lines += [
            "## What the source expected",
            "",
            f"{s['expectations_passed']} of {s['expectations_total']} expectations hold "
            f"(a statement holds when it is true in at least {PASS_SHARE:.0%} of replicates).",
            "",
            "| expected | observed | share | holds |",
            "|---|---|---|---|",
        ]
        for e in s["expectations"]:
            lines.append(f"| {e['expect']} | {e['observed']} | {e['share']:.0%} | "
                         f"{'yes' if e['passed'] else '**no**'} |")
        lines.append("")
    lines += ["## The region as a whole", "", "| outcome | with events | without | difference (95% interval) |",
              "|---|---|---|---|"]
    for name, o in s["outcomes"].items():
        lines.append(f"| {name.replace('_', ' ')}: {o['meaning']} | {o['with_events']:.4f} | "
                     f"{o['without_events']:.4f} | {o['mean']:+.4f} ({o['low']:+.4f} to {o['high']:+.4f}) |")
    lines += [
        "",
        "## Reading this",
        "",
        f"- {glossary()} The exact rules: docs/model.md, 'Labels'.",
        f"- *At impact* is the change of the actor's weighted interests ({', '.join(interests)}) the moment the "
        "events struck, before anyone reacted, in units of the actor's own starting stakes.",
        "- Thresholds for 'moved' come from placebo pairs: two runs without events on different random numbers.",
        "- The model and its assumptions: docs/model.md. Change a weight with `--set` and run again.",
        "",
        "## Questions for discussion",
        "",
        "1. Which actor's reaction surprised you? Find the interest that drove it in the table above.",
        "2. Pick one interest weight you disagree with. Predict what changes, then run it with `--set`.",
        "3. Which expectation is the model least sure of (lowest share)? What would make it flip?",
        "",
    ]
    return "\n".join(lines)
