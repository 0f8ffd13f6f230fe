"""A finished round for the course page: every prediction as CSV, and one PDF page with the counts, the model, what
was observed and the scores. Anonymous by default: a student is 'student 7', or the nickname they chose."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.outputs import pdf
from sim.outputs.document import Document, Para, Table
from sim.outputs.files import atomic_write

if TYPE_CHECKING:
    from sim.app.seminar.server import Seminar

COLUMNS = ("student", "actor", "name", "words", "deeds", "reason", "at")


def inert(text: str) -> str:
    """A student's text as a spreadsheet shows it, never as a formula it runs: a leading = + - @ is quoted."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write(seminar: Seminar) -> list[Path]:
    """round.csv and round.pdf beside the round's SQLite file, each whole or not at all."""
    round_, case = seminar.round, seminar.case
    predictions = round_.predictions()
    csv_path, pdf_path = round_.path.with_suffix(".csv"), round_.path.with_suffix(".pdf")

    def rows(path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for p in predictions:
                who = p["nickname"] or f"student {p['number']}"
                w.writerow([inert(who), p["actor"], case.names[p["actor"]], p["words"], p["deeds"], inert(p["reason"]),
                            p["at"]])

    atomic_write(csv_path, rows)
    doc = page(case.title, case.event, seminar.reveal(), round_.counts()[1], case.is_history)
    atomic_write(pdf_path, lambda path: pdf.render(doc, path.parent, path))
    return [csv_path, pdf_path]


def page(title: str, event: str, summary: dict[str, Any], students: int, history: bool) -> Document:
    """The round on one page: a row per asked state and axis."""
    observed = "observed" if history else "source expected"
    rows = []
    for a in summary["actors"]:
        for axis in ("words", "deeds"):
            counts = a["class"][axis]
            model = a.get("model", {}).get(axis, {})
            seen = (a.get("observed") or {}).get(axis) or ""
            rows.append([f"{a['name']} ({a['code']})" if axis == "words" else "", axis,
                         ", ".join(f"{v} {n}" for v, n in counts.items() if n) or "none",
                         ", ".join(f"{v} {s:.0%}" for v, s in model.items() if s) or "not revealed",
                         seen])
    blocks: list[Any] = [
        Para(event),
        Para(f"{students} students sent their predictions. The class: how many chose each answer; the model: the "
             f"share of its runs; {observed}: what the record says."),
        Table(["state", "", "the class", "the model", observed], rows, widths=[1.6, 0.6, 2.4, 2.0, 1.2]),
    ]
    if sc := summary.get("scores"):
        cls = "-" if sc["class"] is None else f"{sc['class']}%"
        blocks.append(Para(f"**Right answers** on {sc['questions']} questions: the class {cls} on average (its "
                           f"majority {sc['class_majority']}), the model {sc['model']}, the rule that runs no model "
                           f"{sc['rule']}."))
    return Document(f"Seminar round: {title}", blocks, [])
