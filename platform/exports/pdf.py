"""The bundle's PDF: the HTML the Jinja templates make (a few tags: headings, paragraphs,
bold and italic, lists, tables) laid out as a PDF by ReportLab (pip-installable, no system
libraries). fpdf2 was measured first: its HTML line-breaking measures a line again for each
letter added, 13 s for a case of a thousand notes where ReportLab took 5 (bench/bundle.py,
on the same loaded machine). ReportLab makes no tagged PDF; the document carries its title,
author and language, and headings as headings."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import PropertySet, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

_STYLES = getSampleStyleSheet()
_BLOCKS: dict[str, PropertySet] = {
    "h1": _STYLES["Heading1"],
    "h2": _STYLES["Heading2"],
    "h3": _STYLES["Heading3"],
    "h4": _STYLES["Heading4"],
    "p": _STYLES["BodyText"],
    "li": _STYLES["BodyText"],
    "td": _STYLES["BodyText"],
    "th": _STYLES["BodyText"],
}
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}
_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
WIDTH = A4[0] - 30 * mm


class _Flow(HTMLParser):
    """The templates' HTML as ReportLab flowables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.flowables: list[Flowable] = []
        self.block: str | None = None
        self.text: list[str] = []
        self.rows: list[list[Paragraph]] | None = None
        self.widths: list[float] = []
        self.items: list[Paragraph] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.block, self.text = tag, []
            if tag in ("td", "th") and self.rows is not None and len(self.rows) == 1:
                width = dict(attrs).get("width") or ""
                if width.endswith("%") and width[:-1].isdigit():
                    self.widths.append(WIDTH * int(width[:-1]) / 100)
        elif tag in _INLINE and self.block:
            self.text.append(f"<{_INLINE[tag]}>")
        elif tag == "br" and self.block:
            self.text.append("<br/>")
        elif tag == "table":
            self.rows, self.widths = [], []
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag == "ul":
            self.items = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS and self.block == tag:
            markup = " ".join("".join(self.text).split())
            paragraph = Paragraph(markup, _BLOCKS[tag])
            if tag in ("td", "th") and self.rows:
                self.rows[-1].append(paragraph)
            elif tag == "li" and self.items is not None:
                self.items.append(paragraph)
            else:
                self.flowables.append(paragraph)
            self.block = None
        elif tag in _INLINE and self.block:
            self.text.append(f"</{_INLINE[tag]}>")
        elif tag == "table" and self.rows is not None:
            rows = [r for r in self.rows if r]
            if rows:
                fits = len(self.widths) == len(rows[0]) and sum(self.widths) <= WIDTH + 1
                widths = self.widths if fits else [WIDTH / len(rows[0])] * len(rows[0])
                self.flowables.append(Table(rows, colWidths=widths, style=_GRID, repeatRows=0))
            self.rows = None
        elif tag == "ul" and self.items is not None:
            self.flowables.append(ListFlowable(self.items, bulletType="bullet", start="-"))
            self.items = None

    def handle_data(self, data: str) -> None:
        if self.block:
            self.text.append(escape(data))


def flowables(html: str) -> list[Flowable]:
    """The flowables of one piece of the templates' HTML."""
    parser = _Flow()
    parser.feed(html)
    parser.close()
    return parser.flowables


def render(story: list[Flowable], *, title: str, footer: str) -> bytes:
    """Lay ``story`` out on A4 pages, each with ``footer`` and its number."""

    def page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{footer} - page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Confide",
        creator="Confide",
        lang="en-GB",
    )
    document.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
