"""report.pdf: the report as a printable handout, drawn with fpdf2.

fpdf2 is pure Python (a wheel, no system libraries, no browser, no LaTeX), so the PDF comes out the same on a
seminar laptop and in CI, and it is fast enough to write on every run. The text is set in DejaVu Sans, the font
matplotlib ships, so the report and its charts match and every character (a minus, an arrow) has a glyph.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from PIL import Image

from sim.outputs.document import Bullets, Document, Figure, Para, Table, spans

PAPER = {"a4": "A4", "letter": "Letter"}
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
              "BI": "DejaVuSans-BoldOblique.ttf"}
BODY, SMALL, TABLE = 10.0, 8.5, 8.0  # font sizes, pt
LINE = 1.45  # line height as a multiple of the font size
MUTED = (95, 99, 104)
MARKERS = ("\\", "**", "__", "~~", "--")
Ready = Callable[[str], None]  # fpdf2's markdown: every marker in plain text is escaped


def _marked(text: str) -> str:
    """Our inline markup as fpdf2's markdown (** bold, __ italic); code is set as plain text."""
    out = []
    for style, piece in spans(text):
        for m in MARKERS:
            piece = piece.replace(m, "\\" + m)
        out.append(f"**{piece}**" if style == "b" else f"__{piece}__" if style == "i" else piece)
    return "".join(out)


class Handout(FPDF):
    def __init__(self, title: str, paper: str) -> None:
        super().__init__(format=PAPER[paper])
        self.set_margins(16, 15, 16)
        self.set_auto_page_break(True, margin=15)
        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(fonts / name))
        self.running_title = title
        self.ready: Ready = lambda name: None
        self.set_title(title)
        self.set_creator("geosim")

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.running_title}  ·  page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)

    def room(self) -> float:
        """Height left on this page, mm."""
        return self.h - self.b_margin - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one (no heading or bullet left alone)."""
        if self.room() < height:
            self.add_page()

    def text_block(self, text: str, size: float = BODY, colour: tuple[int, int, int] = (0, 0, 0),
                   indent: float = 0.0) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*colour)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, size * LINE * 0.3528, _marked(text), markdown=True, align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)


def render(doc: Document, folder: Path, path: Path, paper: str = "a4", ready: Ready | None = None) -> int:
    """Write the handout to `path`, its figures read from `folder`; returns its number of pages. The first
    section follows the title; every other one starts a page. `ready(name)` is called before a figure is read:
    it waits until that chart is drawn, so the text can be set while the charts are still drawing."""
    pdf = Handout(doc.title, paper)
    pdf.ready = ready or (lambda name: None)
    pdf.add_page()
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 8, doc.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for block in doc.intro:
        _block(pdf, block, folder)
    for k, section in enumerate(doc.sections):
        if k and (section.new_page or pdf.room() < 0.3 * pdf.eph):
            pdf.add_page()
        else:
            pdf.ln(4)
        pdf.keep(40)
        pdf.start_section(section.title)
        pdf.set_font(FONT, "B", 13.5)
        pdf.multi_cell(0, 7, section.title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        for block in section.blocks:
            _block(pdf, block, folder)
    pdf.output(str(path))
    return pdf.page_no()


def _block(pdf: Handout, block: object, folder: Path) -> None:
    if isinstance(block, Para):
        pdf.text_block(block.text, SMALL if block.small else BODY, MUTED if block.small else (0, 0, 0))
        pdf.ln(2)
    elif isinstance(block, Bullets):
        size = SMALL if block.small else BODY
        for k, item in enumerate(block.items):
            pdf.keep(2.2 * size * LINE * 0.3528)
            pdf.set_font(FONT, "", size)
            y = pdf.get_y()
            pdf.set_x(pdf.l_margin)
            pdf.cell(6, size * LINE * 0.3528, f"{k + 1}." if block.numbered else "•")
            pdf.set_y(y)
            pdf.text_block(item, size, indent=6)
            pdf.ln(0.8)
        pdf.ln(1.5)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Figure):
        _figure(pdf, block, folder)


def _table(pdf: Handout, t: Table) -> None:
    pdf.keep(35)  # a heading and a few rows, or the whole table on the next page
    pdf.set_font(FONT, "", TABLE)
    widths = t.widths or [1.0] * len(t.header)
    with pdf.table(col_widths=tuple(widths), markdown=True, text_align="LEFT", line_height=TABLE * 1.3 * 0.3528,
                   borders_layout="HORIZONTAL_LINES", padding=(0.8, 1.2),
                   headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 242)),
                   cell_fill_color=(250, 250, 251), cell_fill_mode="ROWS") as table:
        head = table.row()
        for h in t.header:
            head.cell(_marked(h))
        for cells in t.rows:
            row = table.row()
            for c in cells:
                row.cell(_marked(c))
    pdf.ln(2.5)


def _figure(pdf: Handout, fig: Figure, folder: Path) -> None:
    pdf.ready(fig.path)
    path = folder / fig.path
    if not path.is_file():
        return
    with Image.open(path) as im:  # reads the header only
        ratio = im.height / im.width
    room = pdf.room() - 10
    full = pdf.h - pdf.t_margin - pdf.b_margin - 12
    w = min(pdf.epw, full / ratio)
    if w * ratio > room:
        pdf.add_page()
    pdf.image(str(path), x=pdf.l_margin + (pdf.epw - w) / 2, w=w)
    pdf.ln(1)
    pdf.text_block(fig.caption, SMALL, MUTED)
    pdf.ln(3)
