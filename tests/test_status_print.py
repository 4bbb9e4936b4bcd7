"""Issue 11 (5): a printable 汇总表.xlsx. Every sheet starts with a title line (organ, year, 截至 time),
repeats it and its header on each page, wraps long text, fits one page wide (the per-field 数据
sheet, 200 columns, prints across pages with its first columns repeated); a one-page 进度 sheet
for the office head; times as 2025-01-20 09:30 local. Rendered by real LibreOffice and read back."""

from __future__ import annotations

import random
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from builders import workbook, year_for
from click.testing import CliRunner

from tool.cli import cli
from tool.collect.board import local_iso
from tool.demo import synth
from tool.format import for_year, latest

YEAR = year_for(latest())
TITLE = re.compile(rf"^某市人民政府　{YEAR}年度政府信息公开工作年度报告汇总表　截至 \d{{4}}-\d\d-\d\d \d\d:\d\d$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")


@pytest.fixture(scope="module")
def status(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("status")
    spec = for_year(YEAR)
    roster = tmp / "名单.csv"
    roster.write_text("序号,单位名称,联系人\n" + "".join(f"{i},某市第{i}局,联系人{i}\n" for i in range(1, 5)), "utf-8")
    inbox = tmp / "收件箱"
    inbox.mkdir()
    for i in (1, 2, 3):
        data = synth.synthetic(spec, f"某市第{i}局", YEAR, random.Random(i))
        if i == 2:
            synth.unbalance(spec, data, 2)
        (inbox / f"{i}.xlsx").write_bytes(workbook(data))
    deadline = (date.today() + timedelta(days=9)).isoformat()
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--roster", str(roster), "--org", "某市人民政府",
                                   "--year", str(YEAR), "-o", str(tmp / "结果"), "--deadline", deadline])
    assert res.exit_code == 1, res.output
    return tmp / "结果" / "汇总表.xlsx"


def test_every_sheet_is_printable(status):
    wb = openpyxl.load_workbook(status)
    assert wb.sheetnames[0] == "进度"
    for ws in wb.worksheets:
        assert TITLE.match(str(ws["A1"].value)), (ws.title, ws["A1"].value)
        assert ws.page_setup.paperSize == 9, ws.title
        if ws.title == "进度":
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight in (1, None)
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:"), ws.title
        if ws.title == "数据":
            assert ws.print_title_cols == "$A:$C"  # 200 columns: across pages, 序号/单位名称/计入汇总 repeated
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None), ws.title
            assert ws.page_setup.fitToHeight == 0, ws.title


def test_progress_sheet_for_the_office_head(status):
    ws = openpyxl.load_workbook(status)["进度"]
    text = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    joined = "\n".join(text)
    assert "报送期限" in joined and "还有 9 天" in joined
    counts = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] in ("通过", "通过（有警告）", "有错误", "未提交", "合计")}
    assert counts == {"通过": 2, "通过（有警告）": 0, "有错误": 1, "未提交": 1, "合计": 4}
    assert "某市第2局" in joined and "某市第4局" in joined


def test_times_are_local_minutes_and_messages_wrap(status):
    wb = openpyxl.load_workbook(status)
    ws = wb["提交情况"]
    head = [c.value for c in ws[2]]
    for name in ("文件修改时间", "填报表保存时间"):
        col = head.index(name)
        values = [r[col] for r in ws.iter_rows(min_row=3, values_only=True) if r[col]]
        assert values and all(STAMP.match(v) for v in values), values
    chase = wb["催报"]
    problem = [c.value for c in chase[2]].index("主要问题") + 1
    cell = chase.cell(row=3, column=problem)
    assert cell.value and cell.alignment.wrap_text
    assert chase.row_dimensions[3].height and chase.row_dimensions[3].height > 20  # tall enough for the wrapped text


def test_iso_times_become_local():
    shown = local_iso("2025-01-20T01:30:00Z")
    assert STAMP.match(shown) and "T" not in shown and "Z" not in shown


@pytest.mark.office
def test_libreoffice_prints_title_and_header_on_every_page_one_page_wide(status, tmp_path):
    from office_harness import require_office

    from tool.report.office import convert

    require_office()
    [pdf] = convert([status], "pdf", tmp_path)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert "报送期限" in pages[0] and "合计" in pages[0]  # 进度: one page
    assert all("截至" in p for p in pages)  # the title line on every page
    status_page = next(p for p in pages if "填报表保存时间" in p)
    assert "序号" in status_page and "SHA-256" in status_page  # first and last column on one page
