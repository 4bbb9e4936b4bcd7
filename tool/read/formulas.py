"""Input cells holding a formula whose result is an error (#DIV/0!, #REF!, #VALUE! …) or was never
saved (=1+1 written by a script): python-calamine reads both as an empty cell, which would pass as
0. The sheet XML of an .xlsx says what the cell holds, so those cells are looked up there.

Only .xlsx/.xlsm are looked into (an .xls or .ods in that state still reads as blank). The sheet
XML is inflated once more, only for sheets with an input cell that read as blank, and scanned with
one regular expression: no XML parser, no entity expansion.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.zipsafe import MAX_MEMBER

if TYPE_CHECKING:
    from ..format import Spec
    from .reader import Submission

_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_F_START = re.compile(rb"<f[\s>/]")
_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_CELL = re.compile(rb'<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>(.*?)</f>)\s*(?:<v>([^<]*)</v>|<v\s*/>)?\s*</c>', re.S)
MAX_SHEET_XML = MAX_MEMBER  # the reader has verified these sizes (core.zipsafe) before calamine saw them


@dataclass(frozen=True)
class FormulaCell:
    formula: str  # as written, without "="
    error: str = ""  # the cached error value (#DIV/0!); '' when the cell has no saved result


def formula_cells(data: bytes, wanted: dict[str, set[str]]) -> dict[tuple[str, str], FormulaCell]:
    """(sheet, A1) → what the formula cell holds, for the cells in ``wanted`` (sheet → A1 refs) that
    hold a formula with an error result or none at all. Empty for anything that is not an xlsx."""
    if not wanted or not data.startswith(b"PK"):
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = _sheet_parts(zf)
            out: dict[tuple[str, str], FormulaCell] = {}
            for sheet, refs in wanted.items():
                part = parts.get(sheet)
                if not refs or part is None or zf.getinfo(part).file_size > MAX_SHEET_XML:
                    continue
                out.update(((sheet, ref), cell) for ref, cell in _scan(zf.read(part), refs))
            return out
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return {}  # the reader has already said what is wrong with the file


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part (xl/worksheets/sheet1.xml), from workbook.xml and its relationships."""
    book = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    targets = {rid: t for rid, t in _REL.findall(rels)} | {rid: t for t, rid in _REL_REVERSED.findall(rels)}
    out = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid)
        if target is None:
            continue
        path = target.decode("utf-8", "replace").lstrip("/")
        out[html.unescape(name.decode("utf-8", "replace"))] = path if path.startswith("xl/") else f"xl/{path}"
    return out


def _scan(xml: bytes, refs: set[str]) -> list[tuple[str, FormulaCell]]:
    """Formula cells among ``refs`` with an error result or none: from each ``<f`` back to its ``<c``,
    so that the many formula cells of our own totals cost a short look each."""
    found = []
    for m in _F_START.finditer(xml):
        start = xml.rfind(b"<c ", 0, m.start())
        ref = _REF.search(xml, start, m.start()) if start >= 0 else None
        if ref is None or ref.group(1).decode() not in refs:
            continue
        end = xml.find(b"</c>", m.start())
        cell = _CELL.match(xml, start, end + 4) if end >= 0 else None
        if cell is None:
            continue
        attrs, formula, value = cell.groups()
        text = html.unescape((formula or b"").decode("utf-8", "replace"))
        if b't="e"' in attrs:
            found.append((ref.group(1).decode(), FormulaCell(text, html.unescape((value or b"").decode("utf-8", "replace"))
                                                             or "#错误")))
        elif not value:
            found.append((ref.group(1).decode(), FormulaCell(text)))
    return found


def formula_findings(data: bytes, sub: Submission) -> None:
    """Add the findings of input cells that read as blank but hold a formula (in place).

    An error result is an error at that cell (its value is not trusted: rules using it are
    skipped, as for any unreadable cell); a formula without a saved result is a warning at that
    cell and counts as 0, no longer among the "blank, counted as 0" notice.
    """
    from ..core.findings import make

    spec = sub.spec or sub.data.spec
    blank: dict[str, dict[str, str]] = {}  # sheet → A1 → field key
    for key, sheet, cell in _input_cells(spec):
        if key not in sub.data.values and key not in sub.bad and key not in sub.raw and sheet not in sub.broken_sheets:
            blank.setdefault(sheet, {})[cell] = key
    found = formula_cells(data, {s: set(refs) for s, refs in blank.items()})
    if not found:
        return
    for (sheet, cell), fc in sorted(found.items()):
        key = blank[sheet][cell]
        f = spec.fields[key]
        at = {"sheet": sheet, "cell": cell, "key": key, "label_path": f.label_path, "where": spec.where(key),
              "formula": fc.formula}
        if fc.error:
            sub.bad.add(key)
            sub.raw[key] = fc.error
            sub.findings.append(make("VALUE_FORMULA_ERROR", actual=fc.error, **at))
        else:
            sub.findings.append(make("VALUE_FORMULA_UNCACHED", **at))
    _recount_blanks(sub, {ref for ref in found})


_CELLS: dict[int, tuple[Spec, tuple[tuple[str, str, str], ...]]] = {}


def _input_cells(spec: Spec) -> tuple[tuple[str, str, str], ...]:
    """(key, sheet, A1) of every input field, once per Spec (the reader's hot path)."""
    got = _CELLS.get(id(spec))
    if got is None or got[0] is not spec:
        places = spec.layout.values
        got = _CELLS[id(spec)] = (spec, tuple((k, places[k].sheet, places[k].cell) for k in spec.inputs))
    return got[1]


def _recount_blanks(sub: Submission, taken: set[tuple[str, str]]) -> None:
    from ..core.findings import make

    out = []
    for f in sub.findings:
        if f.rule == "VALUE_BLANK":
            left = tuple(r for r in f.related if (f.sheet, r) not in taken)
            if not left:
                continue
            if len(left) != len(f.related):
                f = make("VALUE_BLANK", sheet=f.sheet, count=len(left), related=left)
        out.append(f)
    sub.findings[:] = out
