"""Results as plain data: summary.json and the tidy time-series table. Charts and reports read only these."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.concepts.labels import closest_call
from sim.measure.analysis import explain, moved_ties
from sim.measure.expect import check
from sim.measure.experiment import Result
from sim.model.stance import PARTS
from sim.scenario.schema import fingerprint


def build(result: Result, command: str | None = None) -> dict[str, Any]:
    """Every number and text the reports print, so that `run_sim.py report DIR` can write them again from this
    alone; `command`, the command line that made the run, to reproduce it."""
    s, r, p = result.scenario, result.reactions, result.params
    names = {c: a.name for c, a in s.actors.items()}
    actors: dict[str, Any] = {}
    moved = moved_ties(r)
    for i, code in enumerate(p.codes):
        mean_align = r.d_alignment[:, i].mean(axis=0)
        actors[code] = {
            "name": names[code],
            "groups": s.actors[code].groups,
            "weights": {k: round(float(w), 4) for k, w in zip(r.interests, p.weights[0, i], strict=True)},
            "rationale": s.actors[code].rationale,
            "party": i in r.parties,
            "target": i in r.targets,
            "reaction": r.modal(i),
            "reaction_share": {k: round(v, 4) for k, v in r.share(i).items()},
            "words": r.modal(i, "words"),
            "words_share": {k: round(v, 4) for k, v in r.share(i, "words").items()},
            "deeds": r.modal(i, "deeds"),
            "deeds_share": {k: round(v, 4) for k, v in r.share(i, "deeds").items()},
            "valence": round(float(r.valence[:, i].sum(axis=1).mean()), 5),
            "valence_by_interest": {k: round(float(v), 5) for k, v in zip(r.interests, r.valence[:, i].mean(0),
                                                                                 strict=True)},
            "alignment_change": {c: round(float(mean_align[j]), 5) for j, c in enumerate(p.codes) if j != i},
            "alignment_moved": {p.codes[j]: round(change, 5) for a, j, change in moved if a == i},
            "not_settled": [{"what": what, "last_12_months": round(change, 5), "noise": round(noise, 5)}
                            for what, change, noise in r.unsettled(i)],
            "alignment_toward_parties": round(float(r.toward_parties[:, i].mean()), 5),
            "alignment_toward_rivals_of_parties": round(float(r.toward_adversaries[:, i].mean()), 5),
            "posture_change": round(float(r.d_posture[:, i].mean()), 5),
            "posture_raised_share": round(float(np.mean(r.d_posture[:, i] > r.thresholds["posture"][i])), 4),
            "interest_change": {k: round(float(v), 5) for k, v in zip(r.interests, r.d_interest[:, i].mean(0),
                                                                              strict=True)},
            "explanation": explain(r, i, names),
            "stance": round(float(r.stance[:, i].mean()), 5),
            "stance_by_part": {k: round(float(v), 5) for k, v in zip(PARTS, r.appraisal[:, i].mean(0), strict=True)},
            "closest_call": {} if i in r.parties else closest_call(
                float(r.stance[:, i].mean()), float(r.d_posture[:, i].mean()),
                float(r.toward_parties[:, i].mean()), float(r.toward_adversaries[:, i].mean()),
                {k: float(r.thresholds[k][i]) for k in ("supports", "criticises", "parties", "posture",
                                                              "adversaries")}),
        }
    verdicts = check(s, r)
    return {
        "scenario": s.name,
        "title": s.title,
        "description": s.description.strip(),
        "sources": dict(s.sources),
        "command": command,
        "scenario_hash": fingerprint(s),
        "version": __version__,
        "seed": result.seed,
        "replications": result.replications,
        "steps": p.steps,
        "window": s.model.labels.months(p.steps),
        "parties": [p.codes[i] for i in r.parties],
        "events": [{"name": e.name, "at": e.at, "date": str(e.date) if e.date else None,
                    "parties": e.parties, "target": e.target, "description": e.description, "source": e.source}
                   for e in s.events],
        "actors": actors,
        "outcomes": {k: {kk: (round(vv, 6) if isinstance(vv, float) else vv) for kk, vv in v.items()}
                     for k, v in result.outcomes.items()},
        "expectations": [v.as_dict() for v in verdicts],
        "expectations_passed": sum(v.passed for v in verdicts),
        "expectations_total": len(verdicts),
    }


def write_json(summary: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2) + "\n")


def write_timeseries(result: Result, path: Path) -> None:
    """Long table: step, actor, quantity, mean with events, mean without, difference with 95% interval."""
    p, r = result.params, result.reactions
    ev, tw = result.event, result.twin
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["step", "actor", "quantity", "with_events", "without_events", "difference",
                    "difference_low", "difference_high"])
        series: list[tuple[str, int, np.ndarray, np.ndarray]] = []
        for i in range(p.n):
            series.append(("posture", i, ev.posture[:, :, i], tw.posture[:, :, i]))
            for j in r.parties:
                if j != i:
                    series.append((f"alignment_to_{p.codes[j]}", i, ev.alignment[:, :, i, j],
                                   tw.alignment[:, :, i, j]))
        for name, i, a, b in series:
            d = a - b
            lo, hi = np.percentile(d, [2.5, 97.5], axis=0)
            rows = zip(a.mean(axis=0), b.mean(axis=0), d.mean(axis=0), lo, hi, strict=True)
            w.writerows([t, p.codes[i], name, *(f"{x:.6f}" for x in row)] for t, row in enumerate(rows))

