"""``nianbao export``: a workbook's data as the interchange JSON or as a flat CSV of table values.

Refused (exit 1) while values are unreadable or invalid, so exported data always rebuilds the
same workbook with ``template --data``.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from ..core.errors import NianbaoError
from ..core.findings import CheckResult, Finding, fmt_number
from ..format.interchange import ReportData
from ..read import Submission, read_file
from .run import result_of

_UNEXPORTABLE = ("VALUE_", "STRUCT_", "TOTAL_")
CSV_HEADER = ("表", "行标签", "列标签", "字段键", "数值", "单位")


class DataErrors(NianbaoError):
    """The workbook was read but its numbers cannot be exported as they are."""

    exit_code = 1


def blockers(sub: Submission, result: CheckResult) -> list[Finding]:
    """The errors that keep a workbook's data from being exported (unreadable or invalid values)."""
    return [f for f in result.errors if f.rule.startswith(_UNEXPORTABLE) or f.key in sub.bad]


def export_data(path: str | Path) -> ReportData:
    """The data of a workbook, for ``export``: refused while values are unreadable or invalid."""
    sub = read_file(path)
    result = result_of(sub)
    blocking = blockers(sub, result)
    if blocking:
        lines = "\n".join(f"  - {f.message}" for f in blocking[:20])
        more = f"\n  …… 共 {len(blocking)} 处" if len(blocking) > 20 else ""
        raise DataErrors(f"{path}：以下问题使数据无法导出，请先改正（nianbao check 可查看全部问题）：\n{lines}{more}")
    return sub.data


def to_json_text(data: ReportData) -> str:
    return json.dumps(data.to_json(), ensure_ascii=False, indent=1)


def to_csv_text(data: ReportData) -> str:
    """Every field of the tables, totals included: table, row labels, column labels, key, value, unit.

    Written with a BOM by the caller when it goes to a file, so that Excel opens it as UTF-8.
    """
    spec = data.spec
    values = data.all_values()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for key, f in spec.fields.items():
        v = values[key]
        w.writerow([spec.tables[f.table].sheet, " › ".join(f.row_path), " › ".join(f.col_path), key,
                    fmt_number(v) if isinstance(v, Decimal) else v, f.unit])
    return buf.getvalue()
