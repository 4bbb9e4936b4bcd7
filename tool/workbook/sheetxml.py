"""Bulk rows for big sheets, written as XML and spliced into an xlsxwriter workbook.

The figures sheet of 汇总表.xlsx and the 明细 sheet of the consolidated workbook hold one row
per unit and one column per field: 200,000 cells at 1,000 units, 2 million at 10,000.
xlsxwriter spends about 8 µs a cell and, outside constant-memory mode, keeps every cell in
memory. So xlsxwriter writes the sheet's frame (header rows with their formats, column widths,
frozen panes, autofilter, protection) and the data rows are streamed in here, as plain
``<row>`` elements with inline strings and numbers, straight into the zip.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..format.layout import column_letter

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
Cell = str | int | float | Decimal | None


def _text(v: str) -> str:
    v = _ILLEGAL.sub("", v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return v


def rows_xml(rows: Iterable[Sequence[Cell]], first_row: int) -> Iterable[str]:
    """``<row>`` elements for ``rows`` starting at sheet row ``first_row`` (1-based)."""
    letters: list[str] = []
    for r, row in enumerate(rows, start=first_row):
        while len(letters) < len(row):
            letters.append(column_letter(len(letters) + 1))
        rs = str(r)
        cells = []
        for col, v in zip(letters, row, strict=False):  # letters may be longer than a short row
            kind = type(v)
            if kind is int or kind is float:  # the bulk: numbers
                cells.append(f'<c r="{col}{rs}"><v>{v}</v></c>')
            elif v is None or v == "":
                continue
            elif kind is str:
                cells.append(f'<c r="{col}{rs}" t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>')
            else:
                cells.append(f'<c r="{col}{rs}"><v>{v}</v></c>')
        yield f'<row r="{rs}">{"".join(cells)}</row>'


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding the sheet named ``sheet``."""
    book = zf.read("xl/workbook.xml").decode("utf-8")
    m = re.search(rf'<sheet name="{re.escape(_text(sheet))}" sheetId="\d+" r:id="(rId\d+)"', book)
    if not m:
        raise KeyError(sheet)
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    t = re.search(rf'<Relationship Id="{m.group(1)}" Type="[^"]+" Target="([^"]+)"', rels)
    if not t:
        raise KeyError(sheet)
    return "xl/" + t.group(1).lstrip("/").removeprefix("xl/")


def splice_rows(xlsx: bytes, sheet: str, rows: Iterable[Sequence[Cell]], *, first_row: int, count: int,
                last_col: int) -> bytes:
    """Append ``count`` rows (from sheet row ``first_row``) to a sheet written by xlsxwriter.

    The rows are streamed: neither they nor the sheet's XML are held in memory at once.
    """
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    part = _sheet_part(src, sheet)
    xml = src.read(part).decode("utf-8")
    if "<sheetData/>" in xml:
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>", 1)
    head, tail = xml.split("</sheetData>", 1)
    dim = f"A1:{column_letter(last_col)}{max(first_row + count - 1, 1)}"
    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dim}"/>', head, count=1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
                continue
            member = zipfile.ZipInfo(part, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(member, "w") as fh:
                fh.write(head.encode("utf-8"))
                chunk: list[str] = []
                for row in rows_xml(rows, first_row):
                    chunk.append(row)
                    if len(chunk) >= 200:
                        fh.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                fh.write("".join(chunk).encode("utf-8"))
                fh.write(("</sheetData>" + tail).encode("utf-8"))
    return out.getvalue()
