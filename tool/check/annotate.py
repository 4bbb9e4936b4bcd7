"""Marked-up copies for returning a workbook to its department (``check --annotate DIR``).

A workbook whose structure is intact is rebuilt with the product's own writer from what was
read, every cell with a finding highlighted and commented, plus a 校验结果 sheet: the
department gets a clean, current, protected form holding its own numbers. A value that could
not be read is not carried over as text, but its finding quotes it.

A workbook whose structure is broken (rows inserted, a sheet renamed) cannot be rebuilt
without losing what sits on the broken sheets, so the department's own file is copied with
openpyxl, marked up, and a 校验结果 sheet added; an .xls/.ods in that state gets a workbook
with the 校验结果 sheet only. The original file is never written.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from ..core.files import safe_name, write_atomic
from ..core.findings import LEVEL_ZH, CheckResult, Finding
from ..format import common
from ..read import Submission

SHOWN = ("error", "warning")  # info notices (blank cells counted as 0) are not worth a return


def return_name(stem: str) -> str:
    """The file name of a marked-up copy: <stem>_退回.xlsx (the suffix from common.json)."""
    return f"{safe_name(stem)}{common().outputs['return_suffix']}.xlsx"


def annotate_all(checked: Iterable[tuple[Submission | None, CheckResult]], folder: str | Path) -> list[Path]:
    """Write one marked-up copy per readable file that has errors or warnings."""
    out: list[Path] = []
    used: set[str] = set()
    for sub, result in checked:
        shown = [f for f in result.findings if f.level in SHOWN]
        if sub is None or not shown:
            continue
        target = Path(folder) / _unique(return_name(Path(sub.file).stem), used)
        write_atomic(target, annotated(sub, shown), inputs=[sub.path or sub.file])
        out.append(target)
    return out


def _unique(name: str, used: set[str]) -> str:
    stem, n, out = name.removesuffix(".xlsx"), 1, name
    while out in used:
        n += 1
        out = f"{stem}{n}.xlsx"
    used.add(out)
    return out


def notes_of(findings: Iterable[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """(sheet, A1) → findings; whole-file findings under (sheet, '') are only listed."""
    notes: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        notes.setdefault((f.sheet, f.cell), []).append(f)
    return notes


def annotated(sub: Submission, findings: list[Finding], original: bytes | None = None) -> bytes:
    """``original``: the file's bytes when they are not on disk (a member of a zip attachment)."""
    if not sub.broken_sheets:
        from ..workbook import build_workbook

        return build_workbook(sub.data, spec=sub.spec, annotations=notes_of(findings), written_by="annotate")
    source = Path(sub.path or sub.file)
    if original is None:
        original = source.read_bytes()
    if original.startswith(b"PK") and source.suffix.lower() in (".xlsx", ".xlsm"):
        return _marked_copy(original, findings)
    return _findings_only(findings)


def _marked_copy(original: bytes, findings: list[Finding]) -> bytes:
    """The department's own workbook (openpyxl keeps protection, merges and validation), marked up."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = openpyxl.load_workbook(io.BytesIO(original))
    fills = {"error": "FFC7CE", "warning": "FFEB9C"}
    for (sheet, cell), found in notes_of(findings).items():
        if not cell or sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        worst = "error" if any(f.level == "error" for f in found) else "warning"
        c.fill = PatternFill("solid", fgColor=fills[worst])
        c.comment = Comment("\n".join(f"{LEVEL_ZH[f.level]}：{f.message}" for f in found), "nianbao", 200, 400)
    ws = wb.create_sheet(common().sheets["checks"], 0)
    _list(ws.append, findings)
    ws.column_dimensions["D"].width = 100
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _findings_only(findings: list[Finding]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(common().sheets["checks"])
    rows: list[list[str]] = []
    _list(rows.append, findings)
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    ws.set_column(3, 3, 100)
    wb.close()
    return buf.getvalue()


def _list(append, findings: list[Finding]) -> None:  # type: ignore[no-untyped-def]
    append(common().headers("checks"))
    for f in findings:
        append([LEVEL_ZH[f.level], f.sheet, f.cell, f.message])
