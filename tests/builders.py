"""Helpers that build filled workbooks for tests (reused by other test modules).

``sample`` gives balanced report data; ``workbook`` writes it with the product's own writer;
``edit`` changes cells of an xlsx the way a script would (openpyxl), for broken variants.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

from tool.demo.synth import synthetic
from tool.format import Spec, data_dir, load
from tool.format.interchange import ReportData
from tool.format.layout import Layout
from tool.workbook import build_workbook


def sample(version: str = "2021", year: int | None = None, org: str = "测试局", seed: int = 1,
           kind: str = "department", spec: Spec | None = None) -> ReportData:
    """Balanced, complete report data (every relation holds, every required field filled)."""
    spec = spec or load(version)
    year = year or year_for(spec)
    return synthetic(spec, org, year, random.Random(seed), kind=kind)


def workbook(data: ReportData | None = None, **kw: Any) -> bytes:
    """The product's workbook for ``data`` (default: ``sample()``)."""
    return build_workbook(data or sample(), **kw)


def year_for(spec: Spec) -> int:
    """A report year the format is in force for (its last year, or a few years into an open one)."""
    return spec.last_year or spec.first_year + 3


def format_data(version: str) -> dict[str, Any]:
    """A version's format data as written (the authoring JSON), for tests that change a copy."""
    return json.loads((data_dir() / f"{version}.json").read_text("utf-8"))


def label_cells(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The label cells (caption, headers, notes) of a table in authoring JSON, in reading order."""
    return [c for row in data["tables"][table]["rows"] for c in row if "value" not in c and "values" not in c]


def layout(version: str) -> Layout:
    """The layout of a format version (the compiled spec's)."""
    return load(version).layout


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
