"""汇总表.xlsx and the 明细 sheet: what ``collect`` decided, as workbooks.

Sheet names, column headers and status words come from common.json. The status workbook is
written in xlsxwriter's constant-memory mode (row by row); the per-unit figure rows (thousands
of units × 200 fields) are streamed into the zip by ``workbook.sheetxml``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..core.files import safe_name
from ..core.findings import LEVEL_ZH
from ..format import Number, common
from ..workbook.book import TEXT_ONLY
from ..workbook.sheetxml import splice_rows
from .board import Formats, local_iso, local_time, printable, progress_sheet, title, title_row
from .decide import Collection, Entry, UnitStatus

FIGURE_FIRST_ROW = 5  # row 1: title; rows 2–3: headers (label path; sheet!cell); row 4: the consolidated total
HEAD_ROW = 1  # 0-based: the column headers of every 汇总表 sheet, under the title line


def consolidated_name(coll: Collection) -> str:
    """<本级单位><年度>年…填报表（汇总）.xlsx"""
    shared = common()
    return safe_name(shared.form_title(coll.org, coll.year or "")) + shared.outputs["consolidated_suffix"] + ".xlsx"


def _yes_no(flag: bool) -> str:
    return common().words["yes" if flag else "no"]


class _Book:
    """A constant-memory xlsxwriter workbook, printable: every sheet starts with the title line,
    repeats it and its header row on each page, wraps long text and fits one page wide."""

    def __init__(self, coll: Collection, now: datetime) -> None:
        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"constant_memory": True, **TEXT_ONLY})  # rows go to temp files, not memory
        shared = common()
        self.wb.set_properties({"title": shared.words["status_book_title"], "author": shared["product"]})
        self.head, self.total = header_formats(self.wb)
        base = {"font_name": "仿宋", "border": 1, "text_wrap": True, "valign": "top"}
        self.text = self.wb.add_format(base)
        self.bad = self.wb.add_format({**base, "font_color": "#C00000", "bold": True})
        self.good = self.wb.add_format({**base, "font_color": "#006100"})
        self.number = self.wb.add_format({**base, "align": "center"})
        self.code = self.wb.add_format({**base, "text_wrap": False, "font_size": 8})  # a hash: one line, cut off
        self.title_fmt = self.wb.add_format({"font_name": "黑体", "font_size": 14, "valign": "vcenter"})
        self.title = title(coll, now)

    def formats(self) -> Formats:
        return Formats(self.title_fmt, self.head, self.text, self.number, self.bad, self.good)

    def sheet(self, table: str, landscape: bool = True) -> Any:
        """A sheet named and headed as common.json says (``sheets.<table>``, ``columns.<table>``)."""
        shared = common()
        ws = self.wb.add_worksheet(shared.sheets[table])
        cols = shared.columns(table)
        for j, col in enumerate(cols):
            ws.set_column(j, j, col["width"])
        title_row(ws, self.title, len(cols), self.title_fmt)
        for j, col in enumerate(cols):
            ws.write(HEAD_ROW, j, col["label"], self.head)
        ws.freeze_panes(HEAD_ROW + 1, 0)
        printable(ws, landscape, HEAD_ROW + 1)
        return ws

    def rows(self, ws: Any, rows: Iterator[list[Any]], fmt: Any = None, widths: list[float] | None = None) -> int:
        """Rows under the header; tall enough for their wrapped text (LibreOffice does not grow them on load)."""
        n = HEAD_ROW
        for n, row in enumerate(rows, start=HEAD_ROW + 1):
            if widths:
                ws.set_row(n, row_height(row, widths))
            for j, v in enumerate(row):
                ws.write(n, j, v, fmt or self.text)
        return n

    def table(self, table: str, rows: Iterator[list[Any]], landscape: bool = True) -> Any:
        ws = self.sheet(table, landscape)
        self.rows(ws, rows, widths=[c["width"] for c in common().columns(table)])
        return ws

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def row_height(row: list[Any], widths: list[float]) -> float:
    from ..workbook.book import wrapped_lines

    lines = max((wrapped_lines(v, w) for v, w in zip(row, widths, strict=False) if isinstance(v, str) and v and w > 0),
                default=1)
    return 15 * lines + 3


def header_formats(wb: Any) -> tuple[Any, Any]:
    """The header and total-row formats shared by 汇总表 and the 明细 sheet."""
    head = wb.add_format({"bold": True, "font_name": "黑体", "bg_color": "#DDEBF7", "border": 1,
                          "text_wrap": True, "valign": "top"})
    total = wb.add_format({"bold": True, "border": 1, "bg_color": "#FFF2CC"})
    return head, total


def _status_row(s: UnitStatus) -> list[Any]:
    e = s.entry
    counts: tuple[Any, Any] = (len(e.result.errors), len(e.result.warnings)) if e else ("", "")
    row = {"seq": s.unit.seq, "name": s.unit.name, "status": s.label, "submitted": _yes_no(e is not None),
           "errors": counts[0], "warnings": counts[1], "file": e.name if e else "", "sha256": e.sha if e else "",
           "mtime": local_time(e.source.mtime) if e else "", "saved": local_iso(e.doc_modified) if e else "",
           "matched_by": e.matched_by if e else "",
           "contact": s.unit.contact or (e.info.get("contact", "") if e else ""),
           "phone": s.unit.phone or (e.info.get("phone", "") if e else ""), "email": s.unit.email}
    return [row[c["key"]] for c in common().columns("status")]  # in the order common.json lists the columns


def first_error(e: Entry | None) -> str:
    """The main problem of a unit, for the 催报 sheet."""
    if e is None:
        return common().statuses["missing"]
    f = next((f for f in e.result.findings if f.level == "error"), None)
    more = len(e.result.errors) - 1
    return (f.message + (f"（另有{more}处错误）" if more > 0 else "")) if f else ""


def problem_rows(coll: Collection) -> Iterator[list[Any]]:
    """Every error and warning of every unit's submission (the text's disagreements included), one a row."""
    for s in coll.units:
        for f in (s.entry.result.findings if s.entry else []):
            if f.level in ("error", "warning"):
                yield [s.unit.seq, s.unit.name, LEVEL_ZH[f.level], f.sheet, f.cell, f.rule, f.message, f.quote]


def status_workbook(coll: Collection, now: datetime | None = None) -> bytes:
    """汇总表.xlsx: 进度, 提交情况, 催报, 问题清单, 数据, 雷同, 同比 (with last year's), 分析, 未识别文件,
    重复提交, 跳过的文件 (printable)."""
    from . import office

    now = now or datetime.now()
    b = _Book(coll, now)
    progress_sheet(b.wb, coll, now, b.formats())
    ws = b.sheet("status")
    status_col = [c["key"] for c in common().columns("status")].index("status")
    keys = [c["key"] for c in common().columns("status")]
    widths = [0 if k == "sha256" else c["width"] for k, c in zip(keys, common().columns("status"), strict=True)]
    for i, s in enumerate(coll.units, start=HEAD_ROW + 1):
        row = _status_row(s)
        ws.set_row(i, row_height(row, widths))
        for j, v in enumerate(row):
            fmt = (b.good if s.passing else b.bad) if j == status_col else (b.text if widths[j] else b.code)
            ws.write(i, j, v, fmt)
    ws.autofilter(HEAD_ROW, 0, HEAD_ROW + len(coll.units), len(common().columns("status")) - 1)
    chase = [s for s in coll.units if s.status in ("missing", "failed")]
    b.table("chase", ([s.unit.seq, s.unit.name, s.label, s.unit.contact, s.unit.phone, s.unit.email,
                       first_error(s.entry)] for s in chase))
    b.table("problems", problem_rows(coll))
    figures = b.wb.add_worksheet(common().sheets["figures"])
    figure_frame(figures, coll, b.head, b.total, b.title, b.title_fmt)
    printable(figures, True, FIGURE_FIRST_ROW - 1, wide=True)
    f = office.Formats(b.wb, b.text, b.head, b.total, b.title, b.title_fmt)
    office.similar_sheet(b.wb, coll, f)
    if coll.last_year:
        office.yoy_sheet(b.wb, coll, f)
    office.analysis_sheet(b.wb, coll, f)
    b.table("unknown", ([e.name, e.org, e.unit_id, e.year or "",
                         common().words["unknown_unit"] if e.result.readable
                         else "; ".join(f.message for f in e.result.errors)] for e in coll.unknown))
    b.table("duplicates", ([s.unit.name, s.entry.name if s.entry else "", d.name,
                            local_iso(d.doc_modified) or local_time(d.source.mtime)]
                           for s in coll.units for d in s.duplicates))
    b.table("skipped", ([e.name, e.result.findings[0].message if e.result.findings else ""] for e in coll.skipped))
    return with_figures(b.close(), coll, common().sheets["figures"], only_passing=False)


def _unit_rows(coll: Collection, only_passing: bool) -> tuple[int, Iterator[list[Any]]]:
    """(count, rows) of units with readable data: 序号, 单位名称, 计入汇总, every field."""
    spec = coll.spec
    keys = list(spec.fields)
    units = [s for s in coll.units if s.entry and s.entry.values and (not only_passing or s.passing)]

    def rows() -> Iterator[list[Any]]:
        for s in units:
            assert s.entry is not None
            full = spec.compute(s.entry.value_map(spec))
            yield [s.unit.seq, s.unit.name, _yes_no(s.passing), *[_cell_number(full[k]) for k in keys]]

    return len(units), rows()


def figure_frame(ws: Any, coll: Collection, head: Any, total: Any, title_text: str, title_fmt: Any) -> None:
    """The title line, header rows (label path; sheet!cell), the consolidated total, widths, panes."""
    spec = coll.spec
    keys = list(spec.fields)
    places = [spec.layout.values[k] for k in keys]
    fixed = common().columns("figures")
    for j, c in enumerate(fixed):
        ws.set_column(j, j, c["width"])
    ws.set_column(len(fixed), len(fixed) + len(keys) - 1, 14)
    title_row(ws, title_text, min(len(fixed) + len(keys), 12), title_fmt)
    ws.set_row(1, 60)
    ws.write_row(1, 0, [c["label"] for c in fixed] +
                 [" › ".join((p.sheet, *spec.fields[k].label_path)) for k, p in zip(keys, places, strict=True)], head)
    ws.write_row(2, 0, [""] * len(fixed) + [f"{p.sheet}!{p.cell}" for p in places], head)  # in order: constant memory
    ws.write_row(3, 0, ["", common().words["consolidated_row"], ""], total)
    ws.write_row(3, len(fixed), [_cell_number(coll.totals[k]) for k in keys], total)
    ws.freeze_panes(FIGURE_FIRST_ROW - 1, 2)


def _cell_number(v: Number) -> int | float:
    return v if type(v) is int else float(v)


def with_figures(blob: bytes, coll: Collection, sheet: str, only_passing: bool) -> bytes:
    """Stream the unit rows into a sheet whose frame ``figure_frame`` wrote."""
    count, rows = _unit_rows(coll, only_passing)
    return splice_rows(blob, sheet, rows, first_row=FIGURE_FIRST_ROW, count=count,
                       last_col=len(common().columns("figures")) + len(coll.spec.fields))


def detail_writer(coll: Collection):  # type: ignore[no-untyped-def]
    """The frame of the 明细 sheet in the consolidated workbook; rows come from ``with_figures``."""

    def write(wb: Any, formats: dict[str, Any]) -> None:
        ws = wb.add_worksheet(common().sheets["detail"])
        head, total = header_formats(wb)
        figure_frame(ws, coll, head, total, title(coll, datetime.now()), formats["title"])
        printable(ws, True, FIGURE_FIRST_ROW - 1, wide=True)
        ws.protect("", {"autofilter": True, "sort": True, "format_columns": True})

    return write
