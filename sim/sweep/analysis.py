"""What a sweep found: per point label shares and outcome intervals, tipping points, and sensitivity indices
(Sobol or Morris from SALib; for grid and lhs designs, each parameter's main-effect share of the variance).

Reads the run table only (runs/part-*.parquet), so it can be rerun on a finished or resumed sweep.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.concepts.labels import LABELS
from sim.measure.analysis import OUTCOMES
from sim.sweep import MORRIS_LEVELS

# How each design's sensitivity is measured, and the index that ranks the parameters: Sobol's total order (with
# interactions), Morris' mu* (mean absolute elementary effect), or the main-effect share (`main_effects`).
METHODS = {"sobol": "sobol", "morris": "morris", "grid": "main_effect", "lhs": "main_effect"}
INDEX = {"sobol": "ST", "morris": "mu_star", "main_effect": "main_effect"}


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


def name_of(summary: dict[str, Any], path: str) -> str:
    """A swept parameter as a reader says it ("Ruritania: influence weight"); its path in a sweep written before
    geosim named them."""
    return summary.get("parameter_names", {}).get(path, path)


def tipping_points(points: pd.DataFrame, names: list[str], grid: bool, bins: int = 8,
                   readable: dict[str, str] | None = None) -> list[dict[str, Any]]:
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
                        "text": f"{code}: {labels[k - 1]} -> {labels[k]} when "
                                f"{(readable or {}).get(name, name)} > {(lo + hi) / 2:.3g} ({span(lo, hi)})",
                    })
    return found


def span(low: float, high: float) -> str:
    """An interval in words, `-0.2 to 0`: a hyphen between two numbers that may be negative reads as a minus."""
    return f"{low:.3g} to {high:.3g}"


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


def method_of(design: str) -> str:
    """The sensitivity method of a design (summary.json's `sensitivity_method`)."""
    return METHODS[design]


def index_key(design: str) -> str:
    """The index a design's sensitivity is ranked and drawn by."""
    return INDEX[METHODS[design]]


def bins_for(n: int) -> int:
    """Quantile bins of an lhs parameter for its main effect: about sqrt(n), 2 to 16. Fewer bins average more
    points each (less noise, lower chance level); more bins follow a curved effect more closely."""
    return int(min(16, max(2, np.floor(np.sqrt(n)))))


def main_effects(points: pd.DataFrame, names: list[str], outcomes: list[str], grid: bool) -> dict[str, Any]:
    """The first-order (main-effect) share of each outcome's variance, per parameter, for grid and lhs designs:
    SALib's Sobol and Morris estimators need their own sampling patterns and cannot read these points, yet a
    seminar that swept a grid still asks which parameter matters most.

    Y is an outcome's per-point mean (over the replicates), X a parameter. The points are grouped by X (each of
    its values on a grid; on an lhs, `bins_for(n)` quantile bins) and the index is the correlation ratio

        eta^2 = sum over groups g of n_g (mean_g Y - mean Y)^2 / sum over points i of (Y_i - mean Y)^2,

    that is Var_x(E[Y | X = x]) / Var(Y): the share of Y's variation across the points that X alone explains,
    0 to 1. On a full grid every value of X meets every combination of the other values equally often, so their
    effects cancel in the group means and this is exactly the main effect of a factorial design (the first-order
    Sobol index of the grid's points); the shares of all parameters sum to at most 1, the rest being interactions
    and replicate noise. On an lhs each bin still averages over the other parameters, but with k bins of n points
    a parameter with no effect at all scores about (k - 1) / (n - 1) by chance alone: that level is given as
    `chance`. A main effect misses a parameter that acts only together with another (a Sobol design's total-order
    index catches it)."""
    ok = valid(points)
    result: dict[str, Any] = {}
    for outcome in outcomes:
        column = f"{outcome}.mean"
        if column not in ok:
            continue
        rows = ok[np.isfinite(ok[column].to_numpy(dtype=float))]
        y = rows[column].to_numpy(dtype=float)
        total = float(((y - y.mean()) ** 2).sum()) if len(y) else 0.0
        if len(y) < 3 or total <= 1e-12 * max(1.0, float((y**2).sum())):
            result[outcome] = {"error": "the outcome does not vary over the points that ran"}
            continue
        indices: dict[str, Any] = {}
        for name in names:
            x = rows[name]
            groups = x if grid else pd.qcut(x, q=bins_for(len(x)), duplicates="drop")
            means = rows[column].groupby(groups, observed=True).agg(["mean", "size"])
            between = float((means["size"] * (means["mean"] - y.mean()) ** 2).sum())
            entry = {"main_effect": min(1.0, between / total), "groups": len(means)}
            if not grid:
                entry["chance"] = (len(means) - 1) / (len(y) - 1)
            indices[name] = entry
        result[outcome] = indices
    return result


def sensitivity(points: pd.DataFrame, design: dict[str, Any], outcomes: list[str]) -> dict[str, Any]:
    """Sobol (first order and total) or Morris (mu*, sigma) indices of each outcome's per-point mean; for a grid
    or lhs design, each parameter's main-effect share (`main_effects`)."""
    kind = design["kind"]
    if kind in ("grid", "lhs"):
        return main_effects(points, design["problem"]["names"], outcomes, grid=kind == "grid")
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
