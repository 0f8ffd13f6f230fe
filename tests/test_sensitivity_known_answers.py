"""The sweep's sensitivity code (design -> points -> indices) on the Ishigami function, against its known indices.

f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1, a = 7, b = 0.1, each x uniform on [-pi, pi] (Ishigami and Homma 1990;
the analytic Sobol indices are in Sobol' and Levitan 1999 and in SALib's own tests). The points go through the
project's `design.build` and the indices through `analysis.sensitivity`, reading the table the way a sweep
writes it, so that a wrong order of names, points or outputs shows as a wrong index.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.scenario.schema import Sweep, SweepParam
from sim.sweep.analysis import sensitivity
from sim.sweep.design import build

A, B = 7.0, 0.1
NAMES = ["x1", "x2", "x3"]
# Sobol' and Levitan (1999): first-order and total indices
S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def indices(design: str, samples: int, seed: int = 1) -> dict[str, dict[str, float]]:
    spec = Sweep(design=design, samples=samples, seed=seed,
                 params=[SweepParam(path=n, range=(-math.pi, math.pi)) for n in NAMES])
    d = build(spec)
    points = pd.DataFrame(d.points, columns=d.names)
    points["point"] = np.arange(d.size)
    points["f.mean"] = ishigami(d.points)
    shuffled = points.sample(frac=1.0, random_state=0)  # the analysis must put points back in their order
    return sensitivity(shuffled, {"kind": d.kind, "problem": d.problem, "size": d.size}, ["f"])["f"]


def test_sobol_indices_are_the_published_ones() -> None:
    """2^13 base samples: SALib's bootstrap intervals are about +-0.02 here, so 0.03 is honest, and still far
    below the gaps between the parameters' indices (a swapped name would miss by 0.13 or more)."""
    got = indices("sobol", 2**13)
    for name in NAMES:
        assert got[name]["S1"] == pytest.approx(S1[name], abs=0.03), name
        assert got[name]["ST"] == pytest.approx(ST[name], abs=0.03), name


def test_morris_elementary_effects_are_the_analytic_ones() -> None:
    """With 4 levels on [-pi, pi] (-pi, -pi/3, pi/3, pi) every step is 2/3 of the range, so each elementary effect
    can be written out:
    - x2: sin^2 goes between 0 and 3/4 on every step, |EE| = a (3/4) / (2/3) = 7.875 exactly, and with equal
      numbers of rises and falls its sigma is the same;
    - x1: |sin| changes by sqrt(3)/2 on every step, times (1 + b x3^4) with x3 on the four levels:
      mu* = (3 sqrt(3) / 4) (1 + b pi^4 41/81) = 7.70;
    - x3: x3^4 changes by pi^4 80/81 on every step, times b |sin x1|, whose mean over the levels is sqrt(3)/4:
      mu* = b (sqrt(3) / 4) pi^4 (80/81) (3/2) = 6.25; it acts only with x1, so its sigma exceeds its mu*."""
    got = indices("morris", 4000)
    assert got["x2"]["mu_star"] == pytest.approx(A * 0.75 * 1.5, rel=1e-9)
    assert got["x2"]["sigma"] == pytest.approx(A * 0.75 * 1.5, rel=0.01)
    mu1 = 3 * math.sqrt(3) / 4 * (1 + B * math.pi**4 * 41 / 81)
    mu3 = B * math.sqrt(3) / 4 * math.pi**4 * 80 / 81 * 1.5
    for name, expected in (("x1", mu1), ("x3", mu3)):  # the levels are drawn at random: within 3 intervals
        assert got[name]["mu_star"] == pytest.approx(expected, abs=3 * got[name]["mu_star_conf"]), name
        assert got[name]["mu_star_conf"] < 0.05 * expected, name
    assert got["x3"]["sigma"] > got["x3"]["mu_star"]
