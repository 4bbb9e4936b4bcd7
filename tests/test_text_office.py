"""Issue 12: the 参考表述 of 文字部分 are live formulas; real LibreOffice fills the tables, recalculates
and saves, and the sentences it computes are the ones ``nianbao draft`` prints for the saved file.
The text typed from them then passes the text checks, and a wrong count typed next to them does not."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from builders import year_for
from office_harness import office_session, require_office

from tool.check import check_bytes
from tool.demo.synth import synthetic
from tool.format import load, versions
from tool.format.interchange import ReportData
from tool.text.draft import draft_file
from tool.workbook import build_workbook
from tool.workbook.sheets import draft_places

pytestmark = pytest.mark.office


@pytest.fixture(scope="module")
def office():
    require_office()
    with office_session() as s:
        yield s


@pytest.mark.parametrize("version", versions())
def test_drafts_follow_the_tables_in_libreoffice(office, tmp_path, version):
    spec = load(version)
    year = year_for(spec)
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(build_workbook(ReportData(version, year, "测试局", {"kind": "department"})))
    values = synthetic(spec, "测试局", year, random.Random(11)).values
    per_sheet: dict[str, dict] = {}
    for k, v in values.items():
        p = spec.layout.values[k]
        per_sheet.setdefault(p.sheet, {})[p.cell] = float(v) if isinstance(v, Decimal) else v
    text = spec.layout.text["overall"]
    places = draft_places(spec)
    cells = [c for _, _, c in places]
    out = tmp_path / "filled.xlsx"
    res = office.job(blank, [
        {"op": "read", "sheet": text.sheet, "cells": cells},  # before: every count 0
        *[{"op": "set", "sheet": s, "values": v} for s, v in per_sheet.items()],
        {"op": "recalc"},
        {"op": "read", "sheet": text.sheet, "cells": cells},
        {"op": "save", "path": out},
    ])
    before, after = res[0], res[-2]
    assert "申请0件" in before[cells[0]]["string"]
    _, said, unread = draft_file(out)
    assert unread == 0
    assert [after[c]["string"] for c in cells] == [s for _, s in said]
    assert f"共收到政府信息公开申请{spec.compute(values)['new_requests.total']}件" in said[0][1]
    assert all(after[c]["type"] == "FORMULA" and not after[c].get("error") for c in cells)

    # the department copies the sentences into the text; then changes one count by hand
    copied = office.job(out, [
        {"op": "set", "sheet": text.sheet, "values": {f"B{text.row + i}": s for i, (_, s) in enumerate(said)}},
        {"op": "save", "path": tmp_path / "copied.xlsx"},
    ])
    assert copied
    _, res_ok = check_bytes((tmp_path / "copied.xlsx").read_bytes(), "copied.xlsx")
    assert [f for f in res_ok.findings if f.rule.startswith("TEXT_") and f.rule != "TEXT_REQUIRED"] == []
    wrong = said[0][1].replace("共收到政府信息公开申请", "共收到政府信息公开申请1", 1)
    office.job(tmp_path / "copied.xlsx", [{"op": "set", "sheet": text.sheet, "values": {f"B{text.row}": wrong}},
                                          {"op": "save", "path": tmp_path / "wrong.xlsx"}])
    _, res_bad = check_bytes((tmp_path / "wrong.xlsx").read_bytes(), "wrong.xlsx")
    [f] = [f for f in res_bad.findings if f.rule == "TEXT_NUMBER_MISMATCH"]
    assert (f.sheet, f.cell) == (text.sheet, f"B{text.row}")
    assert places[0][1] == text.row  # the caption sits beside the section's first row
