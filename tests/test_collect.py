"""Issue 5, end to end: roster of 30 → distribute → 27 returns (three with errors, a duplicate, a
renamed file, an unknown unit, one in a zip) → collect. Returns filled and saved by real
LibreOffice are collected in tests/test_collect_office.py.

Asserts every unit's status, the consolidated sums against sums computed here independently,
the 明细 trace, the annotated returns, that the consolidated workbook passes check, and that
inputs are never modified.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import layout
from click.testing import CliRunner

from tool import format as specmod
from tool.check import check_bytes
from tool.cli import cli
from tool.demo import synth
from tool.workbook import build_workbook

YEAR = 2024
N_UNITS = 30
ERRORS = {3, 11, 19}  # units returned with an imbalance in 表三
MISSING = {28, 29, 30}
DUPLICATE = 5  # sends twice: first with an error, later corrected
RENAMED = 7  # file renamed by the department
ZIPPED = 12  # arrives inside a zip attachment
FORMER = 14  # the workbook carries the unit's former name and no id (made by hand, not distributed)


def _roster(tmp: Path) -> Path:
    lines = ["序号,单位名称,单位代码,曾用名,联系人,联系电话,邮箱"]
    for i in range(1, N_UNITS + 1):
        former = "市老干部局、市离退休干部管理局" if i == FORMER else ""
        lines.append(f"{i},测试市第{i}局,{'' if i % 2 else f'D{i:03d}'},{former},联系人{i},0351-{i:07d},u{i}@example.cn")
    p = tmp / "名单.csv"
    p.write_text("\n".join(lines) + "\n", "utf-8")
    return p


def _fill_script(path: Path, values: dict, text: dict, lay) -> None:  # type: ignore[no-untyped-def]
    """Fill a distributed workbook as a script would (openpyxl): numbers and the text rows."""
    wb = openpyxl.load_workbook(path)
    for k, v in values.items():
        p = lay.values[k]
        wb[p.sheet][p.cell] = float(v) if isinstance(v, Decimal) else v
    p = lay.info["sign_date"]
    wb[p.sheet][p.cell] = f"{YEAR + 1}-01-20"  # a blank 落款日期 would be a warning
    for k, body in text.items():
        if k in lay.text:
            p = lay.text[k]
            for i, para in enumerate(body.split("\n")):
                wb[p.sheet].cell(row=p.row + i, column=p.col, value=para)
    wb.save(path)


def _sha(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("collect")
    roster = _roster(tmp)
    runner = CliRunner()
    res = runner.invoke(cli, ["distribute", str(roster), "--year", str(YEAR), "-o", str(tmp / "下发")])
    assert res.exit_code == 0, res.output
    spec = specmod.for_year(YEAR)
    lay = layout(spec.id)
    files = {int(p.name.split("_")[0]): p for p in (tmp / "下发").glob("*.xlsx")}
    inbox = tmp / "收件箱"
    inbox.mkdir()
    truth: dict[int, dict] = {}
    for i in range(1, N_UNITS + 1):
        if i in MISSING or i == FORMER:
            continue
        data = synth.synthetic(spec, f"测试市第{i}局", YEAR, random.Random(i))
        values = dict(data.values)
        if i in ERRORS:
            values["carried_forward.natural_person"] += 1
        text = {k: v for k, v in data.text.items() if k != "preface"}
        if i == DUPLICATE:  # the first, wrong, submission: saved earlier (workbook time and file time)
            wrong = dict(values, **{"carried_forward.natural_person": values["carried_forward.natural_person"] + 5})
            first = inbox / "旧" / files[i].name
            first.parent.mkdir()
            first.write_bytes(files[i].read_bytes())
            _fill_script(first, wrong, text, lay)
            os.utime(first, (1_600_000_000, 1_600_000_000))
            time.sleep(1.1)  # the corrected one is saved at least a second later
        target = inbox / files[i].name
        if i == RENAMED:
            target = inbox / "新建 Microsoft Excel 工作表.xlsx"
        target.write_bytes(files[i].read_bytes())
        _fill_script(target, values, text, lay)
        truth[i] = values
    # one unit's return arrives zipped (GBK-safe names are covered in test_intake)
    z = inbox / f"第{ZIPPED}局附件.zip"
    src = inbox / files[ZIPPED].name
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(src.name, src.read_bytes())
    src.unlink()
    # a workbook made by hand under the former name, no id: matched by 曾用名
    fdata = synth.synthetic(spec, "市老干部局", YEAR, random.Random(FORMER))
    (inbox / "老干部局.xlsx").write_bytes(build_workbook(fdata))
    truth[FORMER] = dict(fdata.values)
    # a unit that is not on the roster
    (inbox / "外单位.xlsx").write_bytes(build_workbook(synth.synthetic(spec, "外县某局", YEAR, random.Random(99))))
    before = _sha(inbox)
    out = tmp / "结果"
    res = runner.invoke(cli, ["collect", str(inbox), "--roster", str(roster), "--org", "测试市人民政府",
                              "--year", str(YEAR), "-o", str(out), "--json"])
    return {"tmp": tmp, "inbox": inbox, "out": out, "res": res, "truth": truth, "spec": spec, "lay": lay,
            "before": before}


def test_exit_code_and_inputs_untouched(scenario):
    assert scenario["res"].exit_code == 1, scenario["res"].output  # three units are missing
    assert _sha(scenario["inbox"]) == scenario["before"]


def test_every_unit_status(scenario):
    status = json.loads(scenario["res"].stdout)
    got = {int(u["seq"]): u["status"] for u in status["units"]}
    want = {i: "missing" if i in MISSING else "failed" if i in ERRORS else "passed" for i in range(1, N_UNITS + 1)}
    assert got == want
    units = {int(u["seq"]): u for u in status["units"]}
    assert units[DUPLICATE]["duplicates"] and "旧" in units[DUPLICATE]["duplicates"][0]
    assert units[RENAMED]["file"] == "新建 Microsoft Excel 工作表.xlsx"
    assert units[ZIPPED]["file"].startswith(f"第{ZIPPED}局附件.zip › ")
    assert status["unknown"] == ["外单位.xlsx"]


def test_consolidated_sums_and_check(scenario):
    spec, lay, truth = scenario["spec"], scenario["lay"], scenario["truth"]
    passing = [v for i, v in truth.items() if i not in ERRORS]
    want = spec.compute({k: sum((v.get(k, 0) for v in passing), 0) for k in spec.inputs})
    [cons] = list(scenario["out"].glob("*（汇总）.xlsx"))
    sub, result = check_bytes(cons.read_bytes(), cons.name)
    assert result.ok, [f.message for f in result.errors]
    assert sub.data.info.get("kind") == "government" and sub.data.org == "测试市人民政府"
    got = sub.data.all_values()
    assert {k: Decimal(str(got[k])) for k in spec.inputs} == {k: Decimal(str(want[k])) for k in spec.inputs}
    # 明细: for every consolidated cell (header row 2 names it), each passing unit's contribution
    wb = openpyxl.load_workbook(cons, read_only=True)
    rows = list(wb["明细"].iter_rows(values_only=True))
    wb.close()
    keys = list(spec.fields)
    assert rows[0][0].startswith("测试市人民政府") and "截至" in rows[0][0]  # the title line
    assert rows[2][3:] == tuple(f"{lay.values[k].sheet}!{lay.values[k].cell}" for k in keys)
    units = rows[4:]
    assert {r[1] for r in units} == {f"测试市第{i}局" for i in truth if i not in ERRORS and i != FORMER} | {"测试市第14局"}
    for j, k in enumerate(keys, start=3):
        column = sum((Decimal(str(r[j] or 0)) for r in units), Decimal(0))
        assert column == Decimal(str(rows[3][j])) == Decimal(str(want[k])), k


def test_status_workbook(scenario):
    wb = openpyxl.load_workbook(scenario["out"] / "汇总表.xlsx", read_only=True)
    sheets = {n: list(wb[n].iter_rows(values_only=True)) for n in wb.sheetnames}
    wb.close()
    assert list(sheets)[:5] == ["进度", "提交情况", "催报", "问题清单", "数据"]
    problems = sheets["问题清单"]
    assert problems[1][:3] == ("序号", "单位名称", "级别")  # under the title line
    assert {int(r[0]) for r in problems[2:] if r[2] == "错误"} == ERRORS
    rows = sheets["提交情况"]
    assert len(rows) == N_UNITS + 2  # the title line, the header row, a row per unit
    assert {r[2] for r in rows[2:]} == {"未提交", "有错误", "通过"}
    chase = sheets["催报"][2:]
    assert {int(r[0]) for r in chase} == MISSING | ERRORS
    figures = sheets["数据"]
    assert figures[3][1].startswith("汇总")
    submitted = N_UNITS - len(MISSING)  # every unit with readable data, passing or not
    assert [r[1] for r in figures[4:]] == [f"测试市第{i}局" for i in range(1, N_UNITS + 1) if i not in MISSING]
    assert [r[2] for r in figures[4:]].count("否") == len(ERRORS) and len(figures) == 4 + submitted


def test_returns_are_annotated(scenario):
    back = sorted((scenario["out"] / "退回").glob("*.xlsx"))
    assert {int(p.name.split("_")[0]) for p in back} == ERRORS
    lay = scenario["lay"]
    p = lay.values["carried_forward.natural_person"]
    for f in back:
        wb = openpyxl.load_workbook(f)
        assert "校验结果" in wb.sheetnames
        assert wb[p.sheet][p.cell].comment is not None


def test_findings_json_lists_every_file(scenario):
    files = json.loads((scenario["out"] / "findings.json").read_text("utf-8"))
    names = {f["file"] for f in files}
    assert "外单位.xlsx" in names and any(n.startswith("旧/") for n in names)


def test_report_all_renders_every_passing_unit_and_the_consolidated_one(scenario):
    res = CliRunner().invoke(cli, ["report", "--all", str(scenario["out"])])
    assert res.exit_code == 1, res.output  # units missing or failed, the consolidated one without its text
    passing = N_UNITS - len(MISSING) - len(ERRORS)
    assert f"未生成 {len(MISSING) + len(ERRORS) + 1} 份" in res.output
    assert len(list((scenario["out"] / "报告").glob("*.docx"))) == passing
    res = CliRunner().invoke(cli, ["report", "--all", str(scenario["out"]), "--force"])
    made = sorted((scenario["out"] / "报告").glob("*.docx"))
    assert len(made) == passing + 1
    assert any(p.name.startswith("测试市人民政府2024年") for p in made)


def test_report_all_without_manifest_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(cli, ["report", "--all", str(tmp_path)])
    assert res.exit_code == 2 and "请先运行 nianbao collect" in res.output


@pytest.mark.office
def test_libreoffice_reads_the_streamed_rows(scenario):
    """The unit rows of 数据 and 明细 are streamed into the zip by us: a real office suite reads them."""
    from office_harness import require_office, run_office

    require_office()
    [cons] = list(scenario["out"].glob("*（汇总）.xlsx"))
    got = run_office([{"path": str(scenario["out"] / "汇总表.xlsx"), "ops": [{"op": "read", "sheet": "数据", "cells": ["B5", "B31"]}]},
                      {"path": str(cons), "ops": [{"op": "read", "sheet": "明细", "cells": ["B5"]}]}])
    assert got[0][0]["B5"]["string"] == "测试市第1局"
    assert got[0][0]["B31"]["string"] == "测试市第27局"
    assert got[1][0]["B5"]["string"] == "测试市第1局"
