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
from .layout import layout
from .spec import Number, Spec

STATUS_FILE = "汇总表.xlsx"
FINDINGS_FILE = "findings.json"
MANIFEST_FILE = "manifest.json"
RETURNS_DIR = "退回"


def consolidated_name(coll: Collection) -> str:
    return f"{coll.org}{coll.year or ''}年政府信息公开工作年度报告填报表（汇总）.xlsx"


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


def _levels(e: Entry | None) -> tuple[int | str, int | str]:
    return (len(e.result.errors), len(e.result.warnings)) if e else ("", "")


class _Book:
    """A constant-memory xlsxwriter workbook with the few formats we use."""

    def __init__(self) -> None:
        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"constant_memory": True, "in_memory": True})
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
    _figures_sheet(b, coll)
    ws = b.sheet("未识别文件", ["文件", "单位名称（表内）", "单位代码（表内）", "年度", "说明"], [40, 28, 16, 8, 60])
    b.rows(ws, ([e.name, e.org, e.unit_id, e.year or "",
                 "名单中没有这个单位，请核对单位名称或在名单中补充（曾用名）" if e.result.readable
                 else "; ".join(f.message for f in e.result.errors)] for e in coll.unknown))
    ws = b.sheet("重复提交", ["单位名称", "采用的文件", "未采用的文件", "未采用文件的保存时间"], [28, 40, 40, 20])
    b.rows(ws, ([s.unit.name, s.entry.name if s.entry else "", d.name, d.doc_modified or _time(d.source.mtime)]
                for s in coll.units for d in s.duplicates))
    return b.close()


def _figures_sheet(b: _Book, coll: Collection) -> None:
    """One row per unit with readable data, one column per field, then the consolidated total."""
    spec = coll.spec
    lay = layout(spec.id)
    keys = list(spec.fields)
    heads = ["序号", "单位名称", "计入汇总"] + [" › ".join((lay.values[k].sheet, *spec.fields[k].label_path))
                                           for k in keys]
    ws = b.sheet("数据", heads, [6, 28, 8] + [14] * len(keys))
    for j, k in enumerate(keys, start=3):  # row 2: the key and cell, for systems reading the sheet
        ws.write(1, j, f"{k} ({lay.values[k].sheet}!{lay.values[k].cell})", b.text)
    ws.write(1, 0, "", b.text)
    passing = {s.unit.seq for s in coll.units if s.status in ("passed", "warned")}
    r = 1
    for s in coll.units:
        if not (s.entry and s.entry.values):
            continue
        r += 1
        full = spec.compute(dict(zip(spec.inputs, s.entry.values, strict=True)))
        ws.write_row(r, 0, [s.unit.seq, s.unit.name, "是" if s.unit.seq in passing else "否"])
        ws.write_row(r, 3, [_cell_number(full[k]) for k in keys])
    r += 1
    ws.write_row(r, 0, ["", "汇总（计入汇总的单位之和）", ""], b.total)
    ws.write_row(r, 3, [_cell_number(coll.totals[k]) for k in keys], b.total)


def _cell_number(v: Number) -> int | float:
    return v if isinstance(v, int) else float(v)


def detail_writer(coll: Collection):  # type: ignore[no-untyped-def]
    """The 明细 sheet of the consolidated workbook: every non-zero contribution, one per row."""
    spec: Spec = coll.spec
    lay = layout(spec.id)

    def write(wb: Any, _formats: dict[str, Any]) -> None:
        ws = wb.add_worksheet("明细")
        head = wb.add_format({"bold": True, "font_name": "黑体", "bg_color": "#DDEBF7", "border": 1})
        ws.write_row(0, 0, ["工作表", "单元格", "项目", "单位", "数值", "字段键"], head)
        for j, w in enumerate((8, 8, 60, 28, 12, 36)):
            ws.set_column(j, j, w)
        r = 0
        for unit, values in coll.contributions:
            for k, v in zip(spec.inputs, values, strict=True):
                if v:
                    r += 1
                    p = lay.values[k]
                    ws.write_row(r, 0, [p.sheet, p.cell, " › ".join(spec.fields[k].label_path),
                                        unit.name, _cell_number(v), k])
        ws.autofilter(0, 0, max(r, 1), 5)
        ws.freeze_panes(1, 0)
        ws.protect("", {"autofilter": True, "sort": True})

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
