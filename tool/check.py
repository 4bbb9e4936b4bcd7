"""Glue for ``nianbao check``: file → Submission → CheckResult, for one file or a batch.

Never raises for a bad input: an unreadable file becomes a CheckResult with ``readable=False``
and one FILE_UNREADABLE finding (exit 2). The human report is rendered here, the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .data import ReportData
from .errors import NianbaoError
from .findings import LEVEL_ZH, CheckResult, Finding, make
from .reader import Submission, display_name, read_bytes, read_file
from .rules import check_data
from .spec import Spec


def unreadable(name: str, message: str) -> CheckResult:
    return CheckResult(name, findings=[make("FILE_UNREADABLE", "error", detail=message)], readable=False)


def result_of(sub: Submission, *, prev: ReportData | None = None,
              prev_findings: Iterable[Finding] = ()) -> CheckResult:
    """Reading findings plus every rule, for a submission that was read."""
    d = sub.data
    rules = check_data(d, spec=sub.spec, prev=prev, totals=sub.totals, unread=sub.unread)
    findings = sub.findings + list(prev_findings) + rules
    return CheckResult(sub.file, d.format, d.year, d.org, _ordered(sub, findings))


def _ordered(sub: Submission, findings: list[Finding]) -> list[Finding]:
    """Sheet order of the workbook, then row, then column; whole-file findings first."""
    spec = sub.spec or sub.data.spec
    common = spec.common.sheets
    sheets = [common["meta"], common["info"], *dict.fromkeys(t.sheet for t in spec.tables.values()), common["text"]]
    rank = {s: i for i, s in enumerate(sheets)}

    def key(f: Finding) -> tuple[int, int, str, int]:
        digits = "".join(ch for ch in f.cell if ch.isdigit())
        letters = "".join(ch for ch in f.cell if ch.isalpha())
        return (rank.get(f.sheet, -1) if f.sheet else -2, int(digits or 0), f"{len(letters):02d}{letters}",
                0 if f.level == "error" else 1)

    return sorted(findings, key=key)


def check_bytes(data: bytes, name: str, *, prev: ReportData | None = None,
                spec: Spec | None = None) -> tuple[Submission | None, CheckResult]:
    """Read and check one workbook's bytes; never raises for a bad file."""
    try:
        sub = read_bytes(data, name, spec=spec)
    except NianbaoError as e:
        return None, unreadable(name, e.message)
    return sub, result_of(sub, prev=prev)


def load_last_year(path: str | Path) -> tuple[ReportData | None, list[Finding]]:
    """Last year's report for the cross-year rules; a problem is a warning, not a stop."""
    try:
        sub = read_file(path)
    except NianbaoError as e:
        return None, [make("CROSS_YEAR_UNREAD", "warning", file=display_name(path), detail=e.message)]
    unread = sub.unread
    if unread:
        detail = f"有 {len(unread)} 个数字单元格无法读取（请先用 nianbao check 校验上年文件）"
        return None, [make("CROSS_YEAR_UNREAD", "warning", file=display_name(path), detail=detail)]
    return sub.data, []


def year_findings(data: ReportData | None, prev: ReportData | None, last_year: str) -> list[Finding]:
    if data is None or prev is None or not data.year or prev.year == data.year - 1:
        return []
    return [make("CROSS_YEAR_YEAR", "warning", file=last_year, expected=data.year - 1, actual=prev.year or "（空）")]


def check_files(paths: Iterable[str | Path], *, last_year: str | None = None
                ) -> list[tuple[Submission | None, CheckResult]]:
    prev, prev_notes = load_last_year(last_year) if last_year else (None, [])
    out = []
    for p in paths:
        sub = None
        try:
            sub = read_file(p)
        except NianbaoError as e:
            out.append((None, unreadable(display_name(p), e.message)))
            continue
        notes = prev_notes + year_findings(sub.data, prev, last_year or "")
        out.append((sub, result_of(sub, prev=prev, prev_findings=notes)))
    return out


def exit_code(results: Iterable[CheckResult]) -> int:
    return max((r.exit_code for r in results), default=0)


# -- the human report -----------------------------------------------------------------------------

def describe(result: CheckResult) -> str:
    """Chinese text for one file: a summary line, then findings grouped by sheet."""
    if not result.readable:
        return f"✘ {result.file}：无法读取\n    {result.findings[0].message}"
    errors, warnings = len(result.errors), len(result.warnings)
    head = "✔" if result.ok else "✘"
    what = "，".join(x for x in (f"{result.format} 格式" if result.format else "",
                                 f"{result.year} 年度" if result.year else "", result.org) if x)
    counts = f"{errors} 个错误，{warnings} 个警告" if errors or warnings else "校验通过"
    lines = [f"{head} {result.file}（{what}）：{counts}"]
    groups: dict[str, list[Finding]] = {}
    for f in result.findings:
        groups.setdefault(f.sheet or "整个文件", []).append(f)
    for sheet, items in groups.items():
        lines.append(f"  【{sheet}】")
        for f in items:
            lines.append(f"    {LEVEL_ZH[f.level]}：{f.message}  [{f.rule}]")
    return "\n".join(lines)


class DataErrors(NianbaoError):
    """The workbook was read but its numbers cannot be exported as they are."""

    exit_code = 1


_UNEXPORTABLE = ("VALUE_", "STRUCT_")


def export_data(path: str | Path) -> ReportData:
    """The data of a workbook, for ``export``: refused while values are unreadable or invalid."""
    sub = read_file(path)
    result = result_of(sub)
    blocking = [f for f in result.errors if f.rule.startswith(_UNEXPORTABLE) or f.key in sub.bad]
    if blocking:
        lines = "\n".join(f"  - {f.message}" for f in blocking[:20])
        more = f"\n  …… 共 {len(blocking)} 处" if len(blocking) > 20 else ""
        raise DataErrors(f"{path}：以下问题使数据无法导出，请先改正（nianbao check 可查看全部问题）：\n{lines}{more}")
    return sub.data
