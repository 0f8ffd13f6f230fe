"""A report's three files from its one document: report.md, report.html and report.pdf, each whole or not at all.
Runs and sweeps both write theirs here."""

from __future__ import annotations

from pathlib import Path

from sim.outputs import document, html, pdf
from sim.outputs.document import Document, Ready
from sim.outputs.files import atomic_write

FILES = ("report.md", "report.html", "report.pdf")


def write(doc: Document, folder: Path, paper: str = "a4", ready: Ready | None = None) -> list[Path]:
    """`ready(name)`, when charts are still being drawn: called before each figure is read, it waits for that
    chart, so the text of the reports is set while the others draw."""
    atomic_write(folder / "report.md", lambda p: p.write_text(document.markdown(doc), encoding="utf-8"))
    atomic_write(folder / "report.pdf", lambda p: pdf.render(doc, folder, p, paper, ready))
    atomic_write(folder / "report.html", lambda p: p.write_text(html.render(doc, folder, ready), encoding="utf-8"))
    return [folder / name for name in FILES]
