"""Variants of a scenario side by side: which actors react differently, how, and which interests moved.

Every variant runs with the same seed and replicates, so the runs differ only by what the variants change: a
label that differs is the variant's doing, not chance's. A reaction is more than its label, so an actor's reaction
differs when its label does (kind "label") or, the label kept, when it changed in size (kind "size"): its stance
on the events (what its words follow), its alignment toward the parties or its posture moved by more than the line
the reactions use for that quantity and by more than a quarter of the reaction, or its label's share or the sign
of its stance moved. The result is plain data (`Comparison.as_json`); the command line prints it and
`sim.outputs.compare_chart` draws it.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.measure import experiment
from sim.measure.experiment import Result
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario

SHARE_MOVE = 0.2  # a label that stays but gains or loses this share of the replicates is still worth a line
RELATIVE = 0.25  # past noise, a change smaller than this part of the larger reaction is a nuance, not a change
QUANTITIES = ("stance", "toward_parties", "posture")  # the sizes of a reaction, as its words and deeds read them
# reactions.thresholds; stance: "criticises" or "supports"
THRESHOLD = {"toward_parties": "parties", "posture": "posture"}
WHY = 2  # interests named as the reason for a change
MOVED = 0.0005  # a change of valence the table would print as 0.000 is no reason
ABSENT = "absent"
VARIANT_FORM = '"NAME: PATH=VALUE[; PATH=VALUE ...]"'


@dataclass(frozen=True)
class Variant:
    name: str
    file: Path
    overrides: tuple[str, ...] = ()  # its own, beyond the options shared by every variant


@dataclass
class Comparison:
    variants: list[dict[str, Any]]
    actors: list[dict[str, Any]] = field(default_factory=list)  # every actor: label changes, size changes, rest

    @property
    def differences(self) -> list[dict[str, Any]]:
        """The actors whose reaction changed, those whose label changed first."""
        return [a for a in self.actors if a["kind"]]

    def as_json(self) -> dict[str, Any]:
        return {
            "variants": self.variants,
            "differences": self.differences,
            "unchanged": [a["actor"] for a in self.actors if not a["kind"]],
        }


def parse_variant(text: str, file: Path) -> Variant:
    """`--variant "NAME: PATH=VALUE; ..."` as a variant of `file`; a name is required, so that the table and the
    JSON can say which variant is which without repeating its overrides."""
    name, colon, rest = text.partition(":")
    overrides = tuple(item.strip() for item in rest.split(";") if item.strip())
    problem = ""
    if not colon or not name.strip() or "=" in name:
        problem = f"expected {VARIANT_FORM}, e.g. \"low security: actors.CODE.interests.security=0.1\""
    elif not overrides:
        problem = f"no PATH=VALUE after the colon; expected {VARIANT_FORM}"
    if problem:
        raise ScenarioError([Problem(str(file), 0, 0, (), f"--variant {text!r}: {problem}")])
    return Variant(name.strip(), file, overrides)


def plan(files: list[Path], variants: list[str]) -> list[Variant]:
    """Each file as a variant named by its stem, then each --variant of the first file; a name given twice gets
    -2, -3... so that no two columns of the table share a heading."""
    out = [Variant(f.stem, f) for f in files]
    out += [parse_variant(text, files[0]) for text in variants]
    seen: set[str] = set()
    for i, v in enumerate(out):
        name, k = v.name, 1
        while name in seen:
            k += 1
            name = f"{v.name}-{k}"
        seen.add(name)
        out[i] = dataclasses.replace(v, name=name)
    return out


def load(variants: list[Variant], shared: list[str]) -> list[Scenario]:
    """Every variant's scenario, all checked before anything runs, all on the first one's seed and replicates
    (a variant that sets its own keeps them: it asked)."""
    first = _load(variants[0], shared)
    same = [f"run.seed={first.run.seed}", f"run.replications={first.run.replications}"]
    return [first] + [_load(v, shared + same) for v in variants[1:]]


def _load(variant: Variant, shared: list[str]) -> Scenario:
    try:
        return load_scenario(variant.file, shared + list(variant.overrides))
    except ScenarioError as err:  # say --variant, as typed, where the loader says --set
        raise ScenarioError([_as_typed(p, variant) for p in err.problems]) from None


def _as_typed(problem: Problem, variant: Variant) -> Problem:
    file, message = problem.file, problem.message
    for item in variant.overrides:
        typed = f"--variant {variant.name!r}: {item}"
        file, message = file.replace(f"--set {item}", typed), message.replace(f"--set {item}", typed)
    return dataclasses.replace(problem, file=file, message=message)


def run(variants: list[Variant], shared: list[str],
        simulate: Callable[[Scenario], Result] | None = None) -> Comparison:
    """Load every variant (a bad one stops everything before the first run), run each, and compare."""
    scenarios = load(variants, shared)
    results = [(simulate or experiment.run)(s) for s in scenarios]
    return compare(variants, results)


def compare(variants: list[Variant], results: list[Result]) -> Comparison:
    names = [v.name for v in variants]
    per_variant = [_actors(r) for r in results]
    codes = list(dict.fromkeys(code for actors in per_variant for code in actors))
    entries = [_entry(code, names, per_variant) for code in codes]
    order = {"label": 0, "size": 1, None: 2}
    entries.sort(key=lambda e: order[e["kind"]])
    described = [{"name": v.name, "file": str(v.file), "overrides": list(v.overrides), "seed": r.seed,
                  "replications": r.replications} for v, r in zip(variants, results, strict=True)]
    return Comparison(described, entries)


def _actors(result: Result) -> dict[str, dict[str, Any]]:
    """What the comparison reads of each actor's reaction in one variant, as replicate means."""
    r, s = result.reactions, result.scenario
    out = {}
    for i, code in enumerate(result.params.codes):
        label = r.modal(i)
        out[code] = {
            "name": s.actors[code].name,
            "label": label,
            "shares": {k: round(v, 4) for k, v in r.share(i).items()},
            "stance": round(float(r.stance[:, i].mean()), 5),
            "toward_parties": round(float(r.toward_parties[:, i].mean()), 5),
            "posture": round(float(r.d_posture[:, i].mean()), 5),
            "by_interest": {k: round(float(v), 5) for k, v in zip(r.interests, r.valence[:, i].mean(axis=0),
                                                                      strict=True)},
            "thresholds": {k: float(r.thresholds[k][i]) for k in ("criticises", "supports", "parties", "posture")},
        }
    return out


def _entry(code: str, names: list[str], per_variant: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    here = {n: actors[code] for n, actors in zip(names, per_variant, strict=True) if code in actors}

    def each(key: str) -> dict[str, Any]:
        return {n: here[n][key] if n in here else None for n in names}

    labels = {n: here[n]["label"] if n in here else ABSENT for n in names}
    changed = _changed(labels, here)
    return {
        "actor": code,
        "name": next(iter(here.values()))["name"],
        "kind": "label" if "label" in changed else "size" if changed else None,
        "changed": changed,
        "labels": labels,
        "shares": each("shares"),
        "stance": each("stance"),
        "toward_parties": each("toward_parties"),
        "posture": each("posture"),
        "valence_by_interest": each("by_interest"),
        "why": _why(here),
    }


def _changed(labels: dict[str, str], here: dict[str, dict[str, Any]]) -> list[str]:
    """What changed in the reaction between some two variants: "label"; each of QUANTITIES whose change exceeds
    both the larger of the two variants' thresholds for it and RELATIVE of the larger magnitude; "share", its
    modal label's share moving by SHARE_MOVE; "stance sign", a sign flip of the stance (rounded as the table shows
    it, so a flip the reader cannot see is none). The thresholds are those the labels are judged by, so
    a change that chance alone could make is no change."""
    out = ["label"] if len(set(labels.values())) > 1 else []
    pairs = [(a, b) for i, a in enumerate(here.values()) for b in list(here.values())[i + 1:]]
    for q in QUANTITIES:
        if any(_beyond(q, a, b) for a, b in pairs):
            out.append(q)
    if "label" not in out:
        label = next(iter(labels.values()))
        shares = [a["shares"].get(label, 0.0) for a in here.values()]
        if max(shares) - min(shares) >= SHARE_MOVE - 1e-9:
            out.append("share")
    signs = {(v > 0) - (v < 0) for v in (round(a["stance"], 3) for a in here.values())}
    if {1, -1} <= signs:
        out.append("stance sign")
    return out


def _beyond(quantity: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether `quantity` differs between two variants by more than noise and by more than a nuance. For the
    stance the threshold is the line of criticism or of support, whichever side the larger of the two is on."""
    x, y = a[quantity], b[quantity]
    big = x if abs(x) >= abs(y) else y
    key = THRESHOLD.get(quantity) or ("criticises" if big < 0 else "supports")
    noise = max(a["thresholds"][key], b["thresholds"][key])
    return abs(x - y) > max(noise, RELATIVE * abs(big))


def _why(here: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The interests whose valence at impact moved most across the variants, with each variant's change from the
    first one the actor is in: the reason, in the model's terms, that its reaction moved."""
    if len(here) < 2:
        return []
    base = next(iter(here.values()))["by_interest"]
    spread = {k: max(a["by_interest"][k] for a in here.values()) - min(a["by_interest"][k] for a in here.values())
              for k in base}
    top = [k for k in sorted(spread, key=lambda k: -spread[k]) if spread[k] >= MOVED][:WHY]
    return [{"interest": k,
             "change": {n: round(a["by_interest"][k] - base[k], 5) for n, a in here.items()},
             "valence": {n: a["by_interest"][k] for n, a in here.items()}} for k in top]


WIDTH = 100  # columns: the text fits a terminal and a printed page


def table(comparison: Comparison) -> str:
    """The comparison as text for a terminal, in at most WIDTH columns: variants as letters (their names can be
    long); the actors whose label differs, with their numbers; those whose reaction kept its label but changed
    in size, saying in words which quantity changed and how; then the rest. One block per actor, wrapped."""
    variants, data = comparison.variants, comparison.as_json()
    letters = [chr(ord("A") + i) if i < 26 else f"V{i + 1}" for i in range(len(variants))]
    runs = {(v["seed"], v["replications"]) for v in variants}
    seed, reps = variants[0]["seed"], variants[0]["replications"]
    lines = [f"{len(variants)} variants, each {reps} replicates with seed {seed}:" if len(runs) == 1
             else f"{len(variants)} variants:"]
    for letter, v in zip(letters, variants, strict=True):
        extra = f" with {'; '.join(v['overrides'])}" if v["overrides"] else ""
        runs_of = f" ({v['replications']} replicates, seed {v['seed']})" if len(runs) > 1 else ""
        lines += _wrap(f"{letter}  {v['name']}: {v['file']}{extra}{runs_of}", "  ", "       ")
    total, differences = len(comparison.actors), data["differences"]
    by_label = [e for e in differences if e["kind"] == "label"]
    by_size = [e for e in differences if e["kind"] == "size"]
    if differences:
        lines += ["", f"Reactions that differ: {len(differences)} of {total} actors"]
    else:
        lines += ["", "No actor's reaction differs between the variants."]
    names = [v["name"] for v in variants]
    if by_label:
        lines += ["", f"Label changes ({len(by_label)}), {' -> '.join(letters)}:"]
        for e in by_label:
            said = " -> ".join(_label(e, n) for n in names)
            lines += _wrap(f"{_actor(e)}: {said}", "  ", "    ")
            lines += _pack([f"stance {_numbers(e['stance'])}", f"toward the parties {_numbers(e['toward_parties'])}",
                            f"posture {_numbers(e['posture'])}"], "    ")
            lines += _pack(["why, the interests that moved at impact:", *_why_words(e, variants, letters)], "    ",
                           "      ", sep=" ")
    if by_size:
        lines += ["", *_wrap(f"Same label, changed in size ({len(by_size)}): a quantity moved past its noise "
                             f"threshold and {RELATIVE:.0%} of the reaction, the label's share by "
                             f"{SHARE_MOVE:.0%}, or the stance changed sign", "", "  ")]
        for e in by_size:
            label, *parts = _how(e, variants)
            lines += _pack([f"{_actor(e)}: {label}", *parts], "  ", "    ")
            lines += _pack(["why, the interests that moved at impact:", *_why_words(e, variants, letters)], "    ",
                           "      ", sep=" ")
    if data["unchanged"]:
        lines += ["", *_wrap(f"Reaction unchanged ({len(data['unchanged'])}): {', '.join(data['unchanged'])}",
                             "", "  ")]
    return "\n".join(lines)


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False)


def _pack(items: list[str], first: str, rest: str | None = None, sep: str = "; ") -> list[str]:
    """Items joined by `sep` on as few lines as fit, none broken inside (a chain of numbers reads whole)."""
    lines = [first + items[0]]
    for item in items[1:]:
        if len(lines[-1]) + len(sep) + len(item) <= WIDTH:
            lines[-1] += sep + item
        else:
            lines[-1] += sep.rstrip()
            lines.append((rest if rest is not None else first) + item)
    return lines


def _label(e: dict[str, Any], n: str) -> str:
    got = e["labels"][n]
    return got if got == ABSENT else f"{got} {e['shares'][n][got]:.0%}"


def _actor(e: dict[str, Any]) -> str:
    return f"{e['name']} ({e['actor']})"


def _numbers(values: dict[str, float | None]) -> str:
    return " -> ".join("absent" if v is None else f"{v:+.3f}" for v in values.values())


def _how(e: dict[str, Any], variants: list[dict[str, Any]]) -> list[str]:
    """A size change in words: the label kept, then each quantity that changed, e.g. ["counterbalances in both",
    "criticism -3.1 -> -1.4", "posture +0.032 -> +0.017"]."""
    names = [v["name"] for v in variants]
    here = [n for n in names if e["labels"][n] != ABSENT]
    label, changed = e["labels"][here[0]], e["changed"]
    out = f"{label} in {'both' if len(names) == 2 else 'all'}"
    if "share" in changed:
        out += f" ({' -> '.join(f'{e['shares'][n].get(label, 0.0):.0%}' for n in here)} of runs)"
    values = [e["stance"][n] for n in here]
    words = {"stance": "criticism" if max(values) <= 0 else "support" if min(values) >= 0 else "stance",
             "toward_parties": "toward the parties", "posture": "posture"}
    parts = [f"{words[q]} {_numbers(e[q])}" + (" (changes sign)" if q == "stance" and "stance sign" in changed
                                                 else "")
             for q in QUANTITIES if q in changed or (q == "stance" and "stance sign" in changed)]
    return [out, *parts]


def _why_words(e: dict[str, Any], variants: list[dict[str, Any]], letters: list[str]) -> list[str]:
    """Each interest that moved at impact, with its change in each variant but the first ("security B +0.057 C
    +0.047"), comma-separated; or that none did."""
    names = [v["name"] for v in variants]
    base = next(n for n in names if e["labels"][n] != ABSENT)
    words = [w["interest"] + "".join(
        f" {'' if len(variants) == 2 else letter + ' '}{w['change'][n]:+.3f}"
        for letter, n in zip(letters, names, strict=True) if n in w["change"] and n != base)
        for w in e["why"]]
    return [f"{w}," for w in words[:-1]] + words[-1:] if words else ["no interest moved at impact"]
