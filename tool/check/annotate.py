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
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.files import Names, read_regular, safe_name
from ..core.findings import LEVEL_ZH, CheckResult, Finding
from ..format import common
from ..read import Submission
from ..read.sniff import MAX_BYTES
from ..workbook.book import TEXT_ONLY

SHOWN = ("error", "warning")  # info notices (blank cells counted as 0) are not worth a return


def return_name(stem: str) -> str:
    """The file name of a marked-up copy: <stem>_退回.xlsx (the suffix from common.json).

    A stem that is already a returned copy's (a department's corrected ``X_退回``, maybe
    ``X_退回（2）``) is not suffixed again: its new mark-up is ``X_退回.xlsx`` once more.
    """
    suffix = common().outputs["return_suffix"]
    base = re.sub(rf"{re.escape(suffix)}(（\d+）|\d*)$", "", safe_name(stem)) or safe_name(stem)
    return f"{base}{suffix}.xlsx"


def annotate_all(checked: Iterable[tuple[Submission | None, CheckResult]], folder: str | Path, *,
                 inputs: Iterable[str | Path] = (), overwrite: bool = False) -> list[Path]:
    """Write one marked-up copy per readable file that has errors or warnings.

    Never onto an input (a department's corrected ``X_退回.xlsx`` among the inputs keeps its name;
    the new mark-up gets （2）), two inputs of one name get two copies, and never over a file that
    is not what nianbao wrote there (``core.ledger``) unless ``overwrite``. The copies are planned
    first, so a refusal comes before anything is written.
    """
    from ..core.ledger import Ledger

    checked = list(checked)
    folder = Path(folder)
    sources = [Path(p) for p in inputs] + [Path(sub.path) for sub, _ in checked if sub is not None and sub.path]
    names = Names(p.name for p in sources if p.exists() and p.parent.resolve() == folder.resolve())
    plan: list[tuple[Submission, list[Finding], Any, Path]] = []
    for sub, result in checked:
        shown = [f for f in result.findings if f.level in SHOWN]
        if sub is None or not shown:
            continue
        plan.append((sub, shown, result.marks, folder / names.give(return_name(Path(sub.file).stem))))
    ledger = Ledger(folder)
    ledger.guard([t for *_, t in plan], overwrite, sources)
    out: list[Path] = []
    try:
        for sub, shown, marks, target in plan:
            out.append(ledger.write(target, annotated(sub, shown, marks=marks), overwrite=overwrite,
                                    inputs=sources))
    finally:
        ledger.save()
    return out


def notes_of(findings: Iterable[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """(sheet, A1) → findings; whole-file findings under (sheet, '') are only listed."""
    notes: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        notes.setdefault((f.sheet, f.cell), []).append(f)
    return notes


def annotated(sub: Submission, findings: list[Finding], original: bytes | None = None,
              marks: dict[tuple[str, str], tuple[str, ...]] | None = None) -> bytes:
    """``original``: the file's bytes when they are not on disk (a member of a zip attachment); ``marks``:
    copied sentences to highlight in the text cells (a rebuilt workbook only).

    When the department's own file cannot be marked up (openpyxl refuses its styles, it vanished),
    the copy is the 校验结果 sheet alone: a return is never lost to one odd file.
    """
    if not sub.broken_sheets:
        from ..workbook import build_workbook

        return build_workbook(sub.data, spec=sub.spec, annotations=notes_of(findings), written_by="annotate",
                              identity=sub.meta.get("unit_id") if sub.meta else None, marks=marks)
    source = Path(sub.path or sub.file)
    try:
        if original is None:
            original = read_regular(source, MAX_BYTES)
        if original.startswith(b"PK") and source.suffix.lower() in (".xlsx", ".xlsm"):
            return _marked_copy(original, findings)
    except Exception:
        pass
    return findings_workbook(findings)


def _marked_copy(original: bytes, findings: list[Finding]) -> bytes:
    """The department's own workbook (openpyxl keeps protection, merges and validation), marked up."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = openpyxl.load_workbook(io.BytesIO(original))
    _drop_old_comments(wb)
    fills = {"error": "FFC7CE", "warning": "FFEB9C"}
    for (sheet, cell), found in notes_of(findings).items():
        if not cell or sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        worst = "error" if any(f.level == "error" for f in found) else "warning"
        c.fill = PatternFill("solid", fgColor=fills[worst])
        c.comment = Comment("\n".join(f"{LEVEL_ZH[f.level]}：{f.message}" for f in found), "nianbao", 200, 400)
    sheet = common().sheets["checks"]
    if sheet in wb.sheetnames:  # a corrected 退回 copy returned again: its old list goes
        del wb[sheet]
    ws = wb.create_sheet(sheet, 0)
    for r, row in enumerate(_rows(findings), start=1):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = v
            cell.data_type = "s"  # text is text: "=HYPERLINK(…)" in a file name stays a string
    ws.column_dimensions["D"].width = 100
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _drop_old_comments(wb) -> None:  # type: ignore[no-untyped-def]
    """A copy returned before carries our old comments: they go before the new ones are made."""
    product = common()["product"]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.comment is not None and c.comment.author == product:
                    c.comment = None


def findings_workbook(findings: list[Finding]) -> bytes:
    """A workbook holding only the 校验结果 sheet (when the department's own file cannot be marked up)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, **TEXT_ONLY})
    ws = wb.add_worksheet(common().sheets["checks"])
    for r, row in enumerate(_rows(findings)):
        for c, v in enumerate(row):
            ws.write_string(r, c, v)
    ws.set_column(3, 3, 100)
    wb.close()
    return buf.getvalue()


def _rows(findings: list[Finding]) -> list[list[str]]:
    return [common().headers("checks"), *([LEVEL_ZH[f.level], f.sheet, f.cell, f.message] for f in findings)]
