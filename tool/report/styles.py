"""GB/T 9704-2012 (公文格式) in a .docx: page, margins, the 22-line body grid, fonts set as
``w:eastAsia`` in the styles, heading styles, the page-number footers ("— 1 —", odd pages right,
even pages left). Numbers from research/anchors.md (d).
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

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


def styles(doc) -> None:  # type: ignore[no-untyped-def]
    """Every style of the report (Normal and ours), with explicit Chinese and Latin fonts."""
    sheet = doc.styles
    # document defaults: explicit fonts, Chinese language, no theme fonts
    rpr_default = sheet.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default, FONT_BODY)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = sheet["Normal"]
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

    runin = sheet.add_style(STYLE_NAMES[STYLE.runin], WD_STYLE_TYPE.CHARACTER)
    runin.style_id = STYLE.runin
    runin.quick_style = True
    _fonts(runin.element.get_or_add_rPr(), FONT_H2)


# -- page setup, headers, footers ------------------------------------------------------------

def page_setup(doc) -> None:  # type: ignore[no-untyped-def]
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
