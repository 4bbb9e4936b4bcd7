"""What a reader verifies in a filled workbook: every label at its place, per sheet.

Derived from the layout once per Spec (``spec.structure``). A sheet whose labels are not where
they belong (an inserted or deleted row, the other format's workbook) is not read at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.text import norm
from .layout import sheet_row

if TYPE_CHECKING:
    from .spec import Spec

Label = tuple[int, int, str, str, bool]  # row0, col0, normalised text, text, prefix match allowed
GUARD = "（空白）"  # the row under a table must be empty: a row inserted above shifts content into it


@dataclass(frozen=True, eq=False)
class Structure:
    """Where a layout's labels and fields are, 0-based, per sheet."""

    spec: Spec
    labels: dict[str, tuple[Label, ...]]  # sheet → labels (and guard cells) to verify
    fields: dict[str, tuple[tuple[str, int, int], ...]]  # sheet → (key, row0, col0)
    nrows: dict[str, int]  # rows to load per sheet

    @classmethod
    def of(cls, spec: Spec) -> Structure:
        lay = spec.layout
        labels: dict[str, list[Label]] = {}
        for t in spec.tables.values():
            items = labels.setdefault(t.sheet, [])
            items.extend((r - 1, c - 1, norm(cell.text), cell.text, False)
                         for r, c, cell in lay.labels(t) if norm(cell.text))
            below = sheet_row(t.n_rows)  # 0-based index of the row under the table
            items.extend((below, c, "", GUARD, False) for c in range(t.n_cols))
        info = spec.common.sheets["info"]  # labels may carry a suffix such as （必填）
        labels[info] = [(p.row - 1, p.col - 2, norm(f.label), f.label, True)
                        for f, p in ((f, lay.info[f.key]) for f in spec.common.info_fields)]
        for s in spec.text_sections:
            p = lay.text[s.key]
            labels.setdefault(p.sheet, []).append((lay.text_heading_row(s.key) - 1, 0, norm(s.title), s.title, True))
        fields: dict[str, list[tuple[str, int, int]]] = {}
        for k, p in lay.values.items():
            fields.setdefault(p.sheet, []).append((k, p.row - 1, p.col - 1))
        nrows: dict[str, int] = {}
        for sheet, items in labels.items():
            nrows[sheet] = max(r for r, *_ in items) + 1
        for sheet, fitems in fields.items():
            nrows[sheet] = max(nrows.get(sheet, 0), max(r for _, r, _ in fitems) + 1)
        for p in lay.text.values():
            nrows[p.sheet] = max(nrows.get(p.sheet, 0), p.row + p.rows - 1)
        return cls(spec, {k: tuple(v) for k, v in labels.items()},
                   {k: tuple(v) for k, v in fields.items()}, nrows)
