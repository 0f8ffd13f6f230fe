"""report.html: one self-contained file (images embedded, no outside request) that reads on screen and prints on
A4 or Letter with each section on a new page. The look is the template's (templates/report.html.j2)."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from sim.outputs.document import Bullets, Document, Figure, Para, Ready, Table, spans

TAGS = {"b": "strong", "i": "em", "code": "code"}


def inline(text: str) -> Markup:
    out = []
    for style, piece in spans(text):
        out.append(f"<{TAGS[style]}>{escape(piece)}</{TAGS[style]}>" if style else str(escape(piece)))
    return Markup("".join(out))


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("sim.outputs", "templates"), autoescape=select_autoescape(["j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["inline"] = inline
    env.tests.update(para=lambda b: isinstance(b, Para), bullets=lambda b: isinstance(b, Bullets),
                     table=lambda b: isinstance(b, Table), figure=lambda b: isinstance(b, Figure))
    return env


def render(doc: Document, folder: Path, ready: Ready | None = None) -> str:
    """The page, its figures read from `folder` and embedded as data URIs; a figure not drawn is left out.
    `ready(name)`, if given, is called before a figure is read (it waits for a chart still being drawn)."""
    images = {}
    for fig in doc.figures():
        if ready:
            ready(fig.path)
        path = folder / fig.path
        if path.is_file():
            images[fig.path] = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return _environment().get_template("report.html.j2").render(doc=doc, images=images)
