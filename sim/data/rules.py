"""The three rules that turn public data into a scenario's judgment-laden numbers. Each is one formula with a few
constants, the same for every pair and every year; the constants were fitted once, by data/fit_rules.py, to the
hand-set values of the seed scenario (its 2024 data), and docs/data.md gives the fit and where it misses.

alignment  = clip(A0 + A_IDEAL * ideal-point distance + A_DEFENSE * defence pact honoured + A_RIVALRY * rivalry
                  + A_PEACE * (peace level - 0.5), -1, 1)
proximity  = 1 - (1 - near) * (1 - reach)
             near  = 1 for a land border, else max(P_WATER if separated by at most 400 miles of water,
                                                   exp(-km between capitals / P_KM))
             reach = (bigger military budget / the largest in the scenario) ** P_BIG
                     * (smaller / bigger) ** P_SMALL
technology = clip(1 + log10(GDP per capita / the highest in the scenario) / T_DECADES, 0, 1)

Defence pact and rivalry are shares in [0, 1] (1 for two states bound by one; for a group, the share of member
pairs). A defence pact counts only while the pair is not in rivalry on the peace scale (level .5 or more): a
treaty not honoured in practice is not counted. The peace level (Goertz, Diehl and Balas) runs from 0 (serious
rivalry) through .5 (negative peace, where most pairs are, and the term is 0) to 1 (security community); for a
group, the mean over member pairs. The proximity rule reads the seed's "how much each can reach and matters to
the other": neighbours matter to each other, and a big military reaches far, more so toward a state that is big
too.
"""

from __future__ import annotations

import math

from sim.data.facts import NEGATIVE_PEACE, PairFacts

# Fitted by data/fit_rules.py (least squares on the seed scenario; see docs/data.md). Do not tune by hand.
A0, A_IDEAL, A_DEFENSE, A_RIVALRY, A_PEACE = 0.41, -0.12, 0.421, -0.201, 1.211
P_KM, P_BIG, P_SMALL, P_WATER = 7500.0, 2.5, 0.3, 0.6
T_DECADES = 2.7


def alignment(p: PairFacts, a0: float = A0, ideal: float = A_IDEAL, defense: float = A_DEFENSE,
              rivalry: float = A_RIVALRY, peace: float = A_PEACE) -> float:
    value = (a0 + ideal * p.ideal_distance + defense * p.defense_honoured + rivalry * p.rivalry
             + peace * (p.peace - NEGATIVE_PEACE))
    return max(-1.0, min(1.0, value))


def proximity(p: PairFacts, milex_a: float, milex_b: float, largest: float, km_scale: float = P_KM,
              big: float = P_BIG, small: float = P_SMALL, water: float = P_WATER) -> float:
    near = 1.0 if p.contiguity == 1 else max(water if p.contiguity else 0.0, math.exp(-p.km / km_scale))
    hi, lo = max(milex_a, milex_b), min(milex_a, milex_b)
    reach = (hi / largest) ** big * (lo / hi) ** small if hi > 0 and largest > 0 else 0.0
    return max(0.0, min(1.0, 1 - (1 - near) * (1 - reach)))


def technology(gdppc: float, frontier: float, decades: float = T_DECADES) -> float:
    if gdppc <= 0 or frontier <= 0:
        return 0.0
    return max(0.0, min(1.0, 1 + math.log10(gdppc / frontier) / decades))
