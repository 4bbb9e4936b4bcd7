"""Writing what ``collect`` decided: 汇总表.xlsx, the consolidated workbook, 退回 copies,
findings.json and a manifest that ``report --all`` reads.

The status workbook is written in xlsxwriter's constant-memory mode (row by row), since its
figures sheet grows to thousands of units × 200 fields.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .collect import Collection, Entry, UnitStatus
from .files import safe_name
from .layout import layout
from .spec import Number

STATUS_FILE = "汇总表.xlsx"
FINDINGS_FILE = "findings.json"
MANIFEST_FILE = "manifest.json"
RETURNS_DIR = "退回"


def consolidated_name(coll: Collection) -> str:
    return safe_name(coll.spec.common.form_title(coll.org, coll.year or "")) + "（汇总）.xlsx"


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


def _levels(e: Entry | None) -> tuple[int | str, int | str]:
    return (len(e.result.errors), len(e.result.warnings)) if e else ("", "")


class _Book:
    """A constant-memory xlsxwriter workbook with the few formats we use."""

    def __init__(self) -> None:
        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"constant_memory": True})  # rows go to temp files, not memory
        self.wb.set_properties({"title": "政府信息公开工作年度报告汇总表", "author": "nianbao"})
        self.head = self.wb.add_format({"bold": True, "font_name": "黑体", "bg_color": "#DDEBF7",
                                        "border": 1, "text_wrap": True, "valign": "top"})
        self.text = self.wb.add_format({"font_name": "仿宋", "border": 1})
        self.bad = self.wb.add_format({"font_name": "仿宋", "border": 1, "font_color": "#C00000", "bold": True})
        self.good = self.wb.add_format({"font_name": "仿宋", "border": 1, "font_color": "#006100"})
        self.total = self.wb.add_format({"bold": True, "border": 1, "bg_color": "#FFF2CC"})

    def sheet(self, name: str, headers: list[str], widths: list[int]) -> Any:
        ws = self.wb.add_worksheet(name)
        for j, (h, w) in enumerate(zip(headers, widths, strict=True)):
            ws.set_column(j, j, w)
            ws.write(0, j, h, self.head)
        ws.freeze_panes(1, 0)
        return ws

    def rows(self, ws: Any, rows: Iterator[list[Any]], fmt: Any = None) -> int:
        n = 0
        for n, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                ws.write(n, j, v, fmt or self.text)
        return n

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def _status_row(s: UnitStatus) -> list[Any]:
    e = s.entry
    errors, warnings = _levels(e)
    return [s.unit.seq, s.unit.name, s.label, "是" if e else "否", errors, warnings,
            e.name if e else "", e.sha if e else "", _time(e.source.mtime) if e else "",
            e.doc_modified if e else "", e.matched_by if e else "",
            s.unit.contact or (e.info.get("contact", "") if e else ""),
            s.unit.phone or (e.info.get("phone", "") if e else ""), s.unit.email]


def _first_error(e: Entry | None) -> str:
    if e is None:
        return "尚未提交"
    f = next((f for f in e.result.findings if f.level == "error"), None)
    more = len(e.result.errors) - 1
    return (f.message + (f"（另有{more}处错误）" if more > 0 else "")) if f else ""


def status_workbook(coll: Collection) -> bytes:
    """汇总表.xlsx: 提交情况, 催报, 数据, 未识别文件, 重复提交."""
    b = _Book()
    ws = b.sheet("提交情况", ["序号", "单位名称", "状态", "已提交", "错误数", "警告数", "文件", "SHA-256",
                          "文件修改时间", "填报表保存时间", "识别方式", "联系人", "联系电话", "邮箱"],
                 [6, 28, 14, 8, 8, 8, 40, 20, 20, 20, 10, 10, 16, 22])
    for i, s in enumerate(coll.units, start=1):
        for j, v in enumerate(_status_row(s)):
            ws.write(i, j, v, b.good if j == 2 and s.status in ("passed", "warned") else
                     b.bad if j == 2 else b.text)
    ws.autofilter(0, 0, len(coll.units), 13)
    chase = [s for s in coll.units if s.status in ("missing", "failed")]
    ws = b.sheet("催报", ["序号", "单位名称", "状态", "联系人", "联系电话", "邮箱", "主要问题"],
                 [6, 28, 10, 10, 16, 22, 80])
    b.rows(ws, ([s.unit.seq, s.unit.name, s.label, s.unit.contact, s.unit.phone, s.unit.email,
                 _first_error(s.entry)] for s in chase))
    fig = b.wb.add_worksheet(FIGURES_SHEET)
    _frame(fig, coll, b.head, b.total)
    ws = b.sheet("未识别文件", ["文件", "单位名称（表内）", "单位代码（表内）", "年度", "说明"], [40, 28, 16, 8, 60])
    b.rows(ws, ([e.name, e.org, e.unit_id, e.year or "",
                 "名单中没有这个单位，请核对单位名称或在名单中补充（曾用名）" if e.result.readable
                 else "; ".join(f.message for f in e.result.errors)] for e in coll.unknown))
    ws = b.sheet("重复提交", ["单位名称", "采用的文件", "未采用的文件", "未采用文件的保存时间"], [28, 40, 40, 20])
    b.rows(ws, ([s.unit.name, s.entry.name if s.entry else "", d.name, d.doc_modified or _time(d.source.mtime)]
                for s in coll.units for d in s.duplicates))
    return with_figures(b.close(), coll, FIGURES_SHEET, only_passing=False)


FIGURES_SHEET = "数据"
DETAIL_SHEET = "明细"
_FIXED_COLS = 3  # 序号, 单位名称, and 计入汇总 (figures) / 备注 (明细)


def _unit_rows(coll: Collection, only_passing: bool) -> tuple[int, Iterator[list[Any]]]:
    """(count, rows) of units with readable data: 序号, 单位名称, 计入汇总, every field."""
    spec = coll.spec
    keys = list(spec.fields)
    passing = {s.unit.seq for s in coll.units if s.status in ("passed", "warned")}
    units = [s for s in coll.units if s.entry and s.entry.values and (not only_passing or s.unit.seq in passing)]

    def rows() -> Iterator[list[Any]]:
        for s in units:
            full = spec.compute(dict(zip(spec.inputs, s.entry.values, strict=True)))
            yield [s.unit.seq, s.unit.name, "是" if s.unit.seq in passing else "否",
                   *[v if type(v) is int else float(v) for v in (full[k] for k in keys)]]

    return len(units), rows()


def _frame(ws: Any, coll: Collection, head: Any, total: Any) -> None:
    """Header rows (label path; key and cell), the consolidated total in row 3, widths, panes."""
    spec = coll.spec
    lay = layout(spec.id)
    keys = list(spec.fields)
    places = [lay.values[k] for k in keys]
    ws.write_row(0, 0, ["序号", "单位名称", "计入汇总",
                        *(" › ".join((p.sheet, *spec.fields[k].label_path)) for k, p in zip(keys, places, strict=True))],
                 head)
    ws.write_row(1, 0, ["", "", "", *(f"{p.sheet}!{p.cell}" for p in places)], head)  # rows in order: constant memory
    ws.write_row(2, 0, ["", "汇总（计入汇总的单位之和）", ""], total)
    ws.write_row(2, _FIXED_COLS, [_cell_number(coll.totals[k]) for k in keys], total)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 8)
    ws.set_column(_FIXED_COLS, _FIXED_COLS + len(keys) - 1, 14)
    ws.set_row(0, 60)
    ws.freeze_panes(3, 2)


def _cell_number(v: Number) -> int | float:
    return v if isinstance(v, int) else float(v)


def with_figures(blob: bytes, coll: Collection, sheet: str, only_passing: bool) -> bytes:
    """Stream the unit rows into a sheet whose frame ``_frame`` wrote."""
    from .sheetxml import splice_rows

    count, rows = _unit_rows(coll, only_passing)
    return splice_rows(blob, sheet, rows, first_row=4, count=count,
                       last_col=_FIXED_COLS + len(coll.spec.fields))


def detail_writer(coll: Collection):  # type: ignore[no-untyped-def]
    """The frame of the 明细 sheet in the consolidated workbook; rows come from ``with_figures``."""

    def write(wb: Any, _formats: dict[str, Any]) -> None:
        ws = wb.add_worksheet(DETAIL_SHEET)
        head = wb.add_format({"bold": True, "font_name": "黑体", "bg_color": "#DDEBF7", "border": 1,
                              "text_wrap": True, "valign": "top"})
        total = wb.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
        _frame(ws, coll, head, total)
        ws.protect("", {"autofilter": True, "sort": True, "format_columns": True})

    return write


def findings_json(coll: Collection) -> bytes:
    files = []
    for e in coll.entries + coll.skipped:
        d = e.result.to_dict()
        d["file"] = e.name
        d["unit"] = e.unit.name if e.unit else None
        d["sha256"] = e.sha
        d["skipped"] = e in coll.skipped
        files.append(d)
    return json.dumps(files, ensure_ascii=False, indent=1).encode()


def manifest(coll: Collection, consolidated: Path | None, returns: dict[str, str]) -> bytes:
    """What ``report --all`` needs: the passing units' source files and the consolidated one."""
    units = [{"seq": s.unit.seq, "name": s.unit.name, "status": s.status, "source": s.entry.source.path,
              "member": s.entry.source.member, "file": s.entry.name, "return": returns.get(s.unit.seq, "")}
             for s in coll.units if s.entry]
    return json.dumps({"format": coll.format, "year": coll.year, "org": coll.org,
                       "consolidated": consolidated.name if consolidated else None,
                       "units": units}, ensure_ascii=False, indent=1).encode()


def summary(coll: Collection) -> str:
    n_sub = sum(1 for s in coll.units if s.entry)
    lines = [f"共 {len(coll.units)} 个单位：已交 {n_sub} 份，缺 {coll.count('missing')} 份，"
             f"{coll.count('failed')} 份有错误，{coll.count('warned')} 份通过（有警告），{coll.count('passed')} 份通过。"]
    if coll.count("failed"):
        lines.append(f"有错误的 {coll.count('failed')} 个单位未计入汇总：" +
                     "、".join(s.unit.name for s in coll.units if s.status == "failed"))
    if coll.unknown:
        lines.append(f"另有 {len(coll.unknown)} 个文件无法对应到名单中的单位（见 汇总表.xlsx 的“未识别文件”）。")
    dups = sum(len(s.duplicates) for s in coll.units)
    if dups:
        lines.append(f"{dups} 份重复提交，已采用最新的一份（见“重复提交”）。")
    return "\n".join(lines)
