"""report.md for a sweep: what was varied, where reactions flip, which assumption matters. From summary.json."""

from __future__ import annotations

from typing import Any

from sim.sweep.store import chart_name, phase_name


def render(summary: dict[str, Any], manifest: dict[str, Any], charts: list[str]) -> str:
    """`charts` are the file names of the figures that exist; the report links only those."""
    names = summary["parameters"]
    bounds = dict(zip(names, manifest["problem"]["bounds"], strict=True))
    lines = [
        f"# Sweep of {summary['scenario']}",
        "",
        f"*{summary['design']} design, {summary['points']} points x {summary['replications']} replicates = "
        f"{summary['runs']} runs, seed {manifest['seed']}, scenario hash `{summary['scenario_hash']}`, "
        f"geosim {summary['version']}.*",
        "",
        "| parameter | from | to |",
        "|---|---|---|",
        *(f"| `{n}` | {bounds[n][0]:g} | {bounds[n][1]:g} |" for n in names),
        "",
        "## Where reactions flip",
        "",
    ]
    tips = summary["tipping_points"]
    if tips:
        lines += ["Each line: an actor's most frequent reaction changes as the parameter rises past a value (pooled "
                  "over the other parameters; the interval lies between the two neighbouring groups of points).", ""]
        lines += [f"- {t['text']}" for t in tips]
    else:
        lines.append("No actor's most frequent reaction changes over the ranges swept.")
    lines.append("")
    for n in names:
        if chart_name(n) in charts:
            lines += [f"![Where reactions flip along {n}]({chart_name(n)})", ""]
    maps = [m for m in summary.get("phase_maps", []) if phase_name(m["actor"], m["x"], m["y"]) in charts]
    if maps:
        lines += ["### Two assumptions at once", "",
                  "A tipping point found along one parameter may move with another. Each map shows an actor's most "
                  "frequent reaction over the parameter it flips along and the parameter that moves that flip most.",
                  ""]
        for m in maps:
            lines += [f"![{m['actor']} over {m['x']} and {m['y']}]({phase_name(m['actor'], m['x'], m['y'])})", ""]
    sens = {k: v for k, v in summary["sensitivity"].items() if "error" not in v and "." not in k}
    if sens:
        key = "ST" if summary["design"] == "sobol" else "mu_star"
        what = "total-order Sobol index" if key == "ST" else "Morris mu*"
        lines += ["## Which assumption matters", "", f"The {what} of each region-wide outcome, by parameter "
                  "(larger: more of the outcome's variation comes from that parameter, interactions included). "
                  "summary.json has the same for every actor's posture and alignment toward the parties.", "",
                  "| outcome | " + " | ".join(f"`{n}`" for n in names) + " |",
                  "|---|" + "---|" * len(names)]
        for outcome, indices in sens.items():
            lines.append(f"| {outcome} | " + " | ".join(f"{indices[n][key]:.2f}" for n in names) + " |")
        lines.append("")
        if "sensitivity.png" in charts:
            lines += ["![Which assumption drives the outcomes](sensitivity.png)", ""]
    if summary["failed_points"]:
        lines += ["## Points that failed", ""]
        lines += [f"- point {f['point']}: {f['error']}" for f in summary["failed_points"][:20]]
        lines.append("")
    lines += [
        "## Questions for discussion",
        "",
        "1. Pick one tipping point. What does the actor gain or lose on either side of it? (`run_sim.py explain` "
        "at a value on each side.)",
        "2. Which parameter matters most for regional tension? Is that an assumption you can defend with a source?",
        "3. Which actor never changes its reaction? What would it take?",
        "",
    ]
    return "\n".join(lines)
