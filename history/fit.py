"""Estimate the reaction model's global settings on the bench's tuning episodes, and say how well they generalise.

    uv run history/fit.py                 estimate, print the settings and the scores, write history/fit.json
    uv run history/fit.py --check         exit 1 if the defaults in sim/scenario/schema.py are not fit.json's

Only the episodes listed as TUNED_ON in history/score.py are read; the held-back ones are never run here. Two steps
(docs/model.md, "Reactions", says what each setting means):

1. **Words, by maximum likelihood.** A state's stance is the weighted sum of its appraisal's parts (harm,
   solidarity, balance, norms: sim/model/stance.py), each as the model appraises the event. What it says is an
   ordered logit on the stance: criticism below -criticises, support above +supports. The weights and the two
   lines are the maximum likelihood estimates over every non-acting state's recorded words on the tuning episodes
   (two values recorded: either counts), with the seed scenario's as a constraint: it binds the model (issue 18),
   so each of its statements weighs as much as SEED_WEIGHT of the bench's.
2. **Deeds, by search.** The stance past which a state acts for or against those who acted (`acts_above`,
   `acts_below`) and the least rise of posture that is arming (`labels.arming`) change the runs or their
   reading, so a grid of them is run (the size of a deed, `resolve` 0.1, and the least move that is a deed,
   `labels.deeds` 0.05, half a deed, are set, not searched) and the point that holds most tuning
   statements is kept, among those where the seed scenario still holds every statement.

Both steps are repeated with each tuning episode left out in turn (leave-one-episode-out): the score on the
episode left out, summed, says how well the settings carry to an episode they were not chosen on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sim import tuning  # noqa: E402

tuning.tune()

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

from sim.measure.expect import check  # noqa: E402
from sim.measure.experiment import run  # noqa: E402
from sim.model.stance import PARTS  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.scenario.schema import LabelRules, ModelSettings  # noqa: E402
from sim.scenario.statements import Reaction, parse  # noqa: E402

SPLIT = runpy.run_path(str(HERE / "score.py"))
TUNED_ON: tuple[str, ...] = SPLIT["TUNED_ON"]
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
RECORD = HERE / "fit.json"
REPLICATES = 20  # per episode while estimating: enough for shares, quick enough for a grid
SEED_WEIGHT = 10.0  # the seed's statements as constraints: each counts as this many of the bench's
L2 = 0.01  # a whisper of shrinkage, so that a part no episode speaks to stays near 0
ORDERED = ("criticises", "neutral", "supports")  # the words in the order of the stance
WEIGHTS = tuple(f"model.{part}" for part in PARTS)  # the stance's weights, in the order of its parts
GRID = {"model.acts_above": (0.5, 1.0, 2.0, 4.0, 1000.0), "model.acts_below": (1.0, 2.0, 3.0, 4.0, 6.0, 1000.0),
        "model.labels.arming": (0.02, 0.04)}


@dataclass
class Observed:
    episode: str
    actor: str
    parts: np.ndarray  # (P,) the raw appraisal (each part with weight 1), mean over replicates
    words: tuple[str, ...]


def overrides(settings: dict[str, float]) -> list[str]:
    return [f"{k}={v!r}" for k, v in settings.items()]


def appraisals(names: tuple[str, ...], settings: dict[str, float]) -> list[Observed]:
    """Each non-acting state's raw appraisal of its episode's event, and the words it was observed to say; a name
    that is a path is read as such (the seed)."""
    raw = {**settings, **dict.fromkeys(WEIGHTS, 1.0),
           "run.replications": REPLICATES}
    out = []
    for name in names:
        path = Path(name) if name.endswith(".yaml") else HERE / f"{name}.yaml"
        scenario = load_scenario(path, overrides(raw))
        r = run(scenario).reactions
        said: dict[str, tuple[str, ...]] = {}
        for e in scenario.expectations:
            st = parse(e.expect)
            if isinstance(st, Reaction) and st.choice.words:
                said[st.actor] = st.choice.words
        for i, code in enumerate(r.codes):
            if i not in r.parties and code in said:
                out.append(Observed(name, code, r.appraisal[:, i].mean(axis=0), said[code]))
    return out


def _probabilities(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(M,3) P(criticises), P(neutral), P(supports) of an ordered logit on the stance x @ w."""
    k = len(WEIGHTS)
    w, low, high = theta[:k], -np.exp(theta[k]), np.exp(theta[k + 1])
    s = x @ w
    below = 1.0 / (1.0 + np.exp(-(low - s)))
    above = 1.0 / (1.0 + np.exp(-(s - high)))
    return np.stack([below, 1.0 - below - above, above], axis=1)


def fit_words(rows: list[Observed]) -> dict[str, float]:
    """The stance's weights and the two lines of words, by maximum likelihood (weights kept >= 0)."""
    x = np.array([r.parts for r in rows])
    y = np.array([[w in r.words for w in ORDERED] for r in rows], dtype=float)
    weight = np.array([SEED_WEIGHT if r.episode == str(SEED) else 1.0 for r in rows])

    k = len(WEIGHTS)

    def nll(theta: np.ndarray) -> float:
        p = _probabilities(theta, x)
        return -(weight * np.log(np.maximum((p * y).sum(axis=1), 1e-12))).sum() + L2 * (theta[:k] ** 2).sum()

    start = np.array([1.0] * k + [np.log(0.5), np.log(0.5)])
    bounds = [(0.0, None)] * k + [(None, None)] * 2
    theta = minimize(nll, start, method="L-BFGS-B", bounds=bounds).x
    return {**{name: float(t) for name, t in zip(WEIGHTS, theta, strict=False)},
            "model.labels.criticises": float(np.exp(theta[k])), "model.labels.supports": float(np.exp(theta[k + 1]))}


def words_hit(rows: list[Observed], fitted: dict[str, float]) -> int:
    w = np.array([fitted[name] for name in WEIGHTS])
    hits = 0
    for r in rows:
        s = float(r.parts @ w)
        said = "supports" if s > fitted["model.labels.supports"] else (
            "criticises" if s < -fitted["model.labels.criticises"] else "neutral")
        hits += said in r.words
    return hits


def scores(names: tuple[str, ...], settings: dict[str, float], replicates: int = REPLICATES) -> dict[str, list[int]]:
    """[model, rule, total] per episode at `settings`."""
    out = {}
    for name in names:
        scenario = load_scenario(HERE / f"{name}.yaml", overrides({**settings, "run.replications": replicates}))
        verdicts = check(scenario, run(scenario).reactions)
        out[name] = [sum(v.passed for v in verdicts), sum(v.rule for v in verdicts), len(verdicts)]
    return out


def seed_holds(settings: dict[str, float]) -> bool:
    scenario = load_scenario(SEED, overrides(settings))
    return all(v.passed for v in check(scenario, run(scenario).reactions))


def estimate(names: tuple[str, ...], table: dict[tuple, dict[str, list[int]]],
             seed_ok: dict[tuple, bool]) -> tuple[dict[str, float], tuple]:
    """The grid point of step 2 that holds most of `names`' statements, among those where the seed holds."""
    points = [p for p in table if seed_ok[p]] or list(table)
    best = max(points, key=lambda p: (sum(table[p][n][0] for n in names), -list(table).index(p)))
    return dict(zip(GRID, best, strict=True)), best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the schema's defaults are fit.json's")
    args = ap.parse_args(argv)
    if args.check:
        return check_defaults()
    print(f"tuning episodes: {len(TUNED_ON)}", file=sys.stderr)
    rows = appraisals((*TUNED_ON, str(SEED)), {})  # the seed binds the model too (issue 18)
    words = fit_words(rows)
    print(f"words: {json.dumps({k: round(v, 4) for k, v in words.items()})}; in sample {words_hit(rows, words)} "
          f"of {len(rows)}", file=sys.stderr)
    loeo_words = 0
    for name in TUNED_ON:
        fitted = fit_words([r for r in rows if r.episode != name])
        loeo_words += words_hit([r for r in rows if r.episode == name], fitted)
    bench = sum(r.episode in TUNED_ON for r in rows)
    print(f"words left out one episode at a time: {loeo_words} of {bench}", file=sys.stderr)

    table: dict[tuple, dict[str, list[int]]] = {}
    seed_ok: dict[tuple, bool] = {}
    for point in itertools.product(*GRID.values()):
        settings = {**words, **dict(zip(GRID, point, strict=True))}
        table[point] = scores(TUNED_ON, settings)
        seed_ok[point] = seed_holds(settings)
        total = sum(v[0] for v in table[point].values())
        print(f"  {dict(zip(GRID, point, strict=True))}: {total} (seed {'holds' if seed_ok[point] else 'fails'})",
              file=sys.stderr)
    chosen, best = estimate(TUNED_ON, table, seed_ok)
    loeo = 0
    for name in TUNED_ON:  # the grid point chosen without the episode, scored on it (words estimated with it)
        _, point = estimate(tuple(n for n in TUNED_ON if n != name), table, seed_ok)
        loeo += table[point][name][0]
    settings = {**words, **chosen}
    final = scores(TUNED_ON, settings, 50)
    record = {
        "settings": {k: round(v, 4) for k, v in settings.items()},
        "tuning_episodes": list(TUNED_ON),
        "scores": final,
        "model": sum(v[0] for v in final.values()),
        "rule": sum(v[1] for v in final.values()),
        "total": sum(v[2] for v in final.values()),
        "leave_one_episode_out": {"words": [loeo_words, bench],
                                  "all": [loeo, sum(v[2] for v in table[best].values())]},
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))
    return 0


def check_defaults() -> int:
    """The defaults the code runs with are the last fit's."""
    record = json.loads(RECORD.read_text(encoding="utf-8"))["settings"]
    blocks: dict[str, Any] = {"model": ModelSettings(), "model.labels": LabelRules()}
    wrong = []
    for path, value in record.items():
        block, _, field = path.rpartition(".")
        default = getattr(blocks[block], field)
        if abs(default - value) > 1e-9:
            wrong.append(f"{path}: default {default}, fit {value}")
    print("\n".join(wrong) or "the defaults are the fit's", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
