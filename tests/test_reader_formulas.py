"""Issue 11 (7): values the reader got wrong. A formula error in an input cell is an error at that cell;
a formula without a saved result is a warning at that cell (not a silent 0); 万元 fees take six
decimals, with a warning when a fee looks entered in 元; a department typing its real 单位代码 into
a distributed workbook is still matched to its roster unit."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from builders import cell_of, edit, sample, workbook, year_for
from click.testing import CliRunner

from tool.check import check_bytes
from tool.cli import cli
from tool.demo import synth
from tool.format import for_year, latest

YEAR = year_for(latest())
KEY = "new_requests.natural_person"
FEE = "art20_8.admin_fees.fee_amount"


def findings(blob: bytes, rule: str):  # type: ignore[no-untyped-def]
    _, result = check_bytes(blob, "x.xlsx")
    return result, [f for f in result.findings if f.rule == rule]


def test_formula_without_saved_result_is_a_warning_at_its_cell():
    sheet, cell = cell_of(sample(), KEY)
    blob = edit(workbook(), {(sheet, cell): "=1+1"})  # openpyxl saves the formula, no result
    result, [f] = findings(blob, "VALUE_FORMULA_UNCACHED")
    assert (f.level, f.sheet, f.cell) == ("warning", sheet, cell) and "=1+1" in f.message
    blanks = [x for x in result.findings if x.rule == "VALUE_BLANK" and x.sheet == sheet]
    assert all(cell not in x.related for x in blanks)


@pytest.mark.parametrize("code", ["#DIV/0!", "#REF!", "#VALUE!"])
def test_cached_formula_error_is_an_error_at_its_cell(code):
    """The xlsx as Excel or WPS save it: the cell holds t="e" and the error value."""
    import io
    import zipfile

    sheet, cell = cell_of(sample(), KEY)
    blob = edit(workbook(), {(sheet, cell): "=1/0"})
    src, out = zipfile.ZipFile(io.BytesIO(blob)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if b"<f>1/0</f>" in data:
                data = data.replace(f'<c r="{cell}"'.encode(), f'<c r="{cell}" t="e"'.encode(), 1)
                data = data.replace(b"<f>1/0</f><v></v>", f"<f>1/0</f><v>{code}</v>".encode())
                data = data.replace(b"<f>1/0</f></c>", f"<f>1/0</f><v>{code}</v></c>".encode())
            dst.writestr(info, data)
    result, [f] = findings(out.getvalue(), "VALUE_FORMULA_ERROR")
    assert (f.level, f.sheet, f.cell) == ("error", sheet, cell) and code in f.message and "请填写数字" in f.message
    assert not result.ok
    assert not [x for x in result.findings if x.rule.startswith("T3_") and x.key == KEY]  # no rule on a wrong number


def fee(value: Decimal) -> bytes:
    d = sample(year=YEAR)
    return workbook(replace(d, values={**d.values, FEE: value}))


def test_fee_in_wan_yuan_to_six_decimals_is_accepted():
    result, slips = findings(fee(Decimal("24252.311082")), "VALUE_UNIT_SUSPECT")
    assert not slips and not [f for f in result.findings if f.rule == "VALUE_DECIMALS"]
    _, [f] = findings(fee(Decimal("1.1234567")), "VALUE_DECIMALS")
    assert "6 位小数" in f.message


def test_fee_that_looks_entered_in_yuan_is_a_warning():
    result, [f] = findings(fee(Decimal("161804.8")), "VALUE_UNIT_SUSPECT")
    assert f.level == "warning" and result.ok
    assert "“元”" in f.message and "16.18048" in f.message
    assert not findings(fee(Decimal("12.5")), "VALUE_UNIT_SUSPECT")[1]


def test_real_unit_code_typed_by_the_department_still_matches(tmp_path: Path):
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n1,某市第1局\n2,某市第2局\n", "utf-8")
    assert CliRunner().invoke(cli, ["distribute", str(roster), "--year", str(YEAR), "-o", str(tmp_path / "下发")]).exit_code == 0
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    spec = for_year(YEAR)
    for i, sent in enumerate(sorted((tmp_path / "下发").glob("*.xlsx")), start=1):
        data = synth.synthetic(spec, f"某市第{i}局", YEAR, random.Random(i))
        sheet, cell = cell_of(data, "info.unit_id")
        values = {cell_of(data, k): float(v) if isinstance(v, Decimal) else v for k, v in data.values.items()}
        values[(sheet, cell)] = f"1114090000000000{i}X"  # the real 统一社会信用代码, typed in
        org_sheet, org_cell = cell_of(data, "info.org")
        values[(org_sheet, org_cell)] = f"某市第{i}局（已更名）"  # and the name no longer matches the roster
        values[cell_of(data, "info.sign_date")] = data.info["sign_date"]
        values.update({cell_of(data, f"text.{k}"): t for k, t in data.text.items() if k != "preface"})
        (inbox / sent.name).write_bytes(edit(sent.read_bytes(), values))
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--roster", str(roster), "--year", str(YEAR),
                                   "-o", str(tmp_path / "结果"), "--json"])
    status = json.loads(res.stdout)
    assert all(u["status"] in ("passed", "warned") for u in status["units"]), res.output  # matched, counted
    assert not status["unknown"]


@pytest.mark.office
def test_formula_errors_saved_by_libreoffice(tmp_path: Path):
    from office_harness import office_session, require_office

    require_office()
    src = tmp_path / "填报表.xlsx"
    src.write_bytes(workbook())
    keys = [KEY, "new_requests.commercial_enterprise", "new_requests.research_institution"]
    formulas = ["=1/0", '=1+"a"', '=INDIRECT("ZZZ0")']
    cells = [cell_of(sample(), k) for k in keys]
    saved = tmp_path / "保存.xlsx"
    with office_session() as office:
        office.job(str(src), [{"op": "set", "sheet": s, "values": {c: {"formula": f}}}
                              for (s, c), f in zip(cells, formulas, strict=True)]
                   + [{"op": "recalc"}, {"op": "save", "path": str(saved)}])
    result, found = findings(saved.read_bytes(), "VALUE_FORMULA_ERROR")
    assert {(f.sheet, f.cell) for f in found} == set(cells)
    assert {m for f in found for m in ("#DIV/0!", "#VALUE!", "#REF!") if m in f.message} == {"#DIV/0!", "#VALUE!", "#REF!"}
    assert not result.ok
