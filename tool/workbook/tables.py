"""The table sheets (表二/三/四): labels and merges from the grid, input cells with validation,
total formulas, column widths and row heights from the labels they must show."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..format import Field, Spec, Table
from ..format.interchange import ReportData
from ..format.layout import sheet_row
from .book import LINE_PT, Book, disp_width, print_setup, wrapped_lines
from .checks import Sheet, place_checks
from .formulas import total_formula


def num_format(f: Field) -> str:
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


def table_sheet(bk: Book, table: Table, data: ReportData, prev: Mapping[str, str]) -> Sheet:
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
                   formula=True, num_format=num_format(f))
        else:
            bk.put(ws, p.row, p.col, data.values.get(key), "input", rows=p.rows, cols=p.cols,
                   num_format=num_format(f))
            groups.setdefault(tuple(sorted(_validation(f).items())), []).append(p.ref)
        bk.name(p)
    _validate_groups(ws, groups)
    sh = Sheet(ws, table)
    widths = _column_widths(table)
    place_checks(bk, sh, widths, prev)
    for c, w in widths.items():
        ws.set_column(c - 1, c - 1, w)
    _row_heights(ws, table, widths, sh.head_lines)
    bk.header(ws, table.title, _table_hint(spec, table), table.n_cols,
              sum(widths.get(c, 9) for c in range(1, table.n_cols + 1)))
    first_value = min((c.c for c in table.values), default=1)
    ws.freeze_panes(sheet_row(table.header_rows), first_value - 1)
    print_setup(ws, landscape=sum(widths.values()) > 110, header_rows=sheet_row(table.header_rows))
    return sh


def _column_widths(table: Table) -> dict[int, float]:
    """Widths from the labels each column must show (merged labels spread over their columns)."""
    value_cols = {c for v in table.values for c in range(v.c, v.c + v.colspan)}
    out = {c: (10.0 if c in value_cols else 6.0) for c in range(1, table.n_cols + 1)}
    for cell in table.labels:
        if cell.colspan == 1 and cell.kind != "corner_note":
            lines = min(cell.rowspan, 4) if cell.kind == "row_header" else 3
            out[cell.c] = max(out[cell.c], min(disp_width(cell.text) * 1.1 / lines + 1, 34))
    for cell in table.labels:
        span = range(cell.c, cell.c + cell.colspan)
        if cell.colspan > 1 and cell.kind == "row_header":
            need = min(disp_width(cell.text) * 1.1 / 2 + 1, 60) - sum(out[c] for c in span)
            if need > 0:
                out[cell.c + cell.colspan - 1] += need
    return out


def _row_heights(ws: Worksheet, table: Table, widths: Mapping[int, float], extra: Mapping[int, int]) -> None:
    """Row heights from the wrapped labels (and 校验 column headers: ``extra`` table row → lines)."""
    need: dict[int, int] = dict(extra)
    for cell in table.labels:
        width = sum(widths.get(c, 9) for c in range(cell.c, cell.c + cell.colspan))
        per_row = math.ceil(wrapped_lines(cell.text, width) / cell.rowspan)
        for r in range(cell.r, cell.r + cell.rowspan):
            need[r] = max(need.get(r, 1), per_row)
    for r in range(1, table.n_rows + 1):
        ws.set_row(sheet_row(r) - 1, max(need.get(r, 1), 1) * LINE_PT + 6)
