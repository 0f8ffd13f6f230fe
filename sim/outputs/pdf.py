"""report.pdf: the report as a printable handout, typeset by Typst.

Typst comes as one wheel (the compiler inside; no browser, no LaTeX, no system library), so the PDF comes out the
same on a seminar laptop and in CI. It typesets a ten-page handout in about a tenth of a second and loads in
milliseconds: fpdf2, tried first, took a second of the run's four (0.6 s to import, 0.5 s to set the text). Its
tables repeat their heading on a new page and it keeps a heading with what follows. The text is set in DejaVu
Sans, the font matplotlib ships (and Typst is pointed at), so report and charts match and every character
(a minus, an arrow) has a glyph.

The source is generated, never written by hand: every piece of text enters Typst as a string literal, so
nothing in a scenario's text (an asterisk, a dollar, a hash) can be read as markup.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import typst
from PIL import Image

from sim.outputs.document import Block, Bullets, Document, Figure, Para, Ready, Table, spans

PAPER = {"a4": ("a4", 210.0, 297.0), "letter": ("us-letter", 215.9, 279.4)}  # Typst's name, width, height (mm)
MARGIN_X, MARGIN_Y = 16.0, 15.0  # mm
WHOLE_TABLE = 24  # a table of this many rows or fewer is kept on one page
TALLEST = 0.78  # a figure may take this share of the page's text height (the rest for its caption and heading)
BODY, SMALL, TABLE = 10.0, 8.5, 8.0  # font sizes, pt
MUTED = "rgb(95, 99, 104)"
# matplotlib's own fonts, found without importing matplotlib (a tenth of a second a run without charts does not need)
FONTS = Path(find_spec("matplotlib").origin or "").parent / "mpl-data" / "fonts" / "ttf"  # type: ignore[union-attr]

PREAMBLE = """\
#set document(title: {title}, author: "geosim")
#set page(paper: "{paper}", margin: (x: {mx}mm, y: {my}mm),
  footer: context align(center, text(size: 7.5pt, fill: {muted},
    {title} + "  ·  page " + counter(page).display("1/1", both: true))))
#set text(font: "DejaVu Sans", size: {body}pt, lang: "en", hyphenate: false)
#set par(leading: 0.55em, spacing: 0.9em)
#show heading.where(level: 1): set text(size: 17pt)
#show heading.where(level: 2): set text(size: 13.5pt)
#show heading: set block(above: 1.2em, below: 0.8em)
#show raw: set text(font: "DejaVu Sans Mono", size: 0.92em)
#set table(stroke: (x: none, y: 0.4pt + rgb(190, 190, 196)), inset: (x: 3pt, y: 2.5pt),
  fill: (_, y) => if y == 0 {{ rgb(238, 238, 242) }} else if calc.even(y) {{ rgb(250, 250, 251) }})
#show table: set text(size: {table}pt)
#show table.cell.where(y: 0): set text(hyphenate: true)
#show table.cell.where(y: 0): strong
"""


def quote(text: str) -> str:
    """A Typst string literal: JSON's escapes are Typst's (backslash, quote, newline, unicode)."""
    return json.dumps(text, ensure_ascii=False)


def inline(text: str) -> str:
    """Our inline markup as Typst code, each piece a string: markup characters in the text stay text."""
    wrap = {"": "{}", "b": "strong({})", "i": "emph({})", "code": "raw({})"}
    return "".join("#" + wrap[style].format(quote(piece)) + ";" for style, piece in spans(text)) or '#"";'


def render(doc: Document, folder: Path, path: Path, paper: str = "a4", ready: Ready | None = None) -> None:
    """Write the handout to `path`, its figures read from `folder`. The first section follows the title; every
    other one marked `new_page` starts a page. `ready(name)` is called before a figure is read: it waits until
    that chart is drawn, so a caller can set the text while the charts are still drawing."""
    name, width, height = PAPER[paper]
    text_width = width - 2 * MARGIN_X
    room = (height - 2 * MARGIN_Y - 12) * TALLEST
    lines = [PREAMBLE.format(title=quote(doc.title), paper=name, mx=MARGIN_X, my=MARGIN_Y, muted=MUTED, body=BODY,
                             table=TABLE), f"= {inline(doc.title)}", ""]
    for block in doc.intro:
        lines += _block(block, folder, text_width, room, ready)
    for k, section in enumerate(doc.sections):
        if (k or doc.intro_alone) and section.new_page:
            lines.append("#pagebreak(weak: true)")
        lines += [f"== {inline(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block, folder, text_width, room, ready)
    pdf = _compile("\n".join(lines), folder, timestamp=0)  # no clock in the file: the same report, the same bytes
    assert isinstance(pdf, bytes)
    path.write_bytes(pdf)


def warm(folder: Path, name: str) -> None:
    """Show typst the chart `name` once, as soon as it is drawn: typst keeps what it made of an image for the next
    compile, so the handout, set when the last chart is in, does not make it again."""
    _compile(f"#image({quote('/' + name)})", folder)


def _compile(source: str, folder: Path, **options: Any) -> Any:
    """typst, its files read from `folder`, setting only the fonts it is pointed at (the same file on any
    machine)."""
    return typst.compile(source.encode("utf-8"), root=str(folder.resolve()), font_paths=[str(FONTS)],
                         ignore_system_fonts=True, **options)


def _block(block: Block, folder: Path, text_width: float, room: float, ready: Ready | None) -> list[str]:
    if isinstance(block, Para):
        body = inline(block.text)
        return [f"#text(size: {SMALL}pt, fill: {MUTED})[{body}]" if block.small else body, ""]
    if isinstance(block, Bullets):
        mark = "+" if block.numbered else "-"
        items = [f"{mark} {inline(item)}" for item in block.items]
        return ([f"#text(size: {SMALL}pt, fill: {MUTED})[", *items, "]"] if block.small else items) + [""]
    if isinstance(block, Table):
        widths = block.widths or [1.0] * len(block.header)
        cells = ", ".join(f"[{inline(c)}]" for row in block.rows for c in row)
        head = ", ".join(f"[{inline(h)}]" for h in block.header)
        table = f"table(columns: ({', '.join(f'{w}fr' for w in widths)},), table.header({head}), {cells})"
        if len(block.rows) <= WHOLE_TABLE:  # on one page, not a heading and a row left at the foot of one
            return [f"#block(breakable: false, {table})", ""]
        return [f"#{table}", ""]
    return _figure(block, folder, text_width, room, ready)


def _figure(fig: Figure, folder: Path, text_width: float, room: float, ready: Ready | None) -> list[str]:
    """A chart as wide as the text, or narrower where that would make it taller than a page can hold; it moves
    to the next page whole, with its caption."""
    if ready:
        ready(fig.path)
    path = folder / fig.path
    if not path.is_file():
        return []
    with Image.open(path) as im:  # reads the header only
        ratio = im.height / im.width
    width = min(text_width, (room if fig.height is None else fig.height * room / TALLEST) / ratio)
    caption = f"#text(size: {SMALL}pt, fill: {MUTED})[{inline(fig.caption)}]"
    return [f"#block(breakable: false, width: 100%)[#align(center, image({quote('/' + fig.path)}, "
            f"width: {width:.1f}mm)) #v(2pt, weak: true) {caption}]", ""]
