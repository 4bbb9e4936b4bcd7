"""Helpers that build filled workbooks for tests (reused by other test modules).

``sample`` gives balanced report data; ``workbook`` writes it with the product's own writer;
``edit`` changes cells of an xlsx the way a script would (openpyxl), for broken variants.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Mapping
from typing import Any

from tool.data import ReportData
from tool.layout import layout
from tool.spec import Spec, load
from tool.synth import synthetic
from tool.workbook import build_workbook


def sample(version: str = "2021", year: int | None = None, org: str = "测试局", seed: int = 1,
           kind: str = "department", spec: Spec | None = None) -> ReportData:
    """Balanced, complete report data (every relation holds, every required field filled)."""
    spec = spec or load(version)
    year = year or (2024 if spec.id == "2021" else 2020)
    return synthetic(spec, org, year, random.Random(seed), kind=kind)


def workbook(data: ReportData | None = None, **kw: Any) -> bytes:
    """The product's workbook for ``data`` (default: ``sample()``)."""
    return build_workbook(data or sample(), **kw)


def cell_of(data: ReportData, key: str) -> tuple[str, str]:
    """(sheet, A1) of a field key, an ``info.<k>`` or a ``text.<k>`` place."""
    p = layout(data.format).places[key]
    return p.sheet, p.cell


def edit(xlsx: bytes, values: Mapping[tuple[str, str], Any] | None = None,
         change: Callable[[Any], None] | None = None) -> bytes:
    """Set cells ((sheet, A1) → value; None clears) and/or run ``change(workbook)``, via openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    for (sheet, ref), v in (values or {}).items():
        wb[sheet][ref].value = v
    if change is not None:
        change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
