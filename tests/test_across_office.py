"""汇总表.xlsx with its 雷同, 同比 and 分析 sheets opened by real LibreOffice: the numbers it reads are
the ones written, the chart is there, and the sheets print (PDF → PNG pages, kept for a person to look at
when NIANBAO_KEEP_PNG names a folder)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_across import SPEC, YEAR, _last_year_of
from test_compare import near_copy

from tool.cli import cli
from tool.demo import synth
from tool.format import common
from tool.workbook import build_workbook

pytestmark = pytest.mark.office


def test_office_sheets_open_and_print_in_libreoffice(tmp_path: Path) -> None:
    from office_harness import office_session, require_office

    require_office()
    inbox, last = tmp_path / "收件箱", tmp_path / "上年"
    inbox.mkdir()
    last.mkdir()
    datas = {i: synth.synthetic(SPEC, f"测试市第{i}局", YEAR, random.Random(i)) for i in range(1, 7)}
    for i, d in datas.items():
        d.info["unit_id"] = f"U{i}"
    datas[2].text["overall"] = near_copy(datas[1].text["overall"], datas[1].org, datas[2].org)
    for i, d in datas.items():
        (inbox / f"{i}.xlsx").write_bytes(build_workbook(d, written_by="distribute"))
        (last / f"{i}.xlsx").write_bytes(build_workbook(_last_year_of(d, i), written_by="distribute"))
    out = tmp_path / "输出"
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--year", str(YEAR), "--last-year", str(last),
                                   "-o", str(out)])
    assert res.exit_code in (0, 1), res.output
    book = out / common().outputs["status"]
    sheets = common().sheets
    mine = openpyxl.load_workbook(book)
    pdf = tmp_path / "汇总表.pdf"
    with office_session() as office:
        names, similar, yoy, analysis, _ = office.job(str(book), [
            {"op": "sheets"},
            {"op": "read_range", "sheet": sheets["similar"], "range": "A4:F5"},
            {"op": "read_range", "sheet": sheets["yoy"], "range": "A5:F11"},
            {"op": "read_range", "sheet": sheets["analysis"], "range": "A4:E9"},
            {"op": "pdf", "path": str(pdf)}])
    assert [s["name"] for s in names][4:8] == [sheets["figures"], sheets["similar"], sheets["yoy"], sheets["analysis"]]
    ws = mine[sheets["similar"]]
    for got, row in zip(similar["data"], ws.iter_rows(min_row=4, max_row=5, max_col=6, values_only=True), strict=True):
        assert got[1:3] == list(row[1:3]) and got[3] == pytest.approx(row[3]) and got[5] == row[5]
    assert similar["data"][0][1] == datas[1].org and similar["data"][1][1] == datas[2].org
    ys = mine[sheets["yoy"]]
    for got, row in zip(yoy["data"], ys.iter_rows(min_row=5, max_row=11, max_col=6, values_only=True), strict=True):
        assert [x if x != "" else None for x in got[2:5]] == [None if v is None else float(v) for v in row[2:5]]
    an = mine[sheets["analysis"]]
    assert [r[2] for r in analysis["data"][:6]] == [r[2] for r in an.iter_rows(min_row=4, max_row=9, values_only=True)]
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftoppm"):
        pngs = tmp_path / "png"
        pngs.mkdir()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(pngs / "p")], check=True, timeout=300)
        assert len(list(pngs.glob("*.png"))) >= 4
        keep = os.environ.get("NIANBAO_KEEP_PNG")
        if keep:
            shutil.copytree(pngs, Path(keep), dirs_exist_ok=True)
            shutil.copy(pdf, Path(keep) / pdf.name)
