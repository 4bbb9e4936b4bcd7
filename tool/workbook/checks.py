"""Where the 校验 (✔/✘) cells of a table sheet go, from the places of the relations' blame fields."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..format import Instance, Table
from ..format.layout import Place, sheet_row
from .book import Book, wrapped_lines


@dataclass
class Sheet:
    ws: Worksheet
    table: Table
    checks: list[tuple[int, int, int, Instance]] = field(default_factory=list)  # row, col, cols, inst
    head_lines: dict[int, int] = field(default_factory=dict)  # table row → lines its 校验 header needs



def place_checks(bk: Book, sh: Sheet, widths: dict[int, float], prev: dict[str, str]) -> None:
    """Where each relation instance's 校验 cell goes, from the places of its blame fields.

    Instances of one relation on one row → a 校验 row below the table, each under its anchor;
    on one column → a 校验 column right of the table, beside each anchor; single instances →
    packed into shared rows below, in their anchor's column. Labels name the relation titles.
    Cross-year instances need last year's figures: only with a 上年参考 sheet (``prev``).
    """
    lay, table, ws = bk.lay, sh.table, sh.ws
    groups: dict[str, list[Instance]] = {}
    for inst in bk.spec.instances:
        p = lay.values.get(inst.blame)
        known = all(t.key in prev for t in inst.terms if t.prev)
        if p is not None and p.sheet == ws.name and (not inst.cross_year or (prev and known)):
            groups.setdefault(inst.rule, []).append(inst)
    rows: list[dict[str, Any]] = []  # {"cells": [(col, cols, inst)], "titles": [...], "shared": bool}
    next_col = table.n_cols + 1
    for insts in groups.values():
        anchors = [lay.values[i.blame] for i in insts]
        if len(insts) > 1 and len({a.row for a in anchors}) == 1:
            rows.append({"cells": [(a.col, a.cols, i) for a, i in zip(anchors, insts, strict=True)], "titles": [insts[0].title],
                         "shared": False})
        elif len(insts) > 1 and len({a.col for a in anchors}) == 1:
            _check_column(bk, sh, next_col, anchors, insts)
            widths[next_col] = 12
            next_col += 1
        else:
            for a, i in zip(anchors, insts, strict=True):
                _pack(rows, a, i)
    first = sheet_row(table.n_rows) + 2
    for n, row in enumerate(rows):
        r = first + n
        for col, cols, inst in row["cells"]:
            sh.checks.append((r, col, cols, inst))
        start = min(c for c, _, _ in row["cells"])
        label = "校验：" + "；".join(dict.fromkeys(row["titles"]))
        if start > 1:
            bk.put(ws, r, 1, label, "check_label", cols=start - 1)
            width = sum(widths.get(c, 9) for c in range(1, start))
        else:
            end = max(c + w for c, w, _ in row["cells"])
            bk.put(ws, r, end, label, "check_label")
            widths[end] = max(widths.get(end, 9), 30)
            width = widths[end]
        ws.set_row(r - 1, wrapped_lines(label, width) * 15 + 6)


def _pack(rows: list[dict[str, Any]], a: Place, inst: Instance) -> None:
    span = set(range(a.col, a.col + a.cols))
    for row in rows:
        taken = {c for col, w, _ in row["cells"] for c in range(col, col + w)}
        if row["shared"] and not span & taken:
            row["cells"].append((a.col, a.cols, inst))
            row["titles"].append(inst.title)
            return
    rows.append({"cells": [(a.col, a.cols, inst)], "titles": [inst.title], "shared": True})


def _check_column(bk: Book, sh: Sheet, col: int, anchors: list[Place], insts: list[Instance]) -> None:
    top = min(a.row for a in anchors)
    first_head, last_head = top - 1, top - 1
    if sh.table.header_rows and top > sheet_row(sh.table.header_rows):
        first_head, last_head = sheet_row(1), sheet_row(sh.table.header_rows)
    text = f"校验\n{insts[0].title}"
    rows = last_head - first_head + 1
    bk.put(sh.ws, first_head, col, text, "check_label", rows=rows, align="center")
    for r in range(first_head, last_head + 1):
        table_row = r - sheet_row(0)
        sh.head_lines[table_row] = max(sh.head_lines.get(table_row, 1), math.ceil(wrapped_lines(text, 12) / rows))
    for a, inst in zip(anchors, insts, strict=True):
        sh.checks.append((a.row, col, 1, inst))
