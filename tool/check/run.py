"""Glue for ``nianbao check``: file → Submission → CheckResult, for one file or a batch.

Never raises for a bad input: an unreadable file becomes a CheckResult with ``readable=False``
and one FILE_UNREADABLE finding (exit 2). The human report is rendered here, the CLI prints it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..core.errors import NianbaoError, UnreadableError, UsageError
from ..core.files import display_name
from ..core.findings import LEVEL_ZH, CheckResult, Finding, failed, failed_code, make, unreadable
from ..core.isolate import Failed, isolated_map, run_isolated
from ..format import Spec, common
from ..format.interchange import ReportData
from ..format.layout import position
from ..format.localrules import NATIONAL, RULES_META, LocalRules, from_text
from ..read import Submission, read_bytes, read_file
from ..text import text_findings
from .preflight import preflight
from .rules import check_data, readable_values


def unreadable_result(name: str, e: UnreadableError) -> CheckResult:
    return unreadable(name, e.code, e.params)


def result_of(sub: Submission, *, prev: ReportData | None = None, prev_findings: Iterable[Finding] = (),
              rules: LocalRules | None = None, stage: str = "check") -> CheckResult:
    """Reading findings plus every rule, for a submission that was read. ``rules``: the local rules
    given (``--rules``); None: the ones stored in the workbook by ``distribute``, else the national.
    ``stage``: "report" before a report is generated (an incomplete report is refused, ``report_rules``)."""
    d = sub.data
    spec = sub.spec or d.spec
    local, notes = (rules, []) if rules is not None else stored_rules(sub.meta)
    unread = sub.unread
    values = readable_values(d, spec, unread)
    found = check_data(d, spec=spec, prev=prev, totals=sub.totals, unread=unread, rules=local, values=values,
                       stage=stage)
    found += text_findings(d, spec, values, rows=sub.text_rows, skip=unread, rules=local)
    found += preflight(d, spec)
    marks = {}
    if prev is not None:  # the year before: figures that moved, text copied, problems repeated
        from ..compare.lastyear import against_last_year  # not on the path of a plain check's cold start

        ag = against_last_year(d, spec, values, prev, rows=sub.text_rows, rules=local)
        found += ag.findings
        marks = ag.marks
    findings = local.apply(sub.findings + list(prev_findings) + notes + found)
    kept = {f.rule for f in findings}
    return CheckResult(sub.file, d.format, d.year, d.org, _ordered(sub, findings),
                       marks=marks if "TEXT_SIMILAR_LAST_YEAR" in kept else {})


def stored_rules(meta: dict[str, str]) -> tuple[LocalRules, list[Finding]]:
    """The local rules ``distribute`` stored in the workbook's metadata (a broken copy: national, noted)."""
    text = meta.get(RULES_META, "")
    if not text.strip():
        return NATIONAL, []
    try:
        return from_text(text, common().sheets["meta"]), []
    except UsageError as e:
        return NATIONAL, [make("RULES_EMBEDDED_INVALID", reason=e.message.splitlines()[-1].strip(" -"))]


def _ordered(sub: Submission, findings: list[Finding]) -> list[Finding]:
    """Sheet order of the workbook, then row, then column; whole-file findings first."""
    spec = sub.spec or sub.data.spec
    common = spec.common.sheets
    sheets = [common["meta"], common["info"], *dict.fromkeys(t.sheet for t in spec.tables.values()), common["text"]]
    rank = {s: i for i, s in enumerate(sheets)}

    def key(f: Finding) -> tuple[int, int, int, int]:
        return (rank.get(f.sheet, -1) if f.sheet else -2, *position(f.cell), 0 if f.level == "error" else 1)

    return sorted(findings, key=key)


def check_bytes(data: bytes, name: str, *, prev: ReportData | None = None,
                spec: Spec | None = None, rules: LocalRules | None = None,
                stage: str = "check") -> tuple[Submission | None, CheckResult]:
    """Read and check one workbook's bytes; never raises for a bad file."""
    try:
        sub = read_bytes(data, name, spec=spec)
    except UnreadableError as e:
        return None, unreadable_result(name, e)
    return sub, result_of(sub, prev=prev, rules=rules, stage=stage)


def _read_path(path: str) -> Submission | UnreadableError:
    """Read one file (runs in a worker process): the submission, or why it cannot be read."""
    try:
        return read_file(path)
    except UnreadableError as e:
        return e


def read_isolated(path: str | Path) -> Submission | UnreadableError:
    """``read_file`` in a worker process: a crash, hang or runaway memory is the file's problem."""
    got = run_isolated(_read_path, str(path))
    if isinstance(got, Failed):
        code, params = failed_code(got)
        return UnreadableError(code, file=display_name(path), **params)
    return got


def load_last_year(path: str | Path) -> tuple[ReportData | None, list[Finding]]:
    """Last year's report for the cross-year rules; a problem is a warning, not a stop."""
    sub = read_isolated(path)
    if isinstance(sub, NianbaoError):
        return None, [make("CROSS_YEAR_UNREAD", file=display_name(path), reason=sub.message)]
    if sub.unread:
        return None, [make("CROSS_YEAR_UNREAD_VALUES", file=display_name(path), count=len(sub.unread))]
    return sub.data, []


def year_findings(data: ReportData | None, prev: ReportData | None, last_year: str) -> list[Finding]:
    if data is None or prev is None or not data.year or prev.year == data.year - 1:
        return []
    return [make("CROSS_YEAR_YEAR", file=last_year, expected=data.year - 1, actual=prev.year or "（空）")]


def _check_path(job: tuple[str, ReportData | None, list[Finding], str, LocalRules | None, str]
                ) -> tuple[Submission | None, CheckResult]:
    """Read and check one file (runs in a worker process)."""
    path, prev, prev_notes, last_year, rules, stage = job
    try:
        sub = read_file(path)
    except UnreadableError as e:
        return None, unreadable_result(display_name(path), e)
    notes = prev_notes + year_findings(sub.data, prev, last_year)
    return sub, result_of(sub, prev=prev, prev_findings=notes, rules=rules, stage=stage)


def check_files(paths: Iterable[str | Path], *, last_year: str | None = None, rules: LocalRules | None = None,
                stage: str = "check"
                ) -> list[tuple[Submission | None, CheckResult]]:
    """Every file read and checked in a worker process: one file's crash never stops the others."""
    prev, prev_notes = load_last_year(last_year) if last_year else (None, [])
    paths = [str(p) for p in paths]
    jobs = [(p, prev, prev_notes, last_year or "", rules, stage) for p in paths]
    out: list[tuple[Submission | None, CheckResult]] = []
    for p, got in zip(paths, isolated_map(_check_path, jobs, jobs=min(len(paths), os.cpu_count() or 1)),
                      strict=True):
        if Path(p).is_dir():  # 收件箱/ given to check: point to collect (or a glob), without a trailing /
            out.append((None, unreadable(display_name(p).rstrip("/\\") or display_name(p), "FILE_IS_FOLDER")))
            continue
        out.append((None, failed(display_name(p), got)) if isinstance(got, Failed) else got)
    return out


def run_check(paths: Iterable[str | Path], *, last_year: str | None = None, annotate: str | Path | None = None,
              rules: LocalRules | None = None, overwrite: bool = False) -> tuple[list[CheckResult], list[Path]]:
    """``nianbao check``: every file's result, and the marked-up copies written to ``annotate``."""
    paths = list(paths)
    checked = check_files(paths, last_year=last_year, rules=rules)
    written: list[Path] = []
    if annotate:
        from .annotate import annotate_all

        written = annotate_all(checked, annotate, inputs=[*paths, *([last_year] if last_year else [])],
                               overwrite=overwrite)
    return [r for _, r in checked], written


def exit_code(results: Iterable[CheckResult]) -> int:
    return max((r.exit_code for r in results), default=0)


# -- the human report -----------------------------------------------------------------------------

def describe(result: CheckResult, verbose: bool = False) -> str:
    """Chinese text for one file: a summary line, then findings grouped by sheet; ``verbose`` adds
    each finding's code ([T3_BALANCE]: what ``nianbao codes`` explains; JSON always carries it)."""
    if not result.readable:
        code = f"  [{result.findings[0].rule}]" if verbose else ""
        return f"✘ {result.file}：无法读取\n    {result.findings[0].message}{code}"
    errors, warnings = len(result.errors), len(result.warnings)
    head = "✔" if result.ok else "✘"
    what = "，".join(x for x in (f"{result.format} 格式" if result.format else "",
                                 f"{result.year} 年度" if result.year else "", result.org) if x)
    counts = f"{errors} 个错误，{warnings} 个警告" if errors or warnings else "校验通过"
    lines = [f"{head} {result.file}（{what}）：{counts}"]
    groups: dict[str, list[Finding]] = {}
    for f in result.findings:
        groups.setdefault(f.sheet or common().words["whole_file"], []).append(f)
    for sheet, items in groups.items():
        lines.append(f"  【{sheet}】")
        for f in items:
            lines.append(f"    {LEVEL_ZH[f.level]}：{f.message}" + (f"  [{f.rule}]" if verbose else ""))
    return "\n".join(lines)
