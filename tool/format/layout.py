"""Where every field lives in our workbook: sheet, A1 cell, defined name.

The one place that turns format data into cell addresses. The workbook writer, the reader,
``nianbao fields`` and the annotated returns all ask ``spec.layout``; none computes an address.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .model import Cell, Table

if TYPE_CHECKING:
    from .spec import Spec

TITLE_ROWS = 2  # row 1: the section title; row 2: a one-line hint; the grid starts in row 3
INFO_FIRST_ROW = 3  # 基本信息: label in A, value in B, hint in C, from row 3
INFO_VALUE_COL = 2
TEXT_VALUE_COL = 2  # 文字部分: one paragraph per row in column B


def column_letter(col: int) -> str:
    """1 → A, 27 → AA. Local, not xlsxwriter's: importing xlsxwriter costs ``check`` ~25 ms cold."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(row: int, col: int) -> str:
    """A1 address of a 1-based (row, col)."""
    return f"{column_letter(col)}{row}"


_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def position(ref: str) -> tuple[int, int]:
    """The inverse of ``a1``: 1-based (row, col) of an A1 address; (0, 0) for anything else."""
    m = _A1.fullmatch(ref or "")
    if not m:
        return 0, 0
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


@dataclass(frozen=True)
class Place:
    """Where one field sits: a cell, or for a text section its first row and row count."""

    key: str
    sheet: str
    row: int  # 1-based
    col: int  # 1-based
    rows: int = 1
    cols: int = 1  # merged width, for value cells spanning columns
    kind: str = "value"  # value | total | info | text

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)

    @property
    def ref(self) -> str:
        """The range (for a text block or a merged cell) or the cell."""
        if self.rows == 1 and self.cols == 1:
            return self.cell
        return f"{self.cell}:{a1(self.row + self.rows - 1, self.col + self.cols - 1)}"

    @property
    def name(self) -> str:
        """Workbook-scoped defined name derived from the key (dots are not safe everywhere)."""
        prefix = {"info": "nb_info_", "text": "nb_text_"}.get(self.kind, "nb_")
        return prefix + self.key.replace(".", "_")


def sheet_row(table_row: int) -> int:
    return table_row + TITLE_ROWS


@dataclass(frozen=True, eq=False)
class Layout:
    spec: Spec

    @cached_property
    def values(self) -> dict[str, Place]:
        """Numeric fields of tables 二/三/四, in format order."""
        out = {}
        for key, f in self.spec.fields.items():
            table = self.spec.tables[f.table]
            out[key] = Place(key, table.sheet, sheet_row(f.cell.r), f.cell.c, f.cell.rowspan,
                             f.cell.colspan, "total" if f.computed else "value")
        return out

    @cached_property
    def info(self) -> dict[str, Place]:
        sheet = self.spec.common.sheets["info"]
        return {f.key: Place(f.key, sheet, INFO_FIRST_ROW + i, INFO_VALUE_COL, kind="info")
                for i, f in enumerate(self.spec.common.info_fields)}

    @cached_property
    def text(self) -> dict[str, Place]:
        """Each narrative section: a heading row, then ``text_rows`` paragraph rows."""
        sheet, n = self.spec.common.sheets["text"], self.spec.common["text_rows"]
        out = {}
        for i, s in enumerate(self.spec.text_sections):
            heading = TITLE_ROWS + 1 + i * (n + 1)
            out[s.key] = Place(s.key, sheet, heading + 1, TEXT_VALUE_COL, rows=n, kind="text")
        return out

    def text_heading_row(self, key: str) -> int:
        return self.text[key].row - 1

    @cached_property
    def places(self) -> dict[str, Place]:
        """Every place, keyed as in ``nianbao fields``: info.<k>, text.<k>, and field keys."""
        out = {f"info.{k}": p for k, p in self.info.items()}
        out.update({f"text.{k}": p for k, p in self.text.items()})
        out.update(self.values)
        return out

    def labels(self, table: Table) -> list[tuple[int, int, Cell]]:
        """(sheet row, col, cell) of every label cell of a table, for structure checks."""
        return [(sheet_row(c.r), c.c, c) for c in table.labels]

    @cached_property
    def by_cell(self) -> dict[tuple[str, str], str]:
        """(sheet, A1) → field key, to name the field behind a cell."""
        return {(p.sheet, p.cell): k for k, p in self.values.items()}

    @cached_property
    def fingerprint(self) -> str:
        """Hash of what a reader relies on: every label and every field's place."""
        parts = {
            "version": self.spec.id,
            "labels": [[t.sheet, sheet_row(c.r), c.c, c.text] for t in self.spec.tables.values()
                       for c in t.labels],
            "places": [[k, p.sheet, p.row, p.col, p.rows] for k, p in self.places.items()],
        }
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
