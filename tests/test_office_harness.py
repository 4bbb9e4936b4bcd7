"""The LibreOffice test harness and tool/report/office.py, on a small xlsxwriter workbook."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from office_harness import OfficeJobError, app_name, in_ci, office_problem, office_session, require_office
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tool.core.errors import OfficeMissingError, UsageError
from tool.report import office as tool_office

SHEET = "表一"
LABEL = "本年新收政府信息公开申请数量"


def make_book(path: Path) -> Path:
    """A protected sheet: a locked label, two unlocked validated inputs, a total written without cache."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(SHEET)
    unlocked = wb.add_format({"locked": False})
    ws.write("A1", LABEL)
    ws.write_blank("B2", None, unlocked)
    ws.write_blank("B3", None, unlocked)
    ws.data_validation("B2:B3", {"validate": "integer", "criteria": ">=", "value": 0, "input_title": "填写提示",
                                "input_message": "请填写非负整数", "error_title": "输入有误",
                                "error_message": "只能填写0或正整数"})
    ws.write_formula("B4", "=B2+B3", None, "")
    ws.protect()
    wb.add_worksheet("备注").write("A1", "第二张表")
    wb.define_name("nb_input", f"={SHEET}!$B$2")
    wb.close()
    return path


@pytest.fixture(scope="module")
def office():
    require_office()
    with office_session() as s:
        yield s


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return make_book(tmp_path / "book.xlsx")


@pytest.mark.office
def test_fill_recalc_save_xlsx(office, book, tmp_path):
    out = tmp_path / "saved.xlsx"
    before = book.read_bytes()
    res = office.job(book, [
        {"op": "set", "sheet": SHEET, "values": {"B2": 7, "B3": 5, "C1": "备注文字"}},
        {"op": "recalc"},
        {"op": "save", "path": out},
        {"op": "read", "sheet": SHEET, "cells": ["B2", "B4", "C1", "D9"]},
    ])
    read = res[3]
    assert read["B4"] == {"type": "FORMULA", "value": 12.0, "string": "12", "formula": "=B2+B3", "result": "VALUE"}
    assert read["C1"]["type"] == "TEXT" and read["C1"]["string"] == "备注文字"
    assert read["D9"]["type"] == "EMPTY"
    # the saved file: written by LibreOffice, cached results present, formula kept
    assert app_name(out).startswith("LibreOffice")
    ws = load_workbook(out, data_only=True)[SHEET]
    assert (ws["B2"].value, ws["B3"].value, ws["B4"].value, ws["C1"].value) == (7, 5, 12, "备注文字")
    assert load_workbook(out)[SHEET]["B4"].value == "=B2+B3"
    # the input is untouched and no lock file was left beside it
    assert book.read_bytes() == before
    assert not list(book.parent.glob(".~lock*"))


@pytest.mark.office
def test_save_as_xls_and_ods(office, book, tmp_path):
    office.job(book, [
        {"op": "set", "sheet": SHEET, "values": {"B2": 1, "B3": 2}},
        {"op": "recalc"},
        {"op": "save", "path": tmp_path / "a.xls"},
        {"op": "save", "path": tmp_path / "a.ods"},
    ])
    assert (tmp_path / "a.xls").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # OLE2 (BIFF8)
    assert zipfile.ZipFile(tmp_path / "a.ods").read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    for name in ("a.xls", "a.ods"):
        rows = CalamineWorkbook.from_path(str(tmp_path / name)).get_sheet_by_name(SHEET).to_python(
            skip_empty_area=False)
        assert rows[0][0] == LABEL
        assert [rows[1][1], rows[2][1], rows[3][1]] == [1.0, 2.0, 3.0], name


@pytest.mark.office
def test_reopen_xls_and_ods(office, book, tmp_path):
    """Saved xls/ods open again (another helper's reader tests start from such files)."""
    office.run([{"path": book, "ops": [{"op": "save", "path": tmp_path / "b.xls"},
                                       {"op": "save", "path": tmp_path / "b.ods"}]}])
    res = office.run([{"path": tmp_path / n, "ops": [{"op": "read", "sheet": SHEET, "cells": ["A1"]}]}
                      for n in ("b.xls", "b.ods")])
    assert [r[0]["A1"]["string"] for r in res] == [LABEL, LABEL]


@pytest.mark.office
def test_properties_protection_validation_names(office, book):
    sheets, names, props = office.job(book, [
        {"op": "sheets"}, {"op": "names"}, {"op": "props", "sheet": SHEET, "cells": ["A1", "B2", "B4"]}])
    assert sheets == [{"name": SHEET, "visible": True, "protected": True},
                      {"name": "备注", "visible": True, "protected": False}]
    assert names == {"nb_input": f"${SHEET}.$B$2"}
    assert props["A1"]["locked"] and props["A1"]["sheet_protected"]
    assert props["A1"]["validation"]["type"] == "ANY"
    assert props["B4"]["locked"]
    v = props["B2"]["validation"]
    assert not props["B2"]["locked"]
    assert (v["type"], v["operator"], v["formula1"]) == ("WHOLE", "GREATER_EQUAL", "0")
    assert v["show_error"] and v["error_message"] == "只能填写0或正整数" and v["error_title"] == "输入有误"
    assert v["show_input"] and v["input_message"] == "请填写非负整数" and v["input_title"] == "填写提示"


@pytest.mark.office
def test_rows_and_rename(office, book, tmp_path):
    """Row edits need the sheet unprotected, as in the office UI; formulas follow the moved cells."""
    with pytest.raises(OfficeJobError, match="insert_rows"):
        office.job(book, [{"op": "insert_rows", "sheet": SHEET, "row": 1}])
    res = office.job(book, [
        {"op": "unprotect", "sheet": SHEET},
        {"op": "insert_rows", "sheet": SHEET, "row": 2, "count": 2},
        {"op": "delete_rows", "sheet": SHEET, "row": 1},
        {"op": "rename_sheet", "sheet": SHEET, "to": "改名"},
        {"op": "set", "sheet": "改名", "values": {"A3": 4, "A4": 6, "A9": {"formula": "=A3*A4"}}},
        {"op": "protect", "sheet": "改名"},
        {"op": "recalc"},
        {"op": "sheets"},
        {"op": "read", "sheet": "改名", "cells": ["A1", "B5", "A9"]},
        {"op": "names"},
    ])
    sheets, read, names = res[7], res[8], res[9]
    assert [s["name"] for s in sheets] == ["改名", "备注"] and sheets[0]["protected"]
    assert read["B5"]["formula"] == "=B3+B4"  # B4 moved down two and up one
    assert read["A9"]["value"] == 24.0
    assert read["A1"]["type"] == "EMPTY"  # the label row was deleted
    assert names == {"nb_input": "$改名.$B$3"}


@pytest.mark.office
def test_new_spreadsheet_and_pdf(office, tmp_path):
    office.job(None, [{"op": "set", "sheet": "Sheet1", "values": {"A1": LABEL, "A2": 3}},
                      {"op": "pdf", "path": tmp_path / "x.pdf"}])
    text = subprocess.run(["pdftotext", str(tmp_path / "x.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert LABEL in text


@pytest.mark.office
def test_errors_name_the_job(office, book, tmp_path):
    with pytest.raises(OfficeJobError, match="no sheet '不存在'"):
        office.job(book, [{"op": "read", "sheet": "不存在", "cells": ["A1"]}])
    with pytest.raises(OfficeJobError, match="unknown op 'frobnicate'"):
        office.job(book, [{"op": "frobnicate"}])
    with pytest.raises(OfficeJobError, match="FileNotFoundError"):
        office.job(tmp_path / "missing.xlsx", [])
    # the session survives failed jobs
    assert office.job(book, [{"op": "read", "sheet": SHEET, "cells": ["A1"]}])[0]["A1"]["string"] == LABEL


def test_require_office_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    assert office_problem() == "LibreOffice (soffice) is not installed"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_office()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_office()


# -- tool/report/office.py ----------------------------------------------------------------------

def test_missing_office_is_a_chinese_error(monkeypatch, tmp_path, book):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not tool_office.has_office()
    with pytest.raises(OfficeMissingError, match=r"未找到 LibreOffice.*apt-get install"):
        tool_office.convert([book], "pdf", tmp_path / "out")


def test_convert_checks_inputs_first(tmp_path, book):
    with pytest.raises(UsageError, match="找不到要转换的文件"):
        tool_office.convert([tmp_path / "nope.xlsx"], "pdf", tmp_path)
    other = tmp_path / "sub"
    other.mkdir()
    make_book(other / "book.xlsx")
    with pytest.raises(UsageError, match="同名"):
        tool_office.convert([book, other / "book.xlsx"], "pdf", tmp_path / "out")
    with pytest.raises(UsageError, match="覆盖输入文件"):
        tool_office.convert([book], "xlsx", tmp_path)


@pytest.mark.office
def test_convert_many_in_one_call_despite_stale_lock(tmp_path, book):
    require_office()
    second = make_book(tmp_path / "第二个.xlsx")
    (tmp_path / f".~lock.{book.name}#").write_text("stale,host,2020\n")  # left by a crashed office
    made = tool_office.convert([book, second], "pdf", tmp_path / "out")
    assert made == [tmp_path / "out" / "book.pdf", tmp_path / "out" / "第二个.pdf"]
    for pdf in made:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert LABEL in text
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


@pytest.mark.office
def test_convert_failures_are_chinese(tmp_path):
    require_office()
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(tool_office.OfficeError, match=r"未能把 .*坏文件\.docx 转换为 PDF"):
        tool_office.convert([broken], "pdf", tmp_path / "out")
    with pytest.raises(tool_office.OfficeError, match="超过 0 秒"):
        tool_office.convert([broken], "pdf", tmp_path / "out", timeout=0.05)


def test_font_aliases_cover_the_official_fonts():
    aliases = tool_office.font_aliases()
    serif, sans, kai = "Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"
    expected = {"仿宋": serif, "仿宋_GB2312": serif, "宋体": serif, "方正小标宋简体": serif, "方正小标宋_GBK": serif,
                "黑体": sans, "楷体": kai, "楷体_GB2312": kai}
    assert expected.items() <= aliases.items()


def test_font_fallbacks_reports_an_unaliased_name():
    if not tool_office.shutil.which("fc-match"):
        pytest.skip("no fontconfig here")
    assert "不存在的字体" in tool_office.font_fallbacks(["不存在的字体"])


def test_alias_fonts_active_in_ci():
    """.ci/run installs the alias file; then no 公文 font falls back and the PDF step stays quiet."""
    if not in_ci() and tool_office.font_fallbacks():
        pytest.skip("alias file not installed here (see README); .ci/run installs it")
    assert tool_office.font_fallbacks() == {}
    assert tool_office.font_warning() is None
    assert os.path.exists(tool_office.alias_file())
