"""The default report template (.docx with docxtpl tags), generated from the format data.

One template per format version, committed as ``templates/<version>.docx``; a test regenerates it
and compares the XML. Layout follows GB/T 9704-2012 (公文格式): A4, margins 37/35/28/26 mm,
3号仿宋 body on a 28.9 pt line (22 lines), 2号小标宋 title, 黑体/楷体 headings, page numbers
"— 1 —" in 4号宋体 (odd pages right, even pages left). Fonts are set as ``w:eastAsia`` in the
styles, so an office restyling the template in Word/WPS changes styles, not runs.

Template variables (see report.py ``build_context``): ``title_lines``, ``preface`` and
``text.<section>`` (lists of paragraphs with ``.head``/``.body``), ``v.<field key>`` (formatted
values), ``org``, ``year``, ``sign_date``, ``info.<key>``, ``draft``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from .spec import Cell, Spec, Table, load

TEMPLATES = resources.files("tool") / "templates"

# -- GB/T 9704-2012 numbers (anchors.md, section d) ------------------------------------------
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_W_MM = PAGE_W_MM - MARGIN_MM["left"] - MARGIN_MM["right"]  # 156 mm 版心
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NO_PT = 14  # 4号
TABLE_PT = 10.5  # 五号
TABLE_SMALL_PT = 9  # 小五, for wide tables (三, 四)
WIDE_TABLE_COLS = 8
CELL_PAD_TWIPS = 57  # 1 mm
LINE_PT = 28.9  # 225 mm / 22 lines
HEADER_MM = 15
# the page number sits 7 mm below the 版心: its line (≈ 6 mm for 4号) ends ≈ 22 mm above the edge
FOOTER_MM = MARGIN_MM["bottom"] - 7 - 6

FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NO = "宋体"
FONT_LATIN = "Times New Roman"
DRAFT_MARK = "草稿（未通过校验）"


@dataclass(frozen=True)
class StyleIds:
    title: str = "NbTitle"
    body: str = "Normal"
    h1: str = "NbHeading1"
    runin: str = "NbRunIn"
    table: str = "NbTable"
    table_small: str = "NbTableSmall"
    sign: str = "NbSignature"
    draft: str = "NbDraft"
    page_no: str = "NbPageNumber"


STYLE = StyleIds()
# style id → the name Word/WPS shows (Chinese, for the office restyling the template)
STYLE_NAMES = {STYLE.title: "报告标题", STYLE.h1: "一级标题", STYLE.runin: "小标题（楷体）",
               STYLE.table: "表格文字", STYLE.table_small: "表格文字（小五）", STYLE.sign: "落款",
               STYLE.draft: "草稿标记", STYLE.page_no: "页码", STYLE.body: "Normal"}


def template_path(version: str) -> Path:
    return Path(str(TEMPLATES / f"{version}.docx"))


def default_template(version: str) -> bytes:
    """The committed default template of a format version."""
    return template_path(version).read_bytes()


# -- styles ------------------------------------------------------------------------------------

def _fonts(rpr, east: str, latin: str = FONT_LATIN) -> None:  # type: ignore[no-untyped-def]
    """Explicit fonts (no theme fonts): Latin for digits, ``w:eastAsia`` for Chinese."""
    rf = rpr.find(qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rpr.insert(0, rf)
    for k in list(rf.attrib):
        del rf.attrib[k]
    for a in ("w:ascii", "w:hAnsi", "w:cs"):
        rf.set(qn(a), latin)
    rf.set(qn("w:eastAsia"), east)


_PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
              "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
              "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
              "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()


def _ppr_child(ppr, tag: str):  # type: ignore[no-untyped-def]
    """Get or insert a w:pPr child in schema order (Word rejects out-of-order children)."""
    el = ppr.find(qn(f"w:{tag}"))
    if el is not None:
        return el
    el = OxmlElement(f"w:{tag}")
    later = {qn(f"w:{t}") for t in _PPR_ORDER[_PPR_ORDER.index(tag) + 1:]}
    for i, child in enumerate(ppr):
        if child.tag in later:
            ppr.insert(i, el)
            return el
    ppr.append(el)
    return el


def _ind_chars(ppr, first_chars: int, size_pt: float, right_chars: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Indents in characters (Word/WPS use *Chars); twips as the fallback for other readers."""
    ind = _ppr_child(ppr, "ind")
    ind.set(qn("w:firstLineChars"), str(first_chars * 100))
    ind.set(qn("w:firstLine"), str(round(first_chars * size_pt * 20)))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
        ind.set(qn("w:right"), str(round(right_chars * size_pt * 20)))


def _snap_off(ppr) -> None:  # type: ignore[no-untyped-def]
    _ppr_child(ppr, "snapToGrid").set(qn("w:val"), "0")


def _para_style(doc, sid: str, *, east: str, size: float, align=None,  # type: ignore[no-untyped-def]
                first_chars: int = 0, exact: bool = True, latin: str = FONT_LATIN):
    st = doc.styles.add_style(STYLE_NAMES[sid], WD_STYLE_TYPE.PARAGRAPH)
    st.style_id = sid
    st.base_style = doc.styles["Normal"]
    st.quick_style = True
    _fonts(st.element.get_or_add_rPr(), east, latin)
    st.font.size = Pt(size)
    pf = st.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        pf.alignment = align
    _ind_chars(st.element.get_or_add_pPr(), first_chars, size)
    return st


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    styles = doc.styles
    # document defaults: explicit fonts, Chinese language, no theme fonts
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default, FONT_BODY)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), FONT_BODY)
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = False
    _ind_chars(normal.element.get_or_add_pPr(), 2, BODY_PT)

    _para_style(doc, STYLE.title, east=FONT_TITLE, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    h1 = _para_style(doc, STYLE.h1, east=FONT_H1, size=BODY_PT, first_chars=2)
    h1.paragraph_format.keep_with_next = True
    _ppr_child(h1.element.get_or_add_pPr(), "outlineLvl").set(qn("w:val"), "0")
    for sid, size in ((STYLE.table, TABLE_PT), (STYLE.table_small, TABLE_SMALL_PT)):
        st = _para_style(doc, sid, east=FONT_BODY, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
        _snap_off(st.element.get_or_add_pPr())
    sign = _para_style(doc, STYLE.sign, east=FONT_BODY, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _ind_chars(sign.element.get_or_add_pPr(), 0, BODY_PT, right_chars=4)
    draft = _para_style(doc, STYLE.draft, east=FONT_H1, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    draft.font.bold = True
    draft.font.color.rgb = RGBColor(0xC0, 0, 0)
    _para_style(doc, STYLE.page_no, east=FONT_PAGE_NO, size=PAGE_NO_PT, exact=False, latin=FONT_PAGE_NO)

    runin = styles.add_style(STYLE_NAMES[STYLE.runin], WD_STYLE_TYPE.CHARACTER)
    runin.style_id = STYLE.runin
    runin.quick_style = True
    _fonts(runin.element.get_or_add_rPr(), FONT_H2)


# -- page setup, headers, footers ------------------------------------------------------------

def _page(doc) -> None:  # type: ignore[no-untyped-def]
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    sec.top_margin, sec.bottom_margin = Mm(MARGIN_MM["top"]), Mm(MARGIN_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGIN_MM["left"]), Mm(MARGIN_MM["right"])
    sec.header_distance, sec.footer_distance = Mm(HEADER_MM), Mm(FOOTER_MM)
    sec.gutter = Mm(0)
    grid = sec._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    doc.settings.odd_and_even_pages_header_footer = True
    # headers stay empty (the renderer puts the draft mark there); footers carry the page number
    for header in (sec.header, sec.even_page_header):
        header.is_linked_to_previous = False
        header.paragraphs[0].style = doc.styles["Header"]
    _page_number(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, doc)
    _page_number(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, doc)


def _page_number(footer, align, doc) -> None:  # type: ignore[no-untyped-def]
    """— PAGE — with one character's gap from the margin on its side."""
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = doc.styles[STYLE_NAMES[STYLE.page_no]]
    p.alignment = align
    ind = _ppr_child(p._p.get_or_add_pPr(), "ind")
    side = "right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left"
    ind.set(qn(f"w:{side}Chars"), "100")
    ind.set(qn(f"w:{side}"), str(PAGE_NO_PT * 20))
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")
    p.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = p.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    p.add_run(" —")


# -- tables ----------------------------------------------------------------------------------

def column_widths(table: Table, total_twips: int) -> list[int]:
    """Fixed grid widths: each column gets what its widest single-column cell needs.

    A one-row row label wants its whole text on a line; other labels may wrap into about 2·R
    lines but keep 4 characters a line (（三）不予公开 → 2 lines); values need 3 characters;
    needs are capped at 14 characters so a 10-column table still fits the 版心.
    """
    want = [2.0] * table.n_cols
    for c in table.cells:
        if c.colspan != 1:
            continue
        n = len(c.text)
        lines = 1 if c.kind == "row_header" and c.rowspan == 1 else 2 * c.rowspan
        need = 3.0 if c.kind == "value" else min(14.0, max(math.ceil(n / lines), min(n, 4)))
        want[c.c - 1] = max(want[c.c - 1], need)
    scale = total_twips / sum(want)
    widths = [int(w * scale) for w in want]
    widths[-1] += total_twips - sum(widths)
    return widths


def _set_width(el, tag: str, twips: int) -> None:  # type: ignore[no-untyped-def]
    w = el.find(qn(tag))
    if w is None:
        w = OxmlElement(tag)
        el.append(w)
    w.set(qn("w:w"), str(twips))
    w.set(qn("w:type"), "dxa")


def _cell_margins(tblpr) -> None:  # type: ignore[no-untyped-def]
    """Narrow left/right cell padding (1 mm): Word's 1.9 mm ×2 would eat 38 mm of table 三."""
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_PAD_TWIPS))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(mar)
    else:
        tblpr.append(mar)


def value_tag(key: str) -> str:
    return "{{ v." + key + " }}"


def _table(doc, table: Table) -> None:  # type: ignore[no-untyped-def]
    total = int(Mm(TEXT_W_MM).twips)
    widths = column_widths(table, total)
    t = doc.add_table(rows=table.n_rows, cols=table.n_cols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblpr = t._tbl.tblPr
    _set_width(tblpr, "w:tblW", total)
    _cell_margins(tblpr)
    for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(w))
    for i, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i < table.header_rows:
            trpr.append(OxmlElement("w:tblHeader"))
        for j, cell in enumerate(row.cells):
            cell.width = Twips(widths[j])
    style = STYLE.table_small if table.n_cols >= WIDE_TABLE_COLS else STYLE.table
    for c in sorted(table.cells, key=lambda c: (c.r, c.c)):
        _fill(t, c, style)


def _fill(t, c: Cell, style_id: str) -> None:  # type: ignore[no-untyped-def]
    cell = t.cell(c.r - 1, c.c - 1)
    if c.rowspan > 1 or c.colspan > 1:
        cell = cell.merge(t.cell(c.r + c.rowspan - 2, c.c + c.colspan - 2))
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.style = t.part.document.styles[STYLE_NAMES[style_id]]
    p.text = value_tag(c.field) if c.kind == "value" else c.text


# -- body ------------------------------------------------------------------------------------

def _p(doc, text: str = "", style: str | None = None):  # type: ignore[no-untyped-def]
    p = doc.add_paragraph(text)
    if style:
        p.style = doc.styles[STYLE_NAMES[style]]
    return p


def _paragraph_loop(doc, source: str) -> None:
    """One paragraph per line of a text: a 楷体 run-in heading run, then the body run."""
    _p(doc, "{%p for p in " + source + " %}")
    p = _p(doc)
    p.add_run("{{ p.head }}", style=doc.styles[STYLE_NAMES[STYLE.runin]])
    p.add_run("{{ p.body }}")
    _p(doc, "{%p endfor %}")


def build_template(spec: Spec) -> bytes:
    """The default template of a format version as .docx bytes."""
    doc = Document()
    _styles(doc)
    _page(doc)
    props = doc.core_properties
    props.title = spec.common["report_doc"]
    props.subject = f"{spec.title}（{spec.doc_number}）"
    props.author = props.last_modified_by = spec.common["product"]
    props.keywords = f"nianbao-template {spec.id}"
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1

    _p(doc, "{%p for line in title_lines %}")
    _p(doc, "{{ line }}", STYLE.title)
    _p(doc, "{%p endfor %}")
    _p(doc)
    _paragraph_loop(doc, "preface")
    for s in spec.sections:
        _p(doc, s.title, STYLE.h1)
        if s.kind == "table":
            _table(doc, spec.tables[s.table])
        else:
            _paragraph_loop(doc, f"text.{s.key}")
    _p(doc)
    _p(doc, "{{ org }}", STYLE.sign)
    _p(doc, "{{ sign_date }}", STYLE.sign)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write_default_templates() -> list[Path]:
    """Regenerate the committed templates (developers: ``python -m tool.docx_template``)."""
    from .spec import versions

    out = []
    for v in versions():
        path = template_path(v)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_template(load(v)))
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write_default_templates():
        print(p)
