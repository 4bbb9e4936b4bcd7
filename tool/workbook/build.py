"""The fill-in workbook (``nianbao template``, and the copies distribute/collect/check write).

Built with xlsxwriter from a ``Spec`` and its layout: labels, merges, input cells, total
formulas and 校验 cells all come from the format data, so a relation added to the data shows
up here without code changes. Output is deterministic (fixed document timestamps).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import xlsxwriter

from ..core.files import output_dir, safe_name, write_atomic
from ..core.findings import Finding
from ..format import Spec, load, versions
from ..format.interchange import ReportData
from .book import FIXED_TIME, TEXT_ONLY, WRITERS, Book
from .sheets import checks_sheet, guide_sheet, info_sheet, meta_sheet, reference_refs, reference_sheet, text_sheet
from .tables import table_sheet

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "xlsx_templates"


def build_workbook(data: ReportData, *, spec: Spec | None = None,
                   annotations: Mapping[tuple[str, str], Sequence[Finding]] | None = None,
                   written_by: str = "template", reference: ReportData | None = None,
                   locked_info: Iterable[str] = (), submit_url: str = "", identity: str | None = None,
                   extra: Callable[[xlsxwriter.Workbook, dict], None] | None = None, rules_text: str = "",
                   marks: Mapping[tuple[str, str], Sequence[str]] | None = None) -> bytes:
    """The workbook as bytes.

    ``annotations``: (sheet, A1) → findings, highlighted with a comment and listed on a 校验结果
    sheet. ``reference``: last year's data for a read-only 上年参考 sheet (and the cross-year 校验
    cells). ``locked_info``: 基本信息 keys to lock. ``submit_url``: the unit's upload link, in 填报说明. ``extra(workbook, formats)`` adds sheets
    before the hidden metadata sheet; ``formats`` maps role names (title, hint, col_header,
    cell, number, input, ...) to xlsxwriter formats. ``rules_text``: local rules stored in the hidden
    metadata sheet, for the department's own check. ``marks``: (sheet, A1) → sentences of the text in that
    cell to highlight (copied text, in a returned copy).
    """
    if written_by not in WRITERS:
        raise ValueError(written_by)
    spec = spec or load(data.format)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, **TEXT_ONLY})
    wb.set_properties({"title": spec.common["report_doc"] + "填报表", "author": spec.common["product"],
                       "created": FIXED_TIME})
    bk = Book(wb, spec, spec.layout, annotations or {}, marks or {})
    if annotations:
        checks_sheet(bk, annotations)
    info_sheet(bk, data, set(locked_info))
    prev = reference_refs(spec, reference)
    tables = [table_sheet(bk, t, data, prev) for t in spec.tables.values()]
    text_sheet(bk, data)
    guide_sheet(bk, data, submit_url)
    if reference is not None:
        reference_sheet(bk, reference)
    for sheet in tables:
        bk.finish_checks(sheet, prev)
    if extra is not None:
        extra(wb, bk.formats())
    meta_sheet(bk, data, written_by, rules_text, identity)
    wb.close()
    return buf.getvalue()


def template_path(version: str) -> Path:
    return TEMPLATE_DIR / f"年度报告填报表_{version}格式.xlsx"


def blank_workbook(version: str) -> bytes:
    """The committed blank workbook of a format version (no org, no year)."""
    return build_workbook(ReportData(format=version))


def write_templates(folder: Path = TEMPLATE_DIR) -> list[Path]:
    """(Re)write the committed blank workbooks, one per format version."""
    return [write_atomic(folder / template_path(v).name, blank_workbook(v)) for v in versions()]


def default_template_name(data: ReportData) -> str:
    """<单位名称><年度>年…填报表.xlsx, or 空白填报表_<版本>.xlsx without a year."""
    common = load(data.format).common
    if data.year:
        return safe_name(common.form_title(data.org, data.year)) + ".xlsx"
    return f"{safe_name(data.org) or common.words['blank']}填报表_{data.format}.xlsx"


def write_template(data: ReportData, output: str | None = None, *, inputs: Iterable[str] = (),
                   overwrite: bool = False) -> Path:
    """``nianbao template``: the workbook for ``data`` at ``output`` (default: output/<name>)."""
    from ..core.ledger import write_output

    out = Path(output) if output else output_dir() / default_template_name(data)
    return write_output(out, build_workbook(data), inputs=list(inputs), overwrite=overwrite)
