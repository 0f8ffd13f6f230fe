"""Where the hand-written seed scenario departs from what `run_sim.py new --year 2024` writes for the same actors.

    uv run data/compare_seed.py                       # markdown tables, as in docs/data.md
    uv run data/compare_seed.py --scenario seed.yaml  # the seed written from data, to `run_sim.py check`

Every quantity of the seed that `new` also writes is compared: capabilities, the alignment and proximity of each
pair the seed lists, arms-import and trade shares. A summary line per quantity (mean absolute difference, and the
largest), then the largest departures, which are where the seed's author judged differently from the data, or
where the data lag (trade shares are 2014's, treaties 2018's).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.data.compose import Request, compose  # noqa: E402

SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
YEAR = 2024


def rows() -> dict[str, list[tuple[str, float, float]]]:
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data = yaml.safe_load(compose(Request(YEAR, list(seed["actors"]))).text)
    out: dict[str, list[tuple[str, float, float]]] = {}
    for field, label in (("military_expenditure", "military expenditure (US$ bn)"), ("gdp", "GDP (US$ tn)"),
                         ("regime", "regime (V-Dem)"), ("technology", "technology")):
        out[label] = [(c, a[field]["value"], data["actors"][c][field]["value"]) for c, a in seed["actors"].items()]
    rel = {tuple(sorted(r["between"])): r for r in data["relations"]}
    for field in ("alignment", "proximity"):
        out[field] = [(f"{r['between'][0]}-{r['between'][1]}", r[field], rel[tuple(sorted(r["between"]))][field])
                      for r in seed["relations"]]
    for kind in ("arms_imports", "trade"):
        mine = {d["of"]: d["shares"] for d in data["dependencies"][kind]}
        out[f"{kind.replace('_', ' ')} shares"] = [
            (f"{d['of']} from {p}" if kind == "arms_imports" else f"{d['of']} with {p}", v,
             mine.get(d["of"], {}).get(p, 0.0))
            for d in seed["dependencies"][kind] for p, v in d["shares"].items()]
    return out


def from_data() -> str:
    """The seed as `new --year 2024` writes it, with the seed's judgment added: interest weights, groups, postures,
    events, expectations and settings. `run_sim.py check` on it asks whether the model still reproduces the seed's
    expectations from data-made numbers (docs/data.md)."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data = yaml.safe_load(compose(Request(YEAR, list(seed["actors"]), name=f"{seed['name']}_from_data")).text)
    for code, actor in data["actors"].items():
        mine = seed["actors"][code]
        actor["interests"] = mine["interests"]
        actor.update({k: mine[k] for k in ("groups", "posture") if k in mine})
    data.update({k: seed[k] for k in ("events", "expectations", "run", "model", "interests") if k in seed})
    data["sources"].update({k: v for k, v in seed["sources"].items() if k not in data["sources"]})
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def relative(label: str) -> bool:
    return label.startswith(("military", "GDP"))


def main() -> int:
    if sys.argv[1:2] == ["--scenario"] and len(sys.argv) == 3:
        Path(sys.argv[2]).write_text(from_data(), encoding="utf-8")
        print(f"written: {sys.argv[2]}")
        return 0
    if sys.argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    table = rows()
    print(f"| quantity | compared | mean abs. difference | largest departures (seed -> data, {YEAR}) |")
    print("|---|---|---|---|")
    for label, items in table.items():
        if relative(label):
            diffs = [(abs(d - s) / s if s else 0.0, k, s, d) for k, s, d in items]
            mean = f"{100 * sum(x for x, *_ in diffs) / len(diffs):.0f}%"
        else:
            diffs = [(abs(d - s), k, s, d) for k, s, d in items]
            mean = f"{sum(x for x, *_ in diffs) / len(diffs):.2f}"
        worst = sorted(diffs, reverse=True)[:4]
        shown = ", ".join(f"{k} {s:g} -> {d:g}" for _, k, s, d in worst)
        print(f"| {label} | {len(items)} | {mean} | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
