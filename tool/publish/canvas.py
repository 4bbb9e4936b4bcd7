"""Drawing for the 图解: a page is laid out once as a list of operations (rectangles, lines,
text) with text measured in the real font, then drawn into a PDF with fpdf2 (the fonts embedded
as CID CFF subsets, so the PDF's text can be searched and copied), and rasterised from that PDF
with PDFium (pypdfium2): the PNG is the PDF, pixel for pixel.

Each text drawn is kept as a ``Drawn`` record (page, box, size, text): the tests read the 图解's
numbers back from it and from the PDF's text, and check that no two labels overlap.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from .fonts import poster_font

Color = tuple[int, int, int]
ASCENT = 0.88  # Noto/Source Han: the baseline sits this far down a line of ``size``


@dataclass(frozen=True)
class Drawn:
    page: int
    x: float
    y: float  # top of the line box
    w: float
    h: float
    size: float
    bold: bool
    text: str

    def overlaps(self, o: Drawn, slack: float = 0.5) -> bool:
        return (self.page == o.page and self.x + slack < o.x + o.w and o.x + slack < self.x + self.w
                and self.y + slack < o.y + o.h and o.y + slack < self.y + self.h)


@dataclass
class Page:
    width: float
    height: float = 0.0
    ops: list[tuple] = field(default_factory=list)
    texts: list[Drawn] = field(default_factory=list)


class Canvas:
    """Measures with the 图解 font; records what a page draws; renders pages to PDF."""

    def __init__(self) -> None:
        from fpdf import FPDF

        logging.getLogger("fpdf").setLevel(logging.ERROR)  # fpdf2 logs font subsetting details
        self.pdf = FPDF(unit="pt")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margin(0)
        for style, bold in (("", False), ("B", True)):
            f = poster_font(bold)
            self.pdf.add_font("hei", style, f.path, collection_font_number=f.index)
        self.pages: list[Page] = []
        self.page: Page | None = None

    # -- measuring ---------------------------------------------------------------------------
    def width(self, text: str, size: float, bold: bool = False) -> float:
        self.pdf.set_font("hei", "B" if bold else "", size)
        return float(self.pdf.get_string_width(text))

    def fit(self, text: str, max_w: float, size: float, bold: bool = False, least: float = 6.0) -> float:
        """The largest size ≤ ``size`` at which ``text`` fits ``max_w`` (not below ``least``)."""
        while size > least and self.width(text, size, bold) > max_w:
            size -= 0.5
        return size

    def clip(self, text: str, max_w: float, size: float, bold: bool = False) -> str:
        """``text`` shortened with … to fit ``max_w``."""
        if self.width(text, size, bold) <= max_w:
            return text
        while text and self.width(text + "…", size, bold) > max_w:
            text = text[:-1]
        return text + "…"

    def wrap(self, text: str, max_w: float, size: float, bold: bool = False) -> list[str]:
        lines, line = [], ""
        for ch in text:
            if line and self.width(line + ch, size, bold) > max_w:
                lines.append(line)
                line = ""
            line += ch
        return [*lines, line] if line else lines

    # -- recording ---------------------------------------------------------------------------
    def new_page(self, width: float) -> Page:
        self.page = Page(width)
        self.pages.append(self.page)
        return self.page

    def rect(self, x: float, y: float, w: float, h: float, fill: Color, radius: float = 0.0) -> None:
        assert self.page is not None
        if w > 0 and h > 0:
            self.page.ops.append(("rect", x, y, w, h, fill, radius))

    def line(self, x1: float, y1: float, x2: float, y2: float, color: Color, width: float = 0.6) -> None:
        assert self.page is not None
        self.page.ops.append(("line", x1, y1, x2, y2, color, width))

    def text(self, x: float, y: float, text: str, size: float, color: Color, *, bold: bool = False,
             align: str = "left") -> Drawn:
        """Text whose line box has its top at ``y``; ``align`` left/center/right about ``x``."""
        assert self.page is not None
        w = self.width(text, size, bold)
        left = x - w / 2 if align == "center" else x - w if align == "right" else x
        d = Drawn(len(self.pages) - 1, left, y, w, size * 1.05, size, bold, text)
        self.page.ops.append(("text", left, y + size * ASCENT, text, size, color, bold))
        self.page.texts.append(d)
        return d

    # -- output --------------------------------------------------------------------------------
    def render(self, title: str, author: str) -> bytes:
        """Every recorded page as one PDF (pages keep their own sizes)."""
        pdf = self.pdf
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("nianbao")
        pdf.set_lang("zh-CN")
        for p in self.pages:
            pdf.add_page(format=(p.width, p.height))
            for op in p.ops:
                kind = op[0]
                if kind == "rect":
                    _, x, y, w, h, fill, radius = op
                    pdf.set_fill_color(*fill)
                    if radius:
                        pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=radius)
                    else:
                        pdf.rect(x, y, w, h, style="F")
                elif kind == "line":
                    _, x1, y1, x2, y2, color, width = op
                    pdf.set_draw_color(*color)
                    pdf.set_line_width(width)
                    pdf.line(x1, y1, x2, y2)
                else:
                    _, x, y, text, size, color, bold = op
                    pdf.set_font("hei", "B" if bold else "", size)
                    pdf.set_text_color(*color)
                    pdf.text(x, y, text)
        return bytes(pdf.output())


def rasterise(pdf: bytes, page: int, width_px: int) -> bytes:
    """One page of a PDF as PNG bytes, ``width_px`` wide (PDFium, the engine Chromium uses)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        p = doc[page]
        scale = width_px / p.get_width()
        image = p.render(scale=scale, draw_annots=False).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        return buf.getvalue()
    finally:
        doc.close()


def first_page(pdf: bytes) -> bytes:
    """The PDF without its later pages (the A4 poster; the long image is page 2); title and
    language stay, as the document is the same one."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(doc) - 1, 0, -1):
            doc.del_page(i)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()
    finally:
        doc.close()


def pdf_text(pdf: bytes, page: int = 0) -> str:
    """The text of a PDF page as PDFium extracts it (what search and copy see)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        tp = doc[page].get_textpage()
        return str(tp.get_text_range())
    finally:
        doc.close()
