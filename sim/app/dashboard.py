"""The classroom dashboard's page: Mesa's SolaraViz around the live model, with four views of it.

Mesa gives the step, play and reset buttons, the sliders (they take effect on Reset, as in every Mesa app) and the
grid of views. What Mesa's fixed parameter list cannot hold is here: the choice of scenario and of the actor whose
weights the sliders show, which rebuild the whole SolaraViz. The page only reads the model (sim.app.live) and
draws; `solara run sim.app.dashboard` serves it too, with GEOSIM_DASHBOARD_SCENARIO naming the first scenario.
"""

from __future__ import annotations

import html
import io
import os
from importlib import resources
from pathlib import Path
from typing import Any

import mesa.visualization.solara_viz
import networkx as nx
import numpy as np
import solara
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update

from sim.app.live import REPLICATES, WEIGHT, LiveModel, log_rationality
from sim.concepts.labels import COLOURS
from sim.measure.expect import share_text
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.schema import Scenario

SHIPPED = Path(str(resources.files("sim") / "scenarios"))
FIRST = Path(os.environ.get("GEOSIM_DASHBOARD_SCENARIO") or SHIPPED / "us_india_defense_framework_2025.yaml")
CHOSEN, OTHERS, EVENT = "#1d4e89", "#c4c4c4", "#c77d00"
ALIGNMENT = Normalize(-1.0, 1.0)  # edge colours: red hostile, blue allied
STYLE = """
.geosim-figure { width: 100%; max-height: 430px; object-fit: contain; }
.geosim-table { border-collapse: collapse; width: 100%; font-size: 15px; line-height: 1.4; }
.geosim-table th { text-align: left; padding: 4px 8px; border-bottom: 2px solid #999; }
.geosim-table td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; }
/* the sliders' values, always: the room cannot see a value that shows only while dragging */
.v-slider__thumb-label-container { display: block !important; }
.v-slider__thumb-label { transform: translateX(-50%) !important; border-radius: 4px !important; width: auto !important;
    min-width: 30px; height: 18px !important; padding: 0 3px; bottom: 16px !important; }
.v-slider__thumb-label > * { transform: none !important; }
.v-input__slider { padding-top: 16px; }
/* a single page of views needs no tab to choose it */
.solara-content-main .v-tabs { display: none; }
"""
# Mesa's grid gives every view a half-width cell 390 px high; these views need more, the tables the full width.
GRID = [{"i": 0, "x": 0, "y": 0, "w": 6, "h": 15}, {"i": 1, "x": 6, "y": 0, "w": 6, "h": 15},
        {"i": 2, "x": 0, "y": 15, "w": 12, "h": 16}, {"i": 3, "x": 0, "y": 31, "w": 12, "h": 14}]
_mesa_grid = mesa.visualization.solara_viz.make_initial_grid_layout


def grid(n: int) -> list[dict[str, Any]]:
    return [{**cell, "moved": False} for cell in GRID] if n == len(GRID) else _mesa_grid(n)


mesa.visualization.solara_viz.make_initial_grid_layout = grid


def scenario_files(first: Path) -> dict[str, str]:
    """Label -> path: the scenario the dashboard was started with, then those in ./scenarios (and its variants/)
    and the shipped ones, each once."""
    found = [first]
    for folder in (Path("scenarios"), SHIPPED):
        found += sorted(folder.glob("*.yaml")) + sorted((folder / "variants").glob("*.yaml"))
    out: dict[str, str] = {}
    seen: set[Path] = set()
    for path in found:
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        if real.is_relative_to(Path.cwd()):
            label = str(real.relative_to(Path.cwd()))
        elif real.is_relative_to(SHIPPED.resolve()):
            label = f"{real.relative_to(SHIPPED.resolve())} (shipped)"
        else:
            label = str(path)
        out[label.removesuffix(".yaml")] = str(path)
    return out


def _written(path: str) -> Scenario | str:
    try:
        return load_scenario(path)
    except ScenarioError as err:
        return str(err)


def default_actor(spec: Scenario) -> str:
    """The first actor that is not a party to an event: the first one that reacts."""
    parties = {p for e in spec.events for p in e.parties}
    return next((code for code in spec.actors if code not in parties), next(iter(spec.actors)))


def model_params(spec: Scenario, path: str, actor: str, carry: dict[str, Any]) -> dict[str, Any]:
    """Mesa's model parameters: fixed ones (the scenario, the actor) and the sliders, at the scenario's values
    unless the previous model of this scenario had them elsewhere."""
    name = spec.actors[actor].name
    weights = spec.actors[actor].interests
    params: dict[str, Any] = {"path": path, "actor": actor}
    for k in spec.interests:
        params[WEIGHT + k] = {"type": "SliderFloat", "label": f"{name}: {k}", "value": weights.get(k, 0.0),
                              "min": 0.0, "max": 1.0, "step": 0.05}
    params["effects"] = {"type": "SliderFloat", "label": "Events' effects (x as written)",
                         "value": carry.get("effects", 1.0), "min": 0.0, "max": 3.0, "step": 0.1}
    params["log_rationality"] = {"type": "SliderFloat", "label": "Rationality (log10)",
                                 "value": carry.get("log_rationality") or log_rationality(spec), "min": 1.0,
                                 "max": 6.0, "step": 0.1}
    params["seed"] = {"type": "InputText", "label": "Seed", "value": str(carry.get("seed") or spec.run.seed)}
    return params


def note(text: str, size: int = 15) -> None:
    """A paragraph. Not solara.Markdown: it loads KaTeX, which solara-assets does not hold (a 404 offline)."""
    solara.HTML(tag="p", unsafe_innerHTML=text, style=f"font-size: {size}px; margin: 6px 0; line-height: 1.4;")


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def layout(model: LiveModel) -> dict[int, np.ndarray]:
    """Places for the actors that stay put while the model runs: allies near each other, from the alignments
    the scenario starts with."""
    a0 = model.params.alignment0[0]
    n = model.params.n
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            g.add_edge(i, j, weight=0.05 + max((a0[i, j] + a0[j, i]) / 2, 0.0) ** 2)
    return nx.spring_layout(g, weight="weight", k=1.6 / np.sqrt(n), seed=7, iterations=200)


def draw_network(model: LiveModel, pos: dict[int, np.ndarray]) -> Figure:
    codes, n = model.params.codes, model.params.n
    a = model.state.alignment[0]
    a = (a + a.T) / 2
    start = model.track.alignment[0]
    moved = a - (start + start.T) / 2
    fig = Figure(figsize=(5.2, 4.2), dpi=135)  # small in inches, so that the text is large on the page
    ax = fig.subplots()
    ax.set_axis_off()
    cmap = colormaps["RdBu"]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if abs(a[i, j]) >= 0.25 or abs(moved[i, j]) >= 0.02]
    for i, j in sorted(pairs, key=lambda p: abs(a[p])):
        (x0, y0), (x1, y1) = pos[i], pos[j]
        ax.plot([x0, x1], [y0, y1], color=cmap(ALIGNMENT(a[i, j])), lw=0.6 + 4.0 * abs(a[i, j]), zorder=1,
                solid_capstyle="round")
    most = [(i, j) for i, j in sorted(pairs, key=lambda p: -abs(moved[p]))[:3] if abs(moved[i, j]) >= 0.02]
    # in words above the network, not on its lines: allies sit close, and numbers there would hide their names
    ax.text(0.0, 1.01, "Moved most: " + (", ".join(f"{codes[i]}-{codes[j]} {moved[i, j]:+.2f}" for i, j in most)
                                         or "nothing yet"), transform=ax.transAxes, fontsize=10, va="bottom")
    share = model.params.mil_share[0]
    raised = model.state.posture[0] / model.params.posture0[0] - 1.0
    parties, chosen = set(model.parties), codes.index(model.actor)
    for i, code in enumerate(codes):
        x, y = pos[i]
        fill = "#f4a261" if raised[i] > 0.01 else "#a8c5da" if raised[i] < -0.01 else "white"
        edge, width = ("black", 3.0) if i == chosen else ("#b8860b", 3.0) if i in parties else ("#555555", 1.0)
        ax.scatter([x], [y], s=330 + 1800 * np.sqrt(share[i]), c=fill, edgecolors=edge, linewidths=width,
                   zorder=2)
        ax.text(x, y, code, fontsize=10, ha="center", va="center", weight="bold", zorder=4)
    ax.set_title(f"Month {model.steps} of {model.params.steps}", fontsize=14, loc="left", pad=20)
    ax.margins(0.07)
    return fig


def toward(model: LiveModel, track: list[np.ndarray]) -> np.ndarray:
    """(months, actors): each actor's mean alignment toward the events' parties (for a party, toward the others)."""
    a = np.stack(track)
    parties = model.parties or list(range(model.params.n))
    out = np.empty(a.shape[:2])
    for i in range(a.shape[1]):
        others = [p for p in parties if p != i] or [p for p in range(a.shape[1]) if p != i]
        out[:, i] = a[:, i, others].mean(axis=1)
    return out


def draw_timeline(model: LiveModel) -> Figure:
    chosen = model.params.codes.index(model.actor)
    codes = [model.params.codes[p] for p in model.parties]
    target = " and ".join(codes[:3]) + (" ..." if len(codes) > 3 else "") if codes else "the others"
    fig = Figure(figsize=(5.2, 4.2), dpi=135)
    top, bottom = fig.subplots(2, 1, sharex=True)
    months = np.arange(len(model.track.alignment))
    # changes since month 0, not levels: the network shows the levels, and a move of 0.05 is lost on a scale of 1
    series = [(top, toward(model, model.track.alignment), toward(model, model.twin_track.alignment),
               f"Alignment toward {target}: change"),
              (bottom, np.stack(model.track.posture), np.stack(model.twin_track.posture), "Military posture: change")]
    for ax, with_events, without, title in series:
        with_events, without = with_events - with_events[0], without - with_events[0]
        ax.axhline(0.0, color="#888888", lw=0.8, zorder=0)
        for i in range(model.params.n):
            if i != chosen:
                ax.plot(months, with_events[:, i], color=OTHERS, lw=0.9)
        ax.plot(months, without[:, chosen], color=CHOSEN, lw=2.0, ls=":")
        ax.plot(months, with_events[:, chosen], color=CHOSEN, lw=3.0)
        ax.set_title(title, fontsize=12.5, loc="left", pad=14)
        ax.tick_params(labelsize=10.5)
        ax.spines[["top", "right"]].set_visible(False)
        for e in model.params.events:
            ax.axvline(e.at, color=EVENT, lw=1.2, ls="--", zorder=0)
    for k, e in enumerate(model.params.events, 1):
        top.annotate(str(k), (e.at, 1.0), xycoords=("data", "axes fraction"), fontsize=11, color=EVENT,
                     ha="center", va="bottom", weight="bold")
    bottom.set_xlabel("month", fontsize=11)
    bottom.set_xlim(0, model.params.steps)
    fig.tight_layout()
    return fig


def NetworkView(model: LiveModel) -> None:
    pos = solara.use_memo(lambda: layout(model), [model.path])
    image = solara.use_memo(lambda: png(draw_network(model, pos)), [model, model.steps])
    with solara.Card("Alignment network"):
        solara.Image(image, classes=["geosim-figure"])
        note("Lines: <b style='color:#2166ac'>allied</b>, <b style='color:#b2182b'>hostile</b>, thicker is "
             "stronger. Rings: <b>the chosen actor</b>, "
             "<b style='color:#b8860b'>the events' parties</b>. Fill: posture "
             "<b style='color:#e07b39'>raised</b> or <b style='color:#5b8db8'>lowered</b>.", 14)


def TimelineView(model: LiveModel) -> None:
    image = solara.use_memo(lambda: png(draw_timeline(model)), [model, model.steps])
    name = html.escape(model.names[model.actor])
    events = "; ".join(f"<b>{k}</b> {html.escape(e.name.replace('_', ' '))} (month {e.at})"
                       for k, e in enumerate(model.params.events, 1))
    with solara.Card("Alignment and posture over time"):
        solara.Image(image, classes=["geosim-figure"])
        note(f"<b style='color:{CHOSEN}'>Solid: {name}</b>; dotted: {name} in the same run without the events "
             f"(the reaction is the gap); grey: the others. Events: {events or 'none'}.", 14)


def ReactionsView(model: LiveModel) -> None:
    def measure() -> None:
        model.measure()
        force_update()

    with solara.Card("Reactions: the paired measurement"):
        solara.Button(f"Run {REPLICATES} replicates", color="primary", on_click=measure, icon_name="mdi-play-circle")
        m = model.measured
        if m is None:
            note(f"One run is an anecdote. The button runs {REPLICATES} replicates of the settings the model runs "
                 "now, each beside its twin without the events, and names each actor's reaction (what it says and "
                 "what it does), with the reason.")
            return
        bold = " style='font-weight: bold'"
        rows = "".join(
            f"<tr title='{html.escape(r.explanation)}'{bold if r.code == model.actor else ''}>"
            f"<td>{html.escape(r.name)}</td><td><span style='background: {COLOURS.get(r.label, '#ddd')}; "
            f"padding: 1px 8px; border-radius: 9px'>{r.label}</span> {r.share:.0%}</td>"
            f"<td>{r.words}, {r.deeds}</td><td>{html.escape(r.reason)}</td></tr>" for r in m.rows)
        solara.HTML(tag="table", classes=["geosim-table"], unsafe_innerHTML=(
            f"<tr><th>State</th><th>Reaction (share of {m.replications} runs)</th><th>Says, does</th>"
            f"<th>Why: its stance (hover a row for the whole explanation)</th></tr>{rows}"))


def ExpectationsView(model: LiveModel) -> None:
    m = model.measured
    with solara.Card("Expectations: what the sources say, checked"):
        if not model.spec.expectations:
            note("This scenario states no expectations to check.")
            return
        if m is None:
            note(f"Not measured yet: press <b>Run {REPLICATES} replicates</b> above.")
            cells = [(x.expect, x.source, "", "", "#f2f2f2") for x in model.spec.expectations]
        else:
            held = sum(v.passed for v in m.verdicts)
            note(f"<b>{held} of {len(m.verdicts)} hold</b> in {m.replications} replicates (green: holds in 80% of "
                 "them or more; red: does not).")
            cells = [(v.expect, v.source, v.observed, share_text(v.share, v.share_of),
                      "#cdeccf" if v.passed else "#f8c9c4") for v in m.verdicts]
        rows = "".join(f"<tr style='background: {bg}'><td>{html.escape(e)}</td><td>{html.escape(o)}</td>"
                       f"<td>{s}</td><td>{html.escape(src)}</td></tr>" for e, src, o, s, bg in cells)
        solara.HTML(tag="table", classes=["geosim-table"], unsafe_innerHTML=(
            f"<tr><th>Expected</th><th>Observed</th><th>Share</th><th>Source</th></tr>{rows}"))


COMPONENTS = [(NetworkView, 0), (TimelineView, 0), (ReactionsView, 0), (ExpectationsView, 0)]


@solara.component
def Dashboard(path: str, actor: str, carry: dict[str, Any]) -> None:
    """One scenario and actor: a SolaraViz of its own, rebuilt (by its key) when either changes."""
    first = solara.use_memo(lambda: LiveModel(path, actor, **carry), [])
    model = solara.use_reactive(first)
    live = model.value
    carry.clear()
    carry.update({k: v for k, v in live.settings.items() if v is not None})  # the next actor starts from these
    params = solara.use_memo(lambda: model_params(live.written, path, actor, carry), [])
    with solara.Column(style="padding: 0 12px;"):  # always there: a message must not shift SolaraViz, which remounts
        if live.problem:
            solara.Error("These settings are refused, so the scenario runs as written. Move the slider back and "
                         "press Reset.\n" + "\n".join(live.problem), style_="white-space: pre-wrap; font-size: 16px;")
        elif live.changes:
            solara.Info("Changed from the file: " + "; ".join(live.changes), dense=True, style_="font-size: 15px;")
    SolaraViz(model, components=COMPONENTS, model_params=params, name=live.spec.title).key("viz")


@solara.component
def Page() -> None:
    files = solara.use_memo(lambda: scenario_files(FIRST), [])
    path, set_path = solara.use_state(str(FIRST))
    chosen, set_chosen = solara.use_state("")
    carried = solara.use_memo(dict, [])  # per scenario: the settings of its last model
    written = solara.use_memo(lambda: _written(path), [path])
    label = next(k for k, v in files.items() if v == path)
    solara.Style(STYLE)
    with solara.Sidebar(), solara.Card("Scenario"):
        solara.Select("Scenario", values=list(files), value=label, on_value=lambda k: set_path(files[k]))
        if isinstance(written, str):
            solara.Error(written, style_="white-space: pre-wrap;")
            return
        actor = chosen if chosen in written.actors else default_actor(written)
        names = {f"{a.name} ({code})": code for code, a in written.actors.items()}
        solara.Select("Actor whose weights the sliders set", values=list(names),
                      value=next(k for k, v in names.items() if v == actor), on_value=lambda k: set_chosen(names[k]))
        note("Move the sliders (under <b>Model Parameters</b>), then press <b>Reset</b>; <b>Step</b> and "
             "<b>&#9654;</b> run the months.", 14)
    Dashboard(path, actor, carried.setdefault(path, {})).key(f"{path}|{actor}")
