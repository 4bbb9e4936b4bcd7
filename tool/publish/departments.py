"""The departments' contributions to a consolidated (本级政府) report, for its 图解.

Read from the 明细 sheet that ``collect`` writes into the consolidated workbook (one row per
counted unit, one column per field; a header row names each column's ``表三!J6`` cell, so the column
is found from the format's layout, not from a typed position), or, without one, from the units'
own workbooks listed in the collect manifest.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from ..format import Spec, common

HEAD_ROWS_MAX = 8  # the row naming the cells is among the first rows (collect.output: title, labels, cells)
NAME_COL = 1


def _number(v: object) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v)
    return None


def from_detail_sheet(blob: bytes, spec: Spec, key: str) -> list[tuple[str, int]] | None:
    """(unit, value of ``key``) for each unit of the 明细 sheet; None when there is no such sheet.

    The row naming each column's cell (``表三!J6``) is found, not assumed: the units' rows start two
    rows below it (below the consolidated total), whatever title rows ``collect`` puts above.
    """
    from python_calamine import CalamineWorkbook

    p = spec.layout.values[key]
    want = f"{p.sheet}!{p.cell}"
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(blob))
        name = common().sheets["detail"]
        if name not in wb.sheet_names:
            return None
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # a broken or foreign workbook: no departments shown, never a failure
        return None
    at = next((i for i, r in enumerate(rows[:HEAD_ROWS_MAX]) if want in r), None)
    if at is None:
        return None
    col = rows[at].index(want)
    out = []
    for row in rows[at + 2:]:
        if len(row) <= col:
            continue
        n = _number(row[col])
        name_cell = str(row[NAME_COL]).strip() if len(row) > NAME_COL else ""
        if name_cell and n is not None:
            out.append((name_cell, n))
    return out


def from_units(units: Iterable[tuple[str, dict[str, object]]], key: str) -> list[tuple[str, int]]:
    """(unit, value) from units' computed values (the manifest route)."""
    out = []
    for name, values in units:
        n = _number(values.get(key))
        if n is not None:
            out.append((name, n))
    return out
