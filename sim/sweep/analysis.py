"""What a sweep found: per point label shares and outcome intervals, tipping points, and Sobol or Morris indices.

Reads the run table only (runs/part-*.parquet), so it can be rerun on a finished or resumed sweep.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.concepts.labels import LABELS
from sim.measure.analysis import OUTCOMES
from sim.sweep import MORRIS_LEVELS


def per_point(runs: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """One row per point: parameter values, label shares and modal label per actor, mean and 95% interval of
    each outcome."""
    ok = runs[runs["error"].isna()]
    actors = [c.split(".", 1)[1] for c in runs.columns if c.startswith("label.")]
    numeric = [c for c in runs.columns if c in OUTCOMES or c.split(".", 1)[0] in ("posture", "toward_parties",
                                                                                     "valence")]
    grouped = ok.groupby("point", sort=True)
    table = grouped[names].first()
    table["replicates"] = grouped.size()
    parts = [table]
    for code in actors:
        shares = pd.crosstab(ok["point"], ok[f"label.{code}"], normalize="index")
        shares = shares.reindex(columns=list(LABELS), fill_value=0.0)
        modal = shares.idxmax(axis=1).rename(f"modal.{code}")
        shares.columns = [f"share.{code}.{label}" for label in shares.columns]
        parts += [shares, modal]
    parts += [grouped[numeric].mean().add_suffix(".mean"), grouped[numeric].quantile(0.025).add_suffix(".low"),
              grouped[numeric].quantile(0.975).add_suffix(".high")]
    out = pd.concat(parts, axis=1).reset_index()
    failed = runs[runs["error"].notna()].groupby("point").first()
    if len(failed):
        bad = failed[names].copy()
        bad["error"] = failed["error"]
        out = pd.concat([out, bad.reset_index()], ignore_index=True).sort_values("point")
    elif "error" not in out:
        out["error"] = None
    return out.reset_index(drop=True)


def valid(points: pd.DataFrame) -> pd.DataFrame:
    """The points that ran (failed points carry an error and no results)."""
    return points[points["error"].isna()] if "error" in points else points


def groups_of(x: pd.Series, grid: bool, bins: int = 8) -> pd.Series:
    """How points are grouped along a parameter: its values on a grid (up to 16 of them), quantile bins
    otherwise, so that each group pools enough runs to have a modal label."""
    if x.nunique() <= (16 if grid else bins):
        return x
    return pd.qcut(x, q=16 if grid else bins, duplicates="drop")


def tipping_points(points: pd.DataFrame, names: list[str], grid: bool, bins: int = 8) -> list[dict[str, Any]]:
    """Where an actor's modal reaction changes along a parameter (marginal over the other parameters).

    Points are grouped by the parameter (its distinct values on a grid, quantile bins otherwise); label shares are
    pooled within a group; a change of the pooled modal label between neighbouring groups is a tipping point,
    placed between them, with the two groups' mean values as its interval. A lone group that breaks a run of the
    same label is read as noise at a boundary."""
    ok = valid(points)
    actors = [c.split(".", 1)[1] for c in ok.columns if c.startswith("modal.")]
    found = []
    for name in names:
        x = ok[name]
        if x.nunique() < 2:
            continue
        groups = groups_of(x, grid, bins)
        for code in actors:
            cols = [f"share.{code}.{label}" for label in LABELS]
            pooled = ok[cols].groupby(groups, observed=True).sum()
            centre = x.groupby(groups, observed=True).mean()
            labels = _steady([LABELS[int(np.argmax(row))] for row in pooled.to_numpy()])
            for k in range(1, len(labels)):
                if labels[k] != labels[k - 1]:
                    lo, hi = float(centre.iloc[k - 1]), float(centre.iloc[k])
                    found.append({
                        "actor": code, "parameter": name, "from": labels[k - 1], "to": labels[k],
                        "at": (lo + hi) / 2, "low": lo, "high": hi,
                        "text": f"{code}: {labels[k - 1]} -> {labels[k]} when {name} > {(lo + hi) / 2:.3g} "
                                f"({lo:.3g}-{hi:.3g})",
                    })
    return found


def phase_pairs(points: pd.DataFrame, names: list[str], tips: list[dict[str, Any]], grid: bool,
                most: int = 4) -> list[dict[str, str]]:
    """Which two-parameter maps to draw: for each actor that flips (the first `most`), the parameter it flips
    along (x) and, of the others, the one along which the share of its new reaction varies most (y): the
    assumption that moves its tipping point most."""
    ok = valid(points)
    others_of = {n: [m for m in names if m != n and ok[m].nunique() > 1] for n in names}
    maps: list[dict[str, str]] = []
    for tip in tips:
        code, x = tip["actor"], tip["parameter"]
        if any(m["actor"] == code for m in maps) or not others_of[x]:
            continue
        column = ok[f"share.{code}.{tip['to']}"]

        def spread(y: str, column: pd.Series = column) -> float:
            by = column.groupby(groups_of(ok[y], grid), observed=True).mean()
            return float(by.max() - by.min())

        maps.append({"actor": code, "x": x, "y": max(others_of[x], key=spread)})
        if len(maps) == most:
            break
    return maps


def phase(points: pd.DataFrame, actor: str, x: str, y: str, grid: bool,
          bins: int = 8) -> tuple[np.ndarray, np.ndarray, pd.Series, pd.Series]:
    """An actor's pooled modal reaction over groups of two parameters (a phase diagram): labels and their shares
    as (y groups, x groups) arrays, '' and 0 where no point fell, and the groups' mean parameter values."""
    ok = valid(points)
    gx, gy = groups_of(ok[x], grid, bins), groups_of(ok[y], grid, bins)
    cx, cy = ok[x].groupby(gx, observed=True).mean(), ok[y].groupby(gy, observed=True).mean()
    pooled = ok[[f"share.{actor}.{label}" for label in LABELS]].groupby([gx, gy], observed=True).sum()
    labels = np.full((len(cy), len(cx)), "", dtype=object)
    shares = np.zeros((len(cy), len(cx)))
    for (kx, ky), row in pooled.iterrows():
        values = row.to_numpy(dtype=float)
        k = int(np.argmax(values))
        labels[cy.index.get_loc(ky), cx.index.get_loc(kx)] = LABELS[k]
        shares[cy.index.get_loc(ky), cx.index.get_loc(kx)] = values[k] / max(values.sum(), 1e-12)
    return labels, shares, cx, cy


def _steady(labels: list[str]) -> list[str]:
    """A single group whose label differs from the same label on both sides is noise at a boundary, not two
    tipping points: it takes its neighbours' label."""
    out = list(labels)
    for k in range(1, len(out) - 1):
        if out[k - 1] == out[k + 1] != out[k]:
            out[k] = out[k - 1]
    return out


def sensitivity(points: pd.DataFrame, design: dict[str, Any], outcomes: list[str]) -> dict[str, Any]:
    """Sobol (first order and total) or Morris (mu*, sigma) indices of each outcome's per-point mean."""
    kind = design["kind"]
    if kind not in ("sobol", "morris"):
        return {}
    problem = design["problem"]
    ordered = points.sort_values("point")
    x = ordered[problem["names"]].to_numpy(dtype=float)
    result: dict[str, Any] = {}
    for outcome in outcomes:
        y = ordered[f"{outcome}.mean"].to_numpy(dtype=float) if f"{outcome}.mean" in ordered else None
        if y is None or len(y) != design["size"] or not np.isfinite(y).all():
            result[outcome] = {"error": "not every point gave a value; indices need the complete design"}
            continue
        if kind == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, seed=1)
            result[outcome] = {n: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                                   "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i])}
                               for i, n in enumerate(problem["names"])}
        else:
            from SALib.analyze import morris

            res = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=1)
            result[outcome] = {n: {"mu_star": float(res["mu_star"][i]), "sigma": float(res["sigma"][i]),
                                   "mu_star_conf": float(res["mu_star_conf"][i])}
                               for i, n in enumerate(problem["names"])}
    return result
