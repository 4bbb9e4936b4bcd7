"""Writing one workbook: cell formats by role, annotated cell writes, names, protection, printing.

Shared by every sheet writer of this package. Output is deterministic (fixed document
timestamps, formats created in first-use order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ..core.findings import LEVEL_ZH, LEVELS, Finding
from ..format import Spec
from ..format.layout import Layout, Place, a1
from .formulas import check_formula, refs_for

FIXED_TIME = datetime(2021, 1, 1)  # document timestamps: the same input gives the same bytes
BODY_FONT, TITLE_FONT, BODY_SIZE = "仿宋", "黑体", 12
LINE_PT = 17  # row height per wrapped line at BODY_SIZE
WRITERS = ("template", "distribute", "collect", "annotate")
INPUT_BG, LOCKED_BG, HEAD_BG, DRAFT_BG = "#FFF8DC", "#EDEDED", "#DDE6F0", "#E8F3E8"
FILL = {"error": "#FFC7CE", "warning": "#FFEB9C"}
# Every workbook we write: a string from a submission, a file name or the roster stays a string
# (xlsxwriter would otherwise turn "=HYPERLINK(…)" into a live formula and "http://…" into a link).
TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
MARK_COLOR = "#C00000"  # copied sentences in a returned copy

_BASE: dict[str, Any] = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "vcenter"}
_ROLES: dict[str, dict[str, Any]] = {
    "title": {"font_name": TITLE_FONT, "font_size": 16},
    "hint": {"font_size": 10, "font_color": "#595959"},
    "section": {"font_name": TITLE_FONT, "font_size": 14},
    "caption": {"font_name": TITLE_FONT, "font_size": 11, "border": 1, "bg_color": HEAD_BG, "text_wrap": True},
    "col_header": {"font_name": TITLE_FONT, "font_size": 11, "border": 1, "bg_color": HEAD_BG,
                   "align": "center", "text_wrap": True},
    "row_header": {"font_size": 11, "border": 1, "bg_color": LOCKED_BG, "text_wrap": True},
    "corner_note": {"font_size": 10, "border": 1, "bg_color": LOCKED_BG, "text_wrap": True, "align": "center"},
    "input": {"border": 1, "bg_color": INPUT_BG, "locked": False, "num_format": "0"},
    "total": {"border": 1, "bg_color": LOCKED_BG, "bold": True, "num_format": "0"},
    "check": {"border": 1, "align": "center", "bold": True, "font_color": "#2E7D32"},
    "check_label": {"font_size": 10, "border": 1, "text_wrap": True, "font_color": "#595959"},
    "label": {"font_name": TITLE_FONT, "font_size": 12, "border": 1, "bg_color": HEAD_BG},
    "text_input": {"border": 1, "bg_color": INPUT_BG, "locked": False, "num_format": "@", "text_wrap": True,
                   "valign": "top"},
    "locked_value": {"border": 1, "bg_color": LOCKED_BG, "num_format": "@"},
    "cell": {"border": 1, "text_wrap": True, "font_size": 11},
    "number": {"border": 1, "font_size": 11},
    "note": {"font_size": 10, "font_color": "#595959", "text_wrap": True},
    "no": {"font_size": 9, "font_color": "#808080", "align": "center"},
    "text": {"text_wrap": True, "valign": "top"},
    "bad": {"font_color": "#9C0006", "bg_color": FILL["error"]},
    "draft": {"border": 1, "bg_color": DRAFT_BG, "text_wrap": True, "valign": "top", "font_size": 11},
}


class Book:
    """The workbook being written: a format cache and annotation-aware cell writes."""

    def __init__(self, wb: xlsxwriter.Workbook, spec: Spec, lay: Layout,
                 annotations: Mapping[tuple[str, str], Sequence[Finding]],
                 marks: Mapping[tuple[str, str], Sequence[str]] | None = None):
        self.wb, self.spec, self.lay = wb, spec, lay
        self.notes = annotations
        self.marks: dict[str, list[str]] = {}  # sheet → sentences to highlight wherever a text cell holds them
        for (sheet, _cell), sents in (marks or {}).items():
            self.marks.setdefault(sheet, []).extend(x for x in sents if x not in self.marks.get(sheet, []))
        self._fmts: dict[tuple, Any] = {}

    def fmt(self, role: str, **over: Any) -> Any:
        props = {**_BASE, **_ROLES[role], **over}
        key = tuple(sorted(props.items()))
        if key not in self._fmts:
            self._fmts[key] = self.wb.add_format(props)
        return self._fmts[key]

    def formats(self) -> dict[str, Any]:
        return {role: self.fmt(role) for role in _ROLES}

    def sheet(self, name: str) -> Worksheet:
        ws = self.wb.add_worksheet(name)
        ws.hide_gridlines(2)
        return ws

    def put(self, ws: Worksheet, row: int, col: int, value: Any, role: str, *, rows: int = 1, cols: int = 1,
            formula: bool = False, **over: Any) -> None:
        """Write a (merged) cell at 1-based (row, col); an annotated cell gets a fill and a comment."""
        found = self.notes.get((ws.name, a1(row, col)), ())
        levels = [f.level for f in found if f.level in FILL]
        if levels:
            over["bg_color"] = FILL[min(levels, key=LEVELS.index)]
        f = self.fmt(role, **over)
        r, c = row - 1, col - 1
        if rows > 1 or cols > 1:
            ws.merge_range(r, c, r + rows - 1, c + cols - 1, "", f)
        if formula:
            ws.write_formula(r, c, value, f, "")
        elif value is None or value == "":
            ws.write_blank(r, c, None, f)
        elif isinstance(value, str) and role == "text_input" and ws.name in self.marks:
            self._marked(ws, r, c, value, self.marks[ws.name], f, role)
        elif isinstance(value, str):
            ws.write_string(r, c, value, f)
        else:
            ws.write_number(r, c, float(value) if isinstance(value, Decimal) else value, f)
        if found:
            text = "\n".join(f"{LEVEL_ZH.get(x.level, x.level)}：{x.message}" for x in found)
            ws.write_comment(r, c, text, {"author": self.spec.common["product"], "x_scale": 3, "y_scale": 2,
                                          "font_name": BODY_FONT, "font_size": 10})

    def _marked(self, ws: Worksheet, r: int, c: int, text: str, sentences: Sequence[str], f: Any, role: str) -> None:
        """A text cell whose copied sentences are shown in dark red, underlined (a rich string: still text)."""
        spans = sorted((i, i + len(s)) for s in sentences if s and (i := text.find(s)) >= 0)
        mark = self.fmt(role, font_color=MARK_COLOR, underline=1)
        parts: list[Any] = []
        at = 0
        for s0, s1 in spans:
            if s0 < at:
                continue
            if s0 > at:
                parts.append(text[at:s0])
            parts += [mark, text[s0:s1]]
            at = s1
        if at < len(text):
            parts.append(text[at:])
        if len(parts) < 2 or ws.write_rich_string(r, c, *parts, f) != 0:  # nothing found, or one plain part
            ws.write_string(r, c, text, f)

    def name(self, p: Place, whole: bool = False) -> None:
        """Workbook-scoped defined name of a place (the whole range for text blocks)."""
        last = (p.row + p.rows - 1, p.col + p.cols - 1) if whole else (p.row, p.col)
        ref = abs_ref(p.row, p.col)
        if last != (p.row, p.col):
            ref += ":" + abs_ref(*last)
        self.wb.define_name(p.name, f"={quote_sheetname(p.sheet)}!{ref}")

    def header(self, ws: Worksheet, title: str, hint: str, cols: int, width: float = 100) -> None:
        """Row 1 the title, row 2 a hint (wrapped to ``width`` column units)."""
        self.put(ws, 1, 1, title, "title", cols=max(cols, 1))
        self.put(ws, 2, 1, hint, "hint", cols=max(cols, 1), text_wrap=True)
        ws.set_row(0, 30)
        ws.set_row(1, wrapped_lines(hint, width) * 14 + 6)

    def finish_checks(self, sh: Any, prev: Mapping[str, str]) -> None:
        """Write the 校验 cells of one table sheet and protect it."""
        refs = refs_for(self.lay, sh.ws.name, prev)
        bad = self.fmt("bad")
        cells = []
        for row, col, cols, inst in sh.checks:
            self.put(sh.ws, row, col, check_formula(inst, refs, self.lay), "check", cols=cols, formula=True)
            cells.append(a1(row, col))
        if cells:  # one rule over every 校验 cell of the sheet
            sh.ws.conditional_format(cells[0], {"type": "cell", "criteria": "==", "value": '"✘"', "format": bad,
                                                "multi_range": " ".join(cells)})
        protect(sh.ws)


def abs_ref(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row - 1, col - 1, row_abs=True, col_abs=True)


def protect(ws: Worksheet) -> None:
    """Protection without a password: an office can unprotect, users cannot slip by accident."""
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})


def disp_width(text: str) -> int:
    """Display width in Excel column units: CJK and full-width characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(disp_width(part) * 1.1 / max(width - 1, 1))) for part in text.split("\n"))


def print_setup(ws: Worksheet, *, landscape: bool, header_rows: int) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
