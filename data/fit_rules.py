"""Fit the constants of sim/data/rules.py to the seed scenario's hand-set values, and print the fit.

    uv run data/fit_rules.py            # constants, R^2, and the pairs the rules miss most (markdown)

The seed (scenarios/us_india_defense_framework_2025.yaml) is the one scenario whose alignments, proximities and
technology levels were each read from sources by hand; the rules take its scale, not its pairs. Alignment is a
linear least-squares fit; proximity and technology are least squares over a grid (they are not linear in their
constants). The constants in rules.py are these, rounded; tests/test_data_rules.py fails if they drift apart.
The episodes kept aside for validation (U.S.-India civil nuclear deal, the Quad's revival, AUKUS) are not used.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.data.facts import NEGATIVE_PEACE, ActorFacts, PairFacts, actor_facts, pair_facts  # noqa: E402
from sim.data.tables import load  # noqa: E402

SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
YEAR = 2024  # the seed's figures are for 2024

KM = np.arange(1000.0, 10001.0, 250.0)
BIG = np.arange(0.25, 4.001, 0.125)
SMALL = np.arange(0.05, 0.501, 0.05)
WATER = np.arange(0.3, 1.001, 0.05)
DECADES = np.arange(1.0, 5.001, 0.05)


@dataclass
class Seed:
    actors: dict[str, ActorFacts]
    pairs: list[tuple[str, str, float, float, PairFacts]]  # a, b, alignment, proximity, facts
    technology: dict[str, float]


def seed() -> Seed:
    doc = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    tables = load()
    codes = list(doc["actors"])
    actors = {c: actor_facts(tables, c, YEAR, set(codes)) for c in codes}
    pairs = [(a, b, r["alignment"], r["proximity"], pair_facts(tables, actors[a], actors[b], YEAR))
             for r in doc["relations"] for a, b in [r["between"]]]
    return Seed(actors, pairs, {c: doc["actors"][c]["technology"]["value"] for c in codes})


def r2(y: np.ndarray, fitted: np.ndarray) -> float:
    return float(1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def fit_alignment(s: Seed) -> tuple[np.ndarray, float]:
    x = np.array([[1.0, p.ideal_distance, p.defense_honoured, p.rivalry, p.peace - NEGATIVE_PEACE]
                  for *_, p in s.pairs])
    y = np.array([al for _, _, al, _, _ in s.pairs])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return coef, r2(y, np.clip(x @ coef, -1, 1))


def fit_proximity(s: Seed) -> tuple[tuple[float, float, float, float], float]:
    largest = max(f.milex.value for f in s.actors.values())
    y = np.array([pr for _, _, _, pr, _ in s.pairs])
    km = np.array([p.km for *_, p in s.pairs])
    land = np.array([p.contiguity == 1 for *_, p in s.pairs])
    water = np.array([p.contiguity > 1 for *_, p in s.pairs])
    m = np.array([(s.actors[a].milex.value, s.actors[b].milex.value) for a, b, *_ in s.pairs])
    hi, lo = m.max(axis=1), m.min(axis=1)
    K, B, S, W = np.meshgrid(KM, BIG, SMALL, WATER, indexing="ij")
    K, B, S, W = (g[..., None] for g in (K, B, S, W))
    near = np.where(land, 1.0, np.maximum(np.where(water, W, 0.0), np.exp(-km / K)))
    reach = (hi / largest) ** B * (lo / hi) ** S
    fitted = 1 - (1 - near) * (1 - reach)
    sse = ((fitted - y) ** 2).sum(axis=-1)
    i = np.unravel_index(np.argmin(sse), sse.shape)
    best = (float(KM[i[0]]), float(BIG[i[1]]), float(SMALL[i[2]]), float(WATER[i[3]]))
    return best, r2(y, fitted[i])


def fit_technology(s: Seed) -> tuple[float, float]:
    codes = list(s.actors)
    frontier = max(s.actors[c].gdppc.value for c in codes)
    y = np.array([s.technology[c] for c in codes])
    g = np.array([s.actors[c].gdppc.value for c in codes])
    fitted = np.clip(1 + np.log10(g / frontier)[None, :] / DECADES[:, None], 0, 1)
    sse = ((fitted - y) ** 2).sum(axis=1)
    i = int(np.argmin(sse))
    return float(DECADES[i]), r2(y, fitted[i])


def main() -> int:
    from sim.data import rules

    s = seed()
    coef, r2_a = fit_alignment(s)
    prox, r2_p = fit_proximity(s)
    dec, r2_t = fit_technology(s)
    print(f"alignment:  A0={coef[0]:.3f} A_IDEAL={coef[1]:.3f} A_DEFENSE={coef[2]:.3f} A_RIVALRY={coef[3]:.3f}"
          f" A_PEACE={coef[4]:.3f}  R^2={r2_a:.2f} over {len(s.pairs)} pairs")
    print(f"proximity:  P_KM={prox[0]:.0f} P_BIG={prox[1]:.3f} P_SMALL={prox[2]:.2f} P_WATER={prox[3]:.2f}"
          f"  R^2={r2_p:.2f}")
    print(f"technology: T_DECADES={dec:.2f}  R^2={r2_t:.2f} over {len(s.actors)} actors")
    largest = max(f.milex.value for f in s.actors.values())
    rows = []
    for a, b, al, pr, p in s.pairs:
        ra = rules.alignment(p)
        rp = rules.proximity(p, s.actors[a].milex.value, s.actors[b].milex.value, largest)
        rows.append((abs(ra - al) + abs(rp - pr), a, b, al, ra, pr, rp, p))
    print("\n| pair | alignment: seed | data | proximity: seed | data | ideal distance | defence (honoured) "
          "| rivalry | peace | km |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for _, a, b, al, ra, pr, rp, p in sorted(rows, reverse=True)[:15]:
        print(f"| {a}-{b} | {al:+.2f} | {ra:+.2f} | {pr:.2f} | {rp:.2f} | {p.ideal_distance:.2f} "
              f"| {p.defense:.2f} ({p.defense_honoured:.2f}) | {p.rivalry:.2f} | {p.peace:.2f} | {p.km:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
