"""The fill-in workbook (``nianbao template``, and the copies distribute/collect/check write).

Built with xlsxwriter from a ``Spec`` and its ``Layout``: labels, merges, input cells, total
formulas and 校验 cells all come from the format data, so a relation added to the data shows
up here without code changes. Output is deterministic (fixed document timestamps).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from .data import ReportData
from .findings import LEVEL_ZH, LEVELS, Finding
from .formulas import check_formula, refs_for, total_formula
from .layout import TITLE_ROWS, Layout, Place, a1, layout, sheet_row
from .spec import Field, Instance, Spec, Table, load
from .workbook_guide import guide_lines

FIXED_TIME = datetime(2021, 1, 1)  # document timestamps: the same input gives the same bytes
BODY_FONT, TITLE_FONT, BODY_SIZE = "仿宋", "黑体", 12
LINE_PT = 17  # row height per wrapped line at BODY_SIZE
WRITERS = ("template", "distribute", "collect", "annotate")
INPUT_BG, LOCKED_BG, HEAD_BG = "#FFF8DC", "#EDEDED", "#DDE6F0"
FILL = {"error": "#FFC7CE", "warning": "#FFEB9C"}
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "xlsx_templates"

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
}


def build_workbook(data: ReportData, *, spec: Spec | None = None,
                   annotations: Mapping[tuple[str, str], Sequence[Finding]] | None = None,
                   written_by: str = "template", reference: ReportData | None = None,
                   locked_info: Iterable[str] = (),
                   extra: Callable[[xlsxwriter.Workbook, dict], None] | None = None) -> bytes:
    """The workbook as bytes.

    ``annotations``: (sheet, A1) → findings, highlighted with a comment and listed on a 校验结果
    sheet. ``reference``: last year's data for a read-only 上年参考 sheet (and the cross-year 校验
    cells). ``locked_info``: 基本信息 keys to lock. ``extra(workbook, formats)`` adds sheets
    before the hidden metadata sheet; ``formats`` maps role names (title, hint, col_header,
    cell, number, input, ...) to xlsxwriter formats.
    """
    if written_by not in WRITERS:
        raise ValueError(written_by)
    spec = spec or load(data.format)
    lay = _layout(spec)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": spec.common["report_doc"] + "填报表", "author": spec.common["product"],
                       "created": FIXED_TIME})
    bk = _Book(wb, spec, lay, annotations or {})
    if annotations:
        _checks_sheet(bk, annotations)
    _info_sheet(bk, data, set(locked_info))
    prev = _referencerefs_for(spec, reference)
    tables = [_table_sheet(bk, t, data, prev) for t in spec.tables.values()]
    _text_sheet(bk, data)
    _guide_sheet(bk, data)
    if reference is not None:
        _reference_sheet(bk, reference)
    for sheet in tables:
        bk.finish_checks(sheet, prev)
    if extra is not None:
        extra(wb, bk.formats())
    _meta_sheet(bk, data, written_by)
    wb.close()
    return buf.getvalue()


def template_path(version: str) -> Path:
    return TEMPLATE_DIR / f"年度报告填报表_{version}格式.xlsx"


def blank_workbook(version: str) -> bytes:
    """The committed blank workbook of a format version (no org, no year)."""
    return build_workbook(ReportData(format=version))


def _layout(spec: Spec) -> Layout:
    try:
        if load(spec.id) is spec:
            return layout(spec.id)
    except KeyError:
        pass
    return Layout(spec)


# -- writing cells -------------------------------------------------------------------------

@dataclass
class _Sheet:
    ws: Worksheet
    table: Table
    checks: list[tuple[int, int, int, Instance]] = field(default_factory=list)  # row, col, cols, inst
    head_lines: dict[int, int] = field(default_factory=dict)  # table row → lines its 校验 header needs


class _Book:
    """The workbook being written: a format cache and annotation-aware cell writes."""

    def __init__(self, wb: xlsxwriter.Workbook, spec: Spec, lay: Layout,
                 annotations: Mapping[tuple[str, str], Sequence[Finding]]):
        self.wb, self.spec, self.lay = wb, spec, lay
        self.notes = annotations
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
        elif isinstance(value, str):
            ws.write_string(r, c, value, f)
        else:
            ws.write_number(r, c, float(value) if isinstance(value, Decimal) else value, f)
        if found:
            text = "\n".join(f"{LEVEL_ZH.get(x.level, x.level)}：{x.message}" for x in found)
            ws.write_comment(r, c, text, {"author": self.spec.common["product"], "x_scale": 3, "y_scale": 2,
                                          "font_name": BODY_FONT, "font_size": 10})

    def name(self, p: Place, whole: bool = False) -> None:
        """Workbook-scoped defined name of a place (the whole range for text blocks)."""
        last = (p.row + p.rows - 1, p.col + p.cols - 1) if whole else (p.row, p.col)
        ref = _abs(p.row, p.col)
        if last != (p.row, p.col):
            ref += ":" + _abs(*last)
        self.wb.define_name(p.name, f"={quote_sheetname(p.sheet)}!{ref}")

    def header(self, ws: Worksheet, title: str, hint: str, cols: int, width: float = 100) -> None:
        """Row 1 the title, row 2 a hint (wrapped to ``width`` column units)."""
        self.put(ws, 1, 1, title, "title", cols=max(cols, 1))
        self.put(ws, 2, 1, hint, "hint", cols=max(cols, 1), text_wrap=True)
        ws.set_row(0, 30)
        ws.set_row(1, _lines(hint, width) * 14 + 6)

    def finish_checks(self, sh: _Sheet, prev: Mapping[str, str]) -> None:
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
        _protect(sh.ws)


def _abs(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row - 1, col - 1, row_abs=True, col_abs=True)


def _protect(ws: Worksheet) -> None:
    """Protection without a password: an office can unprotect, users cannot slip by accident."""
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})


def _disp(text: str) -> int:
    """Display width in Excel column units: CJK and full-width characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(_disp(part) * 1.1 / max(width - 1, 1))) for part in text.split("\n"))


# -- 基本信息 ------------------------------------------------------------------------------

def _info_values(spec: Spec, data: ReportData) -> dict[str, Any]:
    common = spec.common
    known = bool(data.org and data.year)
    vals: dict[str, Any] = {k: data.info.get(k, "") for k in ("unit_id", "contact", "phone", "sign_date", "url")}
    vals.update(org=data.org, year=data.year or "", format=spec.id, kind=common.kinds.get(data.kind, ""),
                title=data.info.get("title") or (common.report_title(data.org, data.year) if known else ""),
                preface=data.text.get("preface") or (common.preface(data.org, data.year) if known else ""))
    return vals


def _info_sheet(bk: _Book, data: ReportData, locked: set[str]) -> None:
    common = bk.spec.common
    ws = bk.sheet(common.sheets["info"])
    bk.header(ws, f"{common['report_doc']}　{ws.name}",
              "在浅黄色单元格填写；灰色单元格不可修改。标题、前言留空时按默认文字生成。", 3)
    vals = _info_values(bk.spec, data)
    for f in common.info_fields:
        p = bk.lay.info[f.key]
        bk.put(ws, p.row, p.col - 1, f.label + ("（必填）" if f.required else ""), "label")
        is_locked = f.locked or f.key in locked
        over: dict[str, Any] = {"text_wrap": True}
        if f.type == "year":
            over["num_format"] = "0"
        bk.put(ws, p.row, p.col, vals.get(f.key, ""), "locked_value" if is_locked else "text_input",
               valign="vcenter", **over)
        bk.put(ws, p.row, p.col + 1, f.hint, "note")
        bk.name(p)
        if not is_locked:
            _info_validation(ws, p, f.type, f.label, f.hint, list(common.kinds.values()))
        if f.type == "longtext":
            ws.set_row(p.row - 1, 170)
        elif f.key == "title":
            ws.set_row(p.row - 1, 40)
        else:
            ws.set_row(p.row - 1, 24)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 62)
    ws.set_column(2, 2, 40)
    _print_setup(ws, landscape=False, header_rows=0)
    if not bk.notes:
        ws.activate()
    _protect(ws)


def _info_validation(ws: Worksheet, p: Place, typ: str, label: str, hint: str, kinds: list[str]) -> None:
    v: dict[str, Any] = {"validate": "any"}
    if typ == "year":
        v = {"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100,
             "error_title": "年度有误", "error_message": "请填写四位数年份，如2024"}
    elif typ == "kind":
        v = {"validate": "list", "source": kinds, "error_title": "报告类型有误",
             "error_message": f"请从下拉列表选择：{'或'.join(kinds)}"}
    v.update(input_title=label[:32], input_message=hint[:255])
    ws.data_validation(p.cell, v)


# -- tables 二/三/四 -------------------------------------------------------------------------

def _num_format(f: Field) -> str:
    """Whole numbers as 0; decimals show at least two places and up to ``decimals`` (3.24, 161804.5)."""
    if f.type != "decimal" or f.decimals <= 0:
        return "0"
    return "0." + "0" * min(f.decimals, 2) + "#" * max(f.decimals - 2, 0)


def _validation(f: Field) -> dict[str, Any]:
    unit = f"，单位：{f.unit}" if f.unit else ""
    if f.type == "decimal":
        rule = f"请填写不小于0的数字（最多{f.decimals}位小数）"
        v: dict[str, Any] = {"validate": "decimal", "criteria": ">=", "value": f.min or 0}
    elif f.signed:
        rule = "请填写整数：增加填正数，减少填负数"
        v = {"validate": "integer", "criteria": "between", "minimum": -(10**9), "maximum": 10**9}
    else:
        rule = "请填写不小于0的整数"
        v = {"validate": "integer", "criteria": ">=", "value": f.min or 0}
    # One prompt per column (not per cell): cells sharing a rule share one validation entry,
    # which keeps the sheet XML small (the reader parses it for every submission).
    v.update(input_title=f.label_path[-1][:32] if f.label_path else "",
             input_message=f"{rule}{unit}；空白按0计。"[:255],
             error_title="输入有误", error_message=(rule + unit + "。")[:224])
    return v


def _validate_groups(ws: Worksheet, groups: Mapping[tuple, list[str]]) -> None:
    """One data validation per distinct rule, over all its cells (xlsxwriter's multi_range)."""
    for key, refs in groups.items():
        ws.data_validation(refs[0], {**dict(key), "multi_range": " ".join(refs)})


def _table_hint(spec: Spec, table: Table) -> str:
    decimals = [f"{f.label_path[-1]}单位：{f.unit}" for f in spec.fields.values()
                if f.table == table.key and f.type == "decimal" and f.unit not in f.label_path[-1]]
    return "；".join(["在浅黄色单元格填写数字，空白按0计", "灰色合计自动计算", "“校验”✔为通过、✘为不一致", *decimals]) + "。"


def _table_sheet(bk: _Book, table: Table, data: ReportData, prev: Mapping[str, str]) -> _Sheet:
    spec, lay = bk.spec, bk.lay
    ws = bk.sheet(table.sheet)
    for cell in table.labels:
        align = {"align": "center" if cell.rowspan > 1 else "left"} if cell.kind == "row_header" else {}
        bk.put(ws, sheet_row(cell.r), cell.c, cell.text, cell.kind, rows=cell.rowspan, cols=cell.colspan, **align)
    groups: dict[tuple, list[str]] = {}
    for key, f in spec.fields.items():
        if f.table != table.key:
            continue
        p = lay.values[key]
        if f.computed:
            bk.put(ws, p.row, p.col, total_formula(spec, lay, key, ws.name), "total", rows=p.rows, cols=p.cols,
                   formula=True, num_format=_num_format(f))
        else:
            bk.put(ws, p.row, p.col, data.values.get(key), "input", rows=p.rows, cols=p.cols,
                   num_format=_num_format(f))
            groups.setdefault(tuple(sorted(_validation(f).items())), []).append(p.ref)
        bk.name(p)
    _validate_groups(ws, groups)
    sh = _Sheet(ws, table)
    widths = _column_widths(table)
    _place_checks(bk, sh, widths, prev)
    for c, w in widths.items():
        ws.set_column(c - 1, c - 1, w)
    _row_heights(ws, table, widths, sh.head_lines)
    bk.header(ws, table.title, _table_hint(spec, table), table.n_cols,
              sum(widths.get(c, 9) for c in range(1, table.n_cols + 1)))
    first_value = min((c.c for c in table.values), default=1)
    ws.freeze_panes(sheet_row(table.header_rows), first_value - 1)
    _print_setup(ws, landscape=sum(widths.values()) > 110, header_rows=sheet_row(table.header_rows))
    return sh


def _column_widths(table: Table) -> dict[int, float]:
    """Widths from the labels each column must show (merged labels spread over their columns)."""
    value_cols = {c for v in table.values for c in range(v.c, v.c + v.colspan)}
    out = {c: (10.0 if c in value_cols else 6.0) for c in range(1, table.n_cols + 1)}
    for cell in table.labels:
        if cell.colspan == 1 and cell.kind != "corner_note":
            lines = min(cell.rowspan, 4) if cell.kind == "row_header" else 3
            out[cell.c] = max(out[cell.c], min(_disp(cell.text) * 1.1 / lines + 1, 34))
    for cell in table.labels:
        span = range(cell.c, cell.c + cell.colspan)
        if cell.colspan > 1 and cell.kind == "row_header":
            need = min(_disp(cell.text) * 1.1 / 2 + 1, 60) - sum(out[c] for c in span)
            if need > 0:
                out[cell.c + cell.colspan - 1] += need
    return out


def _row_heights(ws: Worksheet, table: Table, widths: Mapping[int, float], extra: Mapping[int, int]) -> None:
    """Row heights from the wrapped labels (and 校验 column headers: ``extra`` table row → lines)."""
    need: dict[int, int] = dict(extra)
    for cell in table.labels:
        width = sum(widths.get(c, 9) for c in range(cell.c, cell.c + cell.colspan))
        per_row = math.ceil(_lines(cell.text, width) / cell.rowspan)
        for r in range(cell.r, cell.r + cell.rowspan):
            need[r] = max(need.get(r, 1), per_row)
    for r in range(1, table.n_rows + 1):
        ws.set_row(sheet_row(r) - 1, max(need.get(r, 1), 1) * LINE_PT + 6)


def _place_checks(bk: _Book, sh: _Sheet, widths: dict[int, float], prev: Mapping[str, str]) -> None:
    """Where each relation instance's 校验 cell goes, from the places of its blame fields.

    Instances of one relation on one row → a 校验 row below the table, each under its anchor;
    on one column → a 校验 column right of the table, beside each anchor; single instances →
    packed into shared rows below, in their anchor's column. Labels name the relation titles.
    Cross-year instances need last year's figures: only with a 上年参考 sheet (``prev``).
    """
    lay, table, ws = bk.lay, sh.table, sh.ws
    groups: dict[str, list[Instance]] = {}
    for inst in bk.spec.instances:
        p = lay.values.get(inst.blame)
        known = all(t.key in prev for t in inst.terms if t.prev)
        if p is not None and p.sheet == ws.name and (not inst.cross_year or (prev and known)):
            groups.setdefault(inst.rule, []).append(inst)
    rows: list[dict[str, Any]] = []  # {"cells": [(col, cols, inst)], "titles": [...], "shared": bool}
    next_col = table.n_cols + 1
    for insts in groups.values():
        anchors = [lay.values[i.blame] for i in insts]
        if len(insts) > 1 and len({a.row for a in anchors}) == 1:
            rows.append({"cells": [(a.col, a.cols, i) for a, i in zip(anchors, insts, strict=True)], "titles": [insts[0].title],
                         "shared": False})
        elif len(insts) > 1 and len({a.col for a in anchors}) == 1:
            _check_column(bk, sh, next_col, anchors, insts)
            widths[next_col] = 12
            next_col += 1
        else:
            for a, i in zip(anchors, insts, strict=True):
                _pack(rows, a, i)
    first = sheet_row(table.n_rows) + 2
    for n, row in enumerate(rows):
        r = first + n
        for col, cols, inst in row["cells"]:
            sh.checks.append((r, col, cols, inst))
        start = min(c for c, _, _ in row["cells"])
        label = "校验：" + "；".join(dict.fromkeys(row["titles"]))
        if start > 1:
            bk.put(ws, r, 1, label, "check_label", cols=start - 1)
            width = sum(widths.get(c, 9) for c in range(1, start))
        else:
            end = max(c + w for c, w, _ in row["cells"])
            bk.put(ws, r, end, label, "check_label")
            widths[end] = max(widths.get(end, 9), 30)
            width = widths[end]
        ws.set_row(r - 1, _lines(label, width) * 15 + 6)


def _pack(rows: list[dict[str, Any]], a: Place, inst: Instance) -> None:
    span = set(range(a.col, a.col + a.cols))
    for row in rows:
        taken = {c for col, w, _ in row["cells"] for c in range(col, col + w)}
        if row["shared"] and not span & taken:
            row["cells"].append((a.col, a.cols, inst))
            row["titles"].append(inst.title)
            return
    rows.append({"cells": [(a.col, a.cols, inst)], "titles": [inst.title], "shared": True})


def _check_column(bk: _Book, sh: _Sheet, col: int, anchors: list[Place], insts: list[Instance]) -> None:
    top = min(a.row for a in anchors)
    first_head, last_head = top - 1, top - 1
    if sh.table.header_rows and top > sheet_row(sh.table.header_rows):
        first_head, last_head = sheet_row(1), sheet_row(sh.table.header_rows)
    text = f"校验\n{insts[0].title}"
    rows = last_head - first_head + 1
    bk.put(sh.ws, first_head, col, text, "check_label", rows=rows, align="center")
    for r in range(first_head, last_head + 1):
        table_row = r - sheet_row(0)
        sh.head_lines[table_row] = max(sh.head_lines.get(table_row, 1), math.ceil(_lines(text, 12) / rows))
    for a, inst in zip(anchors, insts, strict=True):
        sh.checks.append((a.row, col, 1, inst))


# -- 文字部分, 填报说明 ---------------------------------------------------------------------

def _text_sheet(bk: _Book, data: ReportData) -> None:
    ws = bk.sheet(bk.spec.common.sheets["text"])
    bk.header(ws, f"{bk.spec.common['report_doc']}　{ws.name}",
              "每行填写一段（从Word粘贴时每段自动占一行）；空行会被忽略，单元格内换行也可。", 2)
    width = 90
    for s in bk.spec.text_sections:
        p = bk.lay.text[s.key]
        head = bk.lay.text_heading_row(s.key)
        bk.put(ws, head, 1, s.title + ("（必填）" if s.required else ""), "section", cols=p.col)
        ws.set_row(head - 1, 28)
        paras = [x for x in data.text.get(s.key, "").split("\n")]
        if len(paras) > p.rows:  # keep everything: the last row takes the overflow, with line breaks
            paras = [*paras[: p.rows - 1], "\n".join(paras[p.rows - 1:])]
        for i in range(p.rows):
            text = paras[i] if i < len(paras) else ""
            if p.col > 1:
                bk.put(ws, p.row + i, p.col - 1, i + 1, "no")
            bk.put(ws, p.row + i, p.col, text, "text_input")
            if text:
                ws.set_row(p.row + i - 1, _lines(text, width) * LINE_PT + 4)
        ws.data_validation(p.ref, {"validate": "any", "input_title": s.title[:32],
                                   "input_message": "每行填写一段；空行会被忽略。"})
        bk.name(p, whole=True)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, width)
    ws.freeze_panes(TITLE_ROWS, 0)
    _print_setup(ws, landscape=False, header_rows=0)
    _protect(ws)


def _guide_sheet(bk: _Book, data: ReportData) -> None:
    ws = bk.sheet(bk.spec.common.sheets["guide"])
    bk.header(ws, ws.name, f"{bk.spec.title}（{bk.spec.doc_number}）", 1)
    width = 80
    for n, (style, text) in enumerate(guide_lines(bk.spec, data)):
        bk.put(ws, TITLE_ROWS + 2 + n, 1, text, "section" if style == "heading" else "text")
        ws.set_row(TITLE_ROWS + 1 + n, 26 if style == "heading" else _lines(text, width) * LINE_PT + 4)
    ws.set_column(0, 0, width)
    _print_setup(ws, landscape=False, header_rows=0)
    _protect(ws)


# -- 上年参考, 校验结果, _meta --------------------------------------------------------------

_REF_FIRST = TITLE_ROWS + 2  # header row, then one row per field


def _referencerefs_for(spec: Spec, reference: ReportData | None) -> dict[str, str]:
    """Last year's field → its cell on the 上年参考 sheet (for cross-year 校验 formulas)."""
    if reference is None:
        return {}
    sheet = quote_sheetname(spec.common.sheets["last_year"])
    return {k: f"{sheet}!{_abs(_REF_FIRST + i, 3)}" for i, k in enumerate(reference.spec.fields)}


def _reference_sheet(bk: _Book, ref: ReportData) -> None:
    ws = bk.sheet(bk.spec.common.sheets["last_year"])
    bk.header(ws, f"{ws.name}：{ref.org}{ref.year or ''}年度（{ref.spec.id}格式）",
              "上年报告数据，仅供对照，不可修改；跨年度的校验引用本表数值。", 4)
    for c, head in enumerate(("工作表", "项目", "上年数值", "字段键"), 1):
        bk.put(ws, _REF_FIRST - 1, c, head, "col_header")
    values = ref.all_values()
    for i, (key, f) in enumerate(ref.spec.fields.items()):
        r = _REF_FIRST + i
        bk.put(ws, r, 1, ref.spec.tables[f.table].sheet, "cell")
        bk.put(ws, r, 2, " › ".join(f.label_path), "cell")
        bk.put(ws, r, 3, values.get(key, 0), "number", num_format=_num_format(f))
        bk.put(ws, r, 4, key, "cell", font_color="#808080", font_size=9)
    for c, w in enumerate((8, 70, 12, 36)):
        ws.set_column(c, c, w)
    ws.freeze_panes(_REF_FIRST - 1, 0)
    _print_setup(ws, landscape=False, header_rows=_REF_FIRST - 1)
    _protect(ws)


def _checks_sheet(bk: _Book, annotations: Mapping[tuple[str, str], Sequence[Finding]]) -> None:
    ws = bk.sheet(bk.spec.common.sheets["checks"])
    found = list({(f.rule, f.level, f.sheet, f.cell, f.message): f
                  for fs in annotations.values() for f in fs}.values())
    found.sort(key=lambda f: LEVELS.index(f.level) if f.level in LEVELS else len(LEVELS))
    counts = "，".join(f"{LEVEL_ZH[lv]}{sum(f.level == lv for f in found)}处" for lv in LEVELS)
    bk.header(ws, ws.name, f"共{len(found)}条（{counts}）；相应单元格已标色并附批注，点击单元格地址可跳转。", 4)
    for c, head in enumerate(("级别", "工作表", "单元格", "说明"), 1):
        bk.put(ws, TITLE_ROWS + 1, c, head, "col_header")
    for i, f in enumerate(found):
        r = TITLE_ROWS + 2 + i
        bk.put(ws, r, 1, LEVEL_ZH.get(f.level, f.level), "cell", bg_color=FILL.get(f.level, "#FFFFFF"))
        bk.put(ws, r, 2, f.sheet, "cell")
        if f.sheet and f.cell:
            ws.write_url(r - 1, 2, f"internal:{quote_sheetname(f.sheet)}!{f.cell}", bk.fmt("cell", underline=1,
                         font_color="#1F4E79"), f.cell)
        else:
            bk.put(ws, r, 3, f.cell, "cell")
        bk.put(ws, r, 4, f.message, "cell")
        ws.set_row(r - 1, _lines(f.message, 90) * 15 + 6)
    for c, w in enumerate((8, 12, 10, 90)):
        ws.set_column(c, c, w)
    ws.freeze_panes(TITLE_ROWS + 1, 0)
    _print_setup(ws, landscape=True, header_rows=TITLE_ROWS + 1)
    ws.activate()
    _protect(ws)


def meta_items(spec: Spec, data: ReportData, written_by: str) -> list[tuple[str, str]]:
    """The hidden metadata sheet's rows (column A key, column B value), all as text."""
    try:
        version = metadata.version(spec.common["product"])
    except metadata.PackageNotFoundError:
        version = "0"
    return [("product", spec.common["product"]), ("format", spec.id), ("year", str(data.year or "")),
            ("org", data.org), ("unit_id", data.info.get("unit_id", "")), ("kind", data.kind),
            ("generator", version), ("fingerprint", _layout(spec).fingerprint), ("written_by", written_by)]


def _meta_sheet(bk: _Book, data: ReportData, written_by: str) -> None:
    ws = bk.wb.add_worksheet(bk.spec.common.sheets["meta"])
    for i, (k, v) in enumerate(meta_items(bk.spec, data, written_by)):
        ws.write_string(i, 0, k)
        ws.write_string(i, 1, v)
    ws.set_column(0, 1, 20)
    ws.hide()
    _protect(ws)


def _print_setup(ws: Worksheet, *, landscape: bool, header_rows: int) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)


def write_templates(folder: Path = TEMPLATE_DIR) -> list[Path]:
    """(Re)write the committed blank workbooks, one per format version."""
    from .files import write_atomic
    from .spec import versions

    return [write_atomic(folder / template_path(v).name, blank_workbook(v)) for v in versions()]
