"""Write the bench's episodes from their research notes, by rule.

    uv run history/write.py                  every note in history/research/ -> history/<name>.yaml
    uv run history/write.py NAME ...         only these
    uv run history/write.py --check          exit 1 if any episode differs from what its note gives

An episode is its research note (history/research/FORMAT.md) put through fixed rules, so that no episode can be
tuned to its answer: the world of the year before the event from the bundled data (`run_sim.py new`, nothing
edited), the weights from the weights book, one event whose effects the menu gives by its kind and size
(history/README.md, "The menu"), and one expectation per recorded words, deeds and other change, each with its URLs.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sim.concepts.labels import DEEDS, WORDS  # noqa: E402
from sim.data.compose import Request, Writer, compose  # noqa: E402
from sim.data.facts import Fact  # noqa: E402
from sim.scenario import ScenarioError, validate_dict  # noqa: E402

RESEARCH = HERE / "research"
WEIGHTS = HERE / "weights.yaml"
AT = 6  # the month the event strikes: six months of the world as it was first
ROLES = ("initiator", "target", "bystander")

# The menu: an event's effects by its kind and size. Each number is fixed here, for every episode alike;
# history/README.md gives the table and the observable criterion behind each size.
ALIGNMENT = {"alliance": 0.2, "partnership": 0.1, "arms": 0.05}
# (kind, size): (alignment between each initiator and the target, trade share each way, the target's capability)
HOSTILE = {
    ("coercion", "limited"): (-0.1, -0.02, 1.0),
    ("coercion", "broad"): (-0.2, -0.05, 1.0),
    ("force", "clash"): (-0.2, -0.02, 1.0),
    ("force", "war"): (-0.4, -0.05, 0.95),
    ("force", "major"): (-0.6, -0.1, 0.8),
}
ARMS_SHARE = 0.1
SHOW_OF_FORCE = 1.1
BROKEN_NORM = -0.5  # standing, for a nuclear test or for seizing or claiming another state's territory
# standing, for force the UN Security Council did not authorise (the Charter's ban on the use of force), by size
UNAUTHORISED_FORCE = {"clash": -0.1, "war": -0.25, "major": -0.5}
FIGURES = {"military_expenditure": "milex", "gdp": "gdp", "regime": "libdem"}


class NoteError(Exception):
    """A research note the writer cannot read: said with the file and what is wrong."""


@dataclass
class Row:
    actor: str
    role: str
    words: tuple[str, ...]
    words_source: str
    deeds: tuple[str, ...]
    deeds_source: str


@dataclass
class Note:
    path: Path
    meta: dict[str, Any]
    rows: list[Row]
    changes: list[tuple[str, str]]  # (statement, source)

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def initiators(self) -> list[str]:
        return list(self.meta["initiators"])

    @property
    def target(self) -> list[str]:
        return list(self.meta.get("target") or [])

    @property
    def actors(self) -> list[str]:
        return [*self.initiators, *self.target, *self.meta["bystanders"]]


def read_note(path: Path) -> Note:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not m:
        raise NoteError(f"{path}: no front matter (a YAML block between two '---' lines at the top)")
    meta = yaml.safe_load(m.group(1))
    for key in ("name", "title", "date", "year", "kind", "size", "initiators", "bystanders", "description", "source"):
        if key not in meta:
            raise NoteError(f"{path}: the front matter lacks `{key}`")
    if meta["name"] != path.stem:
        raise NoteError(f"{path}: name {meta['name']!r} is not the file's name {path.stem!r}")
    rows = [_row(path, cells) for cells in _table(text, "Reactions")]
    changes = [(cells[0].strip("` "), _urls(cells[2])) for cells in _table(text, "Other changes")]
    note = Note(path, meta, rows, changes)
    listed = [r.actor for r in rows]
    if sorted(listed) != sorted(note.actors) or len(set(listed)) != len(listed):
        raise NoteError(f"{path}: the reactions table lists {', '.join(listed)}; the front matter's initiators, "
                        f"target and bystanders are {', '.join(note.actors)}")
    for r in rows:
        expected = "initiator" if r.actor in note.initiators else "target" if r.actor in note.target else "bystander"
        if r.role != expected:
            raise NoteError(f"{path}: {r.actor} is a {expected} in the front matter, a {r.role} in the table")
    return note


def _table(text: str, heading: str) -> list[list[str]]:
    """The cells of the markdown table under `## heading`, header and rule rows left out."""
    m = re.search(rf"^## {heading}\s*$(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        return []
    rows = [line for line in m.group(1).splitlines() if line.startswith("|")]
    out = []
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        out.append(cells)
    return out


def _values(path: Path, actor: str, cell: str, allowed: tuple[str, ...], axis: str) -> tuple[str, ...]:
    cell = cell.strip("` ")
    if cell in ("-", "", "\u2013"):  # a hyphen or an en dash: no value recorded
        return ()
    values = tuple(v.strip() for v in cell.split(" or "))
    for v in values:
        if v not in allowed:
            raise NoteError(f"{path}: {actor}: {axis} {v!r} is not one of {', '.join(allowed)}")
    return values


def _urls(cell: str) -> str:
    """The URLs in a cell, in order, once each; a URL may hold ';' or ')', so only what ends it is cut."""
    urls = [u.rstrip(".,;)") if u.count("(") < u.count(")") or not u.endswith(")") else u
            for u in re.findall(r"https?://[^\s|]+", cell)]
    return " ; ".join(dict.fromkeys(u.rstrip(".,;") for u in urls))


def _row(path: Path, cells: list[str]) -> Row:
    if len(cells) != 8:
        raise NoteError(f"{path}: a reactions row has {len(cells)} cells, not 8: {' | '.join(cells)[:80]}")
    actor, role = cells[0].strip("` *"), cells[1].strip()
    if role not in ROLES:
        raise NoteError(f"{path}: {actor}: role {role!r} is not one of {', '.join(ROLES)}")
    words = _values(path, actor, cells[2], WORDS, "words")
    deeds = _values(path, actor, cells[5], DEEDS, "deeds")
    for axis, values, source in (("words", words, cells[4]), ("deeds", deeds, cells[7])):
        if values and not _urls(source):
            raise NoteError(f"{path}: {actor}: its {axis} have no URL")
    return Row(actor, role, words, _urls(cells[4]), deeds, _urls(cells[7]))


def effects(note: Note) -> list[str]:
    """The event's effects, by the menu."""
    kind, size, ini, tgt = note.meta["kind"], str(note.meta["size"]), note.initiators, note.target
    out: list[str] = []
    if kind in ("alliance", "partnership"):
        out += [f"alignment: {{between: [{a}, {b}], delta: {ALIGNMENT[kind]}}}"
                for i, a in enumerate(ini) for b in ini[i + 1:]]
    elif kind == "arms":
        buyer, seller = note.meta.get("buyer", ini[0]), note.meta.get("seller", ini[1])
        out += [f"arms_share: {{of: {buyer}, to: {seller}, delta: {ARMS_SHARE}}}",
                f"alignment: {{between: [{buyer}, {seller}], delta: {ALIGNMENT['arms']}}}"]
    elif (kind, size) in HOSTILE:
        if not tgt:
            raise NoteError(f"{note.path}: a {kind} event needs a target")
        align, trade, capability = HOSTILE[kind, size]
        for a in ini:
            for t in tgt:
                out += [f"alignment: {{between: [{a}, {t}], delta: {align}}}",
                        f"trade_share: {{of: {a}, to: {t}, delta: {trade}}}",
                        f"trade_share: {{of: {t}, to: {a}, delta: {trade}}}"]
        if capability != 1.0:
            out += [f"capability: {{actor: {t}, factor: {capability}}}" for t in tgt]
        # acting together is a partnership in the act: the menu's partnership row between co-initiators
        out += [f"alignment: {{between: [{a}, {b}], delta: {ALIGNMENT['partnership']}}}"
                for i, a in enumerate(ini) for b in ini[i + 1:]]
    elif kind in ("show_of_force", "norm"):
        out += [f"capability: {{actor: {a}, factor: {SHOW_OF_FORCE}}}" for a in ini]
    else:
        raise NoteError(f"{note.path}: kind {kind!r} and size {size!r} are not on the menu")
    standing = BROKEN_NORM if kind == "norm" or note.meta.get("territory_seized") else 0.0
    if kind == "force" and not note.meta.get("unsc_authorised"):
        standing += UNAUTHORISED_FORCE[size]
    if standing:
        out += [f"standing: {{actor: {a}, delta: {max(standing, -1.0):g}}}" for a in ini]
    return out


def expectations(note: Note) -> list[tuple[str, str]]:
    """One per recorded words and deeds, and each other change among the episode's actors (a change toward a state
    the episode does not hold is context, not something the model can show)."""
    out = []
    for r in note.rows:
        if r.words:
            out.append((f"{r.actor} words {' or '.join(r.words)}", r.words_source))
        if r.deeds:
            out.append((f"{r.actor} deeds {' or '.join(r.deeds)}", r.deeds_source))
    out += [(text, source) for text, source in note.changes
             if set(re.findall(r"\b[A-Z]{2,3}\b", text)) <= set(note.actors)]
    return out


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


class EpisodeWriter(Writer):
    """`run_sim.py new`'s writer, with the note's title, event and expectations in place of its placeholders."""

    def __init__(self, note: Note, *args: Any) -> None:
        self.note = note
        super().__init__(*args)

    def header(self) -> list[str]:
        n = self.note
        desc = " ".join(str(n.meta["description"]).split())
        about = (f"Written by `uv run history/write.py {n.name}` from history/research/{n.name}.md, by rule: the "
                 f"world of {n.meta['year']} from the public data bundled with geosim (as `run_sim.py new` writes it, "
                 "nothing edited), the weights from history/weights.yaml, the event's effects from the menu in "
                 "history/README.md, and one expectation per words, deeds and change the note records.")
        return [
            *(f"# {line}" for line in _wrap(about)),
            "",
            f"name: {n.name}",
            f"title: {_q(n.meta['title'])}",
            "description: >-",
            *(f"  {line}" for line in _wrap(desc)),
            "",
        ]

    def judgment(self) -> str:
        return (f"history/weights.yaml (interest weights) and history/research/{self.note.name}.md (event and "
                "expectations)")

    def events(self) -> list[str]:
        n = self.note
        size = "" if str(n.meta["size"]) in ("-", "None") else f", {n.meta['size']}"
        lines = [f"# The menu's {n.meta['kind']}{size}" + (", with territory seized or claimed"
                                                           if n.meta.get("territory_seized") else "") + ".",
                 "events:", f"  - name: {n.name.split('_', 1)[1]}", f"    at: {AT}", f"    date: {n.meta['date']}",
                 f"    description: {_q(' '.join(str(n.meta['title']).split()))}",
                 f"    parties: [{', '.join([*n.initiators, *n.target])}]"]
        if n.target:
            lines.append(f"    target: [{', '.join(n.target)}]")
        lines += ["    effects:", *(f"      - {e}" for e in effects(n)), f"    source: {_q(n.meta['source'])}", ""]
        return lines

    def expectations(self) -> list[str]:
        return ["expectations:", *(f"  - {{expect: {_q(e)}, source: {_q(s)}}}" for e, s in expectations(self.note))]


def _wrap(text: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, 110, break_long_words=False, break_on_hyphens=False)


def figures(note: Note) -> tuple[dict[str, dict[str, Fact]], dict[str, str]]:
    given: dict[str, dict[str, Fact]] = {}
    sources: dict[str, str] = {}
    for code, items in (note.meta.get("figures") or {}).items():
        for what, spec in items.items():
            if what not in FIGURES:
                raise NoteError(f"{note.path}: figures: {code}.{what}: expected one of {', '.join(FIGURES)}")
            key = f"estimate_{code.lower()}_{FIGURES[what]}"
            given.setdefault(code, {})[FIGURES[what]] = Fact(float(spec["value"]), int(spec["year"]),
                                                              "a published estimate; the data have none", key)
            sources[key] = f"{spec['source']} {spec.get('url', '')}".strip()
    return given, sources


def write(note: Note) -> str:
    given, cited = figures(note)
    req = Request(year=int(note.meta["year"]), actors=note.actors, parties=[*note.initiators, *note.target],
                  name=note.name, weights_from=WEIGHTS, figures=given, figure_sources=cited)
    composed = compose(req, writer=lambda *args: EpisodeWriter(note, *args))
    data = yaml.safe_load(composed.text)
    validate_dict(data, f"history/{note.name}.yaml")
    return composed.text


def notes(names: list[str]) -> list[Path]:
    paths = sorted(p for p in RESEARCH.glob("*.md") if p.name not in ("FORMAT.md",))
    if names:
        known = {p.stem: p for p in paths}
        missing = [n for n in names if n not in known]
        if missing:
            raise NoteError(f"no research note for {', '.join(missing)} in {RESEARCH}")
        return [known[n] for n in names]
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="episodes to write (default: every note)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if an episode differs from its note")
    args = ap.parse_args(argv)
    differ = 0
    try:
        for path in notes(args.names):
            note = read_note(path)
            text = write(note)
            out = HERE / f"{note.name}.yaml"
            if args.check:
                old = out.read_text(encoding="utf-8") if out.exists() else ""
                if old != text:
                    differ += 1
                    diff = difflib.unified_diff(old.splitlines(), text.splitlines(), str(out), "from the note",
                                                lineterm="", n=1)
                    print("\n".join(list(diff)[:20]), file=sys.stderr)
                continue
            out.write_text(text, encoding="utf-8")
            print(f"wrote {out.relative_to(HERE.parent)}: {len(note.actors)} actors, "
                  f"{len(expectations(note))} expectations")
    except (NoteError, ScenarioError) as err:
        print(err, file=sys.stderr)
        return 2
    if args.check:
        print("every episode is what its note gives" if not differ else f"{differ} episodes differ from their notes")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
