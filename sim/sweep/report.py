"""A sweep's handout: what was varied, where reactions flip, how the region-wide outcomes move, which assumption
matters. One document (sim.outputs.document) rendered three ways, report.md, report.html and report.pdf, built from
summary.json and manifest.json alone, so that `run_sim.py report DIR` writes them again without running anything.
"""

from __future__ import annotations

import json
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from sim.outputs import formats
from sim.outputs.document import Block, Bullets, Document, Figure, Para, Section, Table
from sim.sweep.analysis import OUTCOMES, index_key, method_of, name_of, span, valid
from sim.sweep.store import StoreError, chart_name, phase_name

# what `rewrite` reads; a folder whose files lack one is not a finished sweep (or comes from another program)
SUMMARY_KEYS = ("scenario", "scenario_hash", "version", "design", "points", "parameters", "tipping_points",
                "failed_points")
MANIFEST_KEYS = ("seed", "scenario_file", "replications", "points")

def interval(low: float, high: float, replications: int) -> str:
    """A 95% interval over a point's replicates; with one replicate there is none (not one of zero width)."""
    if replications < 2:
        return "n/a (one replicate)"
    return f"{low:+.3g} to {high:+.3g}"


def outcome_ranges(points: Any, names: list[str]) -> dict[str, Any]:
    """For summary.json: each region-wide outcome's lowest and highest per-point mean, where they lie, and their 95%
    intervals over the replicates (from sweep_summary, one row per point)."""
    ok = valid(points)
    ranges: dict[str, Any] = {}
    for outcome, meaning in OUTCOMES.items():
        if f"{outcome}.mean" not in ok:
            continue
        rows = ok[np.isfinite(ok[f"{outcome}.mean"].to_numpy(dtype=float))]
        if rows.empty:
            continue

        def at(k: Any, rows: Any = rows, outcome: str = outcome) -> dict[str, Any]:
            r = rows.loc[k]
            return {"point": int(r["point"]), "mean": float(r[f"{outcome}.mean"]),
                    "low": float(r[f"{outcome}.low"]), "high": float(r[f"{outcome}.high"]),
                    "at": {n: float(r[n]) for n in names}}

        ranges[outcome] = {"meaning": meaning, "lowest": at(rows[f"{outcome}.mean"].idxmin()),
                           "highest": at(rows[f"{outcome}.mean"].idxmax())}
    return ranges


def build(summary: dict[str, Any], manifest: dict[str, Any], folder: Path | None = None,
          charts: list[str] | None = None) -> Document:
    """The sweep's report. A figure is listed only if drawn: named in `charts`, or else found in `folder`."""
    def drawn(name: str) -> bool:
        if charts is not None:
            return name in charts
        return folder is None or (folder / name).is_file()

    reps = summary["replications"]
    intro: list[Block] = [
        Para(f"{summary['design']} design, {summary['points']} points x {reps} replicates = {summary['runs']} runs, "
             f"seed {manifest['seed']}, scenario hash `{summary['scenario_hash']}`, geosim {summary['version']}.",
             small=True),
        Para(f"Each point is the scenario with the values below; it is run {_times(reps)} with the events and "
             "without them on the same random numbers, and a reaction is the difference, as in a single run's "
             "report."),
        _parameters(summary, manifest),
    ]
    sections = _flips(summary, drawn)
    maps = [m for m in summary.get("phase_maps", []) if drawn(phase_name(m["actor"], m["x"], m["y"]))]
    if maps:
        sections.append(Section("Two assumptions at once", [
            Para("A tipping point found along one parameter may move with another. Each map shows an actor's most "
                 "frequent reaction over the parameter it flips along (across) and the parameter that moves that "
                 "flip most (up)."),
            *(Figure(phase_name(m["actor"], m["x"], m["y"]),
                     f"{m['actor']}'s most frequent reaction over {name_of(summary, m['x'])} (across) and "
                     f"{name_of(summary, m['y'])} (up), pooled over the replicates and any other parameters; paler: "
                     "seen less often.")
              for m in maps),
        ]))
    if summary.get("outcomes"):
        sections.append(_outcomes(summary))
    sens = {k: v for k, v in summary["sensitivity"].items() if "error" not in v and "." not in k}
    if sens:
        sections.append(_sensitivity(summary, sens, drawn("sensitivity.png")))
    if summary["failed_points"]:
        failed = summary["failed_points"]
        more = [f"... {len(failed) - 20} more in summary.json"] if len(failed) > 20 else []
        sections.append(Section("Points that failed", new_page=False, blocks=[
            Bullets([f"point {f['point']} ({_where(f, summary)}): {f['error']}" for f in failed[:20]] + more),
        ]))
    sections += [
        Section("Questions for discussion", new_page=False, blocks=[Bullets([
            "Pick one tipping point. What does the actor gain or lose on either side of it? (`run_sim.py explain` "
            "at a value on each side.)",
            "Which parameter matters most for regional tension? Is that an assumption you can defend with a source?",
            "Which actor never changes its reaction? What would it take?",
        ], numbered=True)]),
        Section("How to reproduce this", new_page=False, blocks=_reproduce(summary, manifest)),
    ]
    return Document(f"Sweep of {summary['scenario']}", intro, sections)


def _times(reps: int) -> str:
    return "once" if reps == 1 else f"{reps} times"


def _where(values: dict[str, Any], summary: dict[str, Any]) -> str:
    return ", ".join(f"{name_of(summary, n)} = {values[n]:.3g}" for n in summary["parameters"])


def _values(manifest: dict[str, Any], column: int) -> list[float]:
    return sorted({float(p[column]) for p in manifest["points"]})


def _parameters(summary: dict[str, Any], manifest: dict[str, Any]) -> Table:
    names = summary["parameters"]
    bounds = dict(zip(names, manifest["problem"]["bounds"], strict=True))
    if summary["design"] != "grid":
        return Table(["parameter", "from", "to"], [[_named(summary, n), f"{bounds[n][0]:g}", f"{bounds[n][1]:g}"]
                                                  for n in names], widths=[4, 1, 1])
    rows = []
    for k, n in enumerate(names):
        values = _values(manifest, k)
        listed = ", ".join(f"{v:.3g}" for v in values) if len(values) <= 8 else f"{len(values)} values"
        rows.append([_named(summary, n), f"{bounds[n][0]:g}", f"{bounds[n][1]:g}", listed])
    return Table(["parameter", "from", "to", "values"], rows, widths=[3.4, 0.7, 0.7, 2.2])


def _named(summary: dict[str, Any], path: str) -> str:
    """A parameter for the table of what was swept: in words, with the path a --param or --set takes."""
    said = name_of(summary, path)
    return f"{said} (`{path}`)" if said != path else f"`{path}`"


def _flips(summary: dict[str, Any], drawn: Any) -> list[Section]:
    """An overview, then a section per parameter: its tipping points, then its chart (in print the table stays
    with its heading, and the tall chart takes the next page if it must)."""
    tips = summary["tipping_points"]
    if tips:
        text = ("An actor's most frequent reaction changes as a parameter rises past a value (pooled over the other "
                "parameters). The value lies between two neighbouring groups of points, whose mean values bound it.")
    else:
        text = "No actor's most frequent reaction changes over the ranges swept."
    sections = [Section("Where reactions flip", [Para(text)])]
    for n in summary["parameters"]:
        mine = [t for t in tips if t["parameter"] == n]
        chart = drawn(chart_name(n))
        if not mine and not chart:
            continue
        blocks: list[Block] = []
        if mine:
            blocks.append(Table(["actor", "below", "above", "flips above", "between"],
                                [[t["actor"], t["from"], f"**{t['to']}**", f"{t['at']:.3g}", span(t["low"], t["high"])]
                                 for t in mine], widths=[0.8, 1.6, 1.6, 1, 1.4]))
        else:
            blocks.append(Para(f"No actor's most frequent reaction changes along {name_of(summary, n)}."))
        if chart:
            blocks.append(Figure(chart_name(n), f"Each actor's most frequent reaction at each value of "
                                                f"{name_of(summary, n)}, pooled over the other parameters and the "
                                                "replicates; paler: seen less often."))
        sections.append(Section(f"Along {name_of(summary, n)}", blocks, new_page=False))
    return sections


def _outcomes(summary: dict[str, Any]) -> Section:
    reps = summary["replications"]
    ranges = summary["outcomes"]
    rows, where = [], []
    for outcome, o in ranges.items():
        lo, hi = o["lowest"], o["highest"]
        label = outcome.replace("_", " ")
        rows.append([f"**{label}**: {o['meaning']}", f"{lo['mean']:+.3g}", interval(lo["low"], lo["high"], reps),
                     f"{hi['mean']:+.3g}", interval(hi["low"], hi["high"], reps)])
        where.append(f"**{label}**: lowest at {_where(lo['at'], summary)}; highest at {_where(hi['at'], summary)}.")
    if reps == 1:
        text = ("Each outcome is the difference the events make (with events minus without) at a point, here from "
                "a single replicate: its lowest and highest over the points. With one replicate there is no 95% "
                "interval, so nothing here tells the sweep's effect from chance: run it with `-r 2` or more.")
    else:
        text = (f"Each outcome is the difference the events make (with events minus without), averaged over a "
                f"point's {reps} replicates: its lowest and highest over the points, each with its 95% interval over "
                "the replicates. An interval wider than the gap between lowest and highest means the sweep moves the "
                "outcome less than chance does.")
    return Section("How the region-wide outcomes move", new_page=False, blocks=[
        Para(text),
        Table(["outcome", "lowest", "95% interval", "highest", "95% interval"], rows, widths=[2.6, 0.9, 1.8, 0.9, 1.8]),
        Bullets(where, small=True),
    ])


def _sensitivity(summary: dict[str, Any], sens: dict[str, Any], chart: bool) -> Section:
    names = summary["parameters"]
    method = summary.get("sensitivity_method") or method_of(summary["design"])
    key = index_key(summary["design"])
    if method == "main_effect" and len(names) == 1:
        return Section("Which assumption matters", new_page=False, blocks=[Para(
            f"Only {name_of(summary, names[0])} was swept, so the outcomes' variation across the points is all its "
            "own (a main-effect share of 1, or near it, by construction). Sweep two or more parameters to compare "
            "them.")])
    if method == "sobol":
        what = ("The total-order Sobol index of each region-wide outcome, by parameter: the share of the outcome's "
                "variance that comes from the parameter, interactions with the others included (0 to 1).")
    elif method == "morris":
        what = ("Morris mu* of each region-wide outcome, by parameter: the mean absolute change of the outcome when "
                "the parameter takes one step of its range, in the outcome's units (larger: a bigger effect).")
    else:
        what = ("The main-effect share of each region-wide outcome's variance, by parameter: the variance, over the "
                "parameter's values, of the outcome's mean at each value, divided by the outcome's total variance "
                "over the points (0 to 1). It is the share of the outcome's variation that the parameter explains "
                "on its own.")
        if summary["design"] == "grid":
            what += (" On a full grid the other parameters' effects cancel in each value's mean, so this is the "
                     "exact main effect; the shares add up to at most 1, the rest being interactions and noise "
                     "between replicates.")
            if summary["failed_points"]:
                what += (f" Here {len(summary['failed_points'])} points failed, so the grid is not full and the "
                         "shares are approximate.")
        else:
            chance = max(v.get("chance", 0.0) for indices in sens.values() for v in indices.values())
            what += (f" The points are grouped into quantile bins of each parameter; a parameter with no effect "
                     f"scores about {chance:.2f} by chance alone, and the shares need not add up to 1 or less.")
    conf = f"{key}_conf"
    if method in ("sobol", "morris"):
        what += (" After the ±: half the width of SALib's 95% bootstrap interval; an index within it of 0 may be "
                 "noise (more samples narrow it).")

    def cell(entry: dict[str, float]) -> str:
        if method == "morris":  # in the outcome's units, often thousandths
            return f"{entry[key]:.3g} ± {entry[conf]:.2g}"
        return f"{entry[key]:.2f} ± {entry[conf]:.2f}" if conf in entry else f"{entry[key]:.2f}"

    rows = [[name_of(summary, n), *(cell(indices[n]) for indices in sens.values())] for n in names]
    blocks: list[Block] = [
        Para(what),
        Table(["parameter", *(o.replace("_", " ") for o in sens)], rows, widths=[3.4, *([1.0] * len(sens))]),
    ]
    if chart:
        blocks.append(Figure("sensitivity.png", "Which assumption drives the region-wide outcomes."))
    blocks.append(Para("summary.json has the same for every actor's posture and alignment toward the parties.",
                       small=True))
    return Section("Which assumption matters", blocks)


def command(summary: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The command that runs this sweep again: the same design, points, replicates and seed."""
    design = summary["design"]
    file = Path(manifest["scenario_file"])
    shipped = Path(str(resources.files("sim") / "scenarios")).resolve()
    # a shipped scenario runs by name anywhere; its path inside this installation would not
    scenario = file.stem if file.resolve().is_relative_to(shipped) else str(file)
    words = ["uv", "run", "run_sim.py", "sweep", scenario]
    for override in manifest.get("overrides") or []:
        words += ["--set", override]
    if design != "grid":
        words += ["--design", design, "--samples", str(manifest["samples"])]
    for k, (n, (lo, hi)) in enumerate(zip(summary["parameters"], manifest["problem"]["bounds"], strict=True)):
        if design != "grid":
            words += ["--param", f"{n}={lo!r}:{hi!r}"]
            continue
        values = _values(manifest, k)
        even = len(values) > 1 and np.array_equal(np.linspace(values[0], values[-1], len(values)), values)
        spec = f"{values[0]!r}:{values[-1]!r}:{len(values)}" if even else ",".join(repr(v) for v in values)
        words += ["--param", f"{n}={spec}"]
    words += ["-r", str(manifest["replications"]), "--seed", str(manifest["seed"])]
    return shlex.join(words)


def _reproduce(summary: dict[str, Any], manifest: dict[str, Any]) -> list[Block]:
    return [
        Para(f"`{command(summary, manifest)}`"),
        Table(["what", "value"], [["scenario", f"{summary['scenario']} ({manifest['scenario_file']})"],
                                  ["scenario hash", f"`{summary['scenario_hash']}`"], ["seed", str(manifest["seed"])],
                                  ["design", summary["design"]], ["points", str(summary["points"])],
                                  ["replicates", str(summary["replications"])],
                                  ["geosim version", summary["version"]]], widths=[1, 4]),
        Para("The same scenario (same hash), design, seed and version give the same numbers on any machine; "
             "add `--out FOLDER --resume` to finish an interrupted sweep.", small=True),
    ]


def write_all(summary: dict[str, Any], manifest: dict[str, Any], folder: Path, charts: list[str] | None = None,
              paper: str = "a4") -> list[Path]:
    """report.md, report.html and report.pdf in the sweep's folder, each whole or not at all."""
    return formats.write(build(summary, manifest, folder, charts), folder, paper)


def rewrite(folder: Path, paper: str = "a4") -> list[Path]:
    """The reports of a finished sweep again, from its summary.json and manifest.json (after an upgrade of geosim's
    reports, or for Letter paper); its charts are drawn again too, if it had them."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise StoreError(f"{folder}: no {Path(err.filename).name}; has the sweep finished?") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise StoreError(f"{folder}: a summary.json or manifest.json that is not valid JSON ({err})") from None
    missing = [f"{name}: {key}" for name, data, keys in (("summary.json", summary, SUMMARY_KEYS),
                                                       ("manifest.json", manifest, MANIFEST_KEYS))
               for key in keys if not isinstance(data, dict) or key not in data]
    if missing:
        raise StoreError(f"{folder}: not a finished sweep's files; missing {', '.join(missing)}") from None
    written: list[Path] = []
    table = folder / "sweep_summary.parquet"
    if table.is_file() and any(folder.glob("flips_*.png")):  # not for a sweep run with --no-charts
        import pandas as pd

        from sim.sweep.charts import write_all as draw

        written = draw(pd.read_parquet(table), summary, folder)
    return [*written, *write_all(summary, manifest, folder, paper=paper)]
