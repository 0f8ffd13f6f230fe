"""A report as plain blocks (paragraphs, lists, tables, figures, in sections), written once and rendered three
ways: markdown, self-contained HTML (sim.outputs.html) and PDF (sim.outputs.pdf). Building the content once is
what keeps the numbers of the three files equal.

Inline markup inside any text is the small common part of markdown: **bold**, *italic* and `code`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Ready = Callable[[str], None]  # waits until the chart of that name is drawn (the renderers call it before reading one)
INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|`(.+?)`")


@dataclass(frozen=True)
class Para:
    text: str
    small: bool = False  # a note under a table or figure


@dataclass(frozen=True)
class Bullets:
    items: list[str]
    numbered: bool = False
    small: bool = False


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths, for print


@dataclass(frozen=True)
class Figure:
    path: str  # relative to the report's folder
    caption: str
    height: float | None = None  # at most this share of the page's text height, in print (else as wide as the text)


Block = Para | Bullets | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    new_page: bool = True  # in print; a short section may follow the one before when it fits


@dataclass
class Document:
    title: str
    intro: list[Block]  # under the title, before the first section
    sections: list[Section]
    intro_alone: bool = False  # the intro is page 1 of its own, in print: the sections begin on the next page

    def figures(self) -> list[Figure]:
        return [b for s in ([Section("", self.intro), *self.sections]) for b in s.blocks if isinstance(b, Figure)]


def spans(text: str) -> list[tuple[str, str]]:
    """Split inline markup into (style, text) pieces, style one of '', 'b', 'i', 'code'."""
    out: list[tuple[str, str]] = []
    at = 0
    for m in INLINE.finditer(text):
        if m.start() > at:
            out.append(("", text[at:m.start()]))
        bold, italic, code = m.groups()
        out.append(("b", bold) if bold is not None else ("i", italic) if italic is not None else ("code", code))
        at = m.end()
    if at < len(text):
        out.append(("", text[at:]))
    return out


def plain(text: str) -> str:
    """The text without its markup (for search, tests and places that cannot style)."""
    return "".join(t for _, t in spans(text))


def markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", ""]
    for block in doc.intro:
        lines += _md_block(block)
    for section in doc.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    return "\n".join(lines)


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [f"*{block.text}*" if block.small and "*" not in block.text else block.text, ""]
    if isinstance(block, Bullets):
        return [f"{k + 1}. {item}" if block.numbered else f"- {item}" for k, item in enumerate(block.items)] + [""]
    if isinstance(block, Table):
        def row(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
        return [row(block.header), "|" + "---|" * len(block.header), *(row(r) for r in block.rows), ""]
    return [f"![{block.caption}]({block.path})", ""]
