"""Issue 11 (6): console and messages. Every command names what it wrote (absolute paths) and the next
step; no English reaches the user (metavars, click's number errors, field types); rule codes only
with --verbose; a folder given to check points to collect; bare ``nianbao`` lists the whole year's
workflow; fields and docx-template take --year; the 填报说明 tells the three 表四 totals apart and
reads as guidance; a 表三 imbalance names the likely wrong cells; report --pdf without LibreOffice
still writes the docx and says how to get a PDF."""

from __future__ import annotations

import json
import os
import random
import re

import openpyxl
import pytest
from builders import sample, workbook, year_for
from click.testing import CliRunner

from tool.check import check_bytes
from tool.cli import cli
from tool.demo import synth
from tool.format import for_year, latest

YEAR = year_for(latest())
ENGLISH_METAVARS = re.compile(r"\b(TEXT|INTEGER|FLOAT|PATH|FILENAME|DIRECTORY|RANGE|BOOLEAN)\b")


def run(*args: object, **kw):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args], **kw)


COMMAND_PATHS = sorted([(n,) for n in cli.commands] + [(n, sub) for n, c in cli.commands.items()
                                                        for sub in getattr(c, "commands", {})])


@pytest.mark.parametrize("names", COMMAND_PATHS, ids=" ".join)
def test_no_english_metavars(names):
    out = run(*names, "--help").output
    assert not ENGLISH_METAVARS.search(out), (names, ENGLISH_METAVARS.search(out))
    assert "<=x<=" not in out


def test_number_errors_are_chinese():
    res = run("template", "--year", "abc")
    assert res.exit_code == 2 and "不是有效的整数" in res.output and "integer" not in res.output
    res = run("collect", ".", "--jobs", "0")
    assert res.exit_code == 2 and "1～64" in res.output


def test_bare_nianbao_lists_the_whole_workflow():
    res = run()
    assert res.exit_code == 0
    for step in ("roster-template", "distribute", "check", "collect", "report --all", "退回"):
        assert step in res.output, step
    listed = re.findall(r"^  (\S+)\s{2,}", res.output.split("命令")[-1], re.M)
    assert listed[:6] == ["roster-template", "distribute", "template", "check", "collect", "report"]


def test_fields_in_chinese_and_by_year(tmp_path):
    res = run("fields", "--year", YEAR)
    assert res.exit_code == 0 and "整数" in res.output and "\tinteger" not in res.output
    rows = json.loads(run("fields", "--year", 2020, "--json").output)
    assert {r["type_zh"] for r in rows} >= {"整数", "文本"} and any("procurement" in r["key"] for r in rows)
    res = run("docx-template", "--year", 2020, "-o", tmp_path / "t.docx")
    assert res.exit_code == 0 and "2019 格式" in res.output
    assert run("fields", "--year", 2020, "--format", "2021").exit_code == 2


def test_check_of_a_folder_points_to_collect(tmp_path):
    (tmp_path / "收件箱").mkdir()
    res = run("check", f"{tmp_path / '收件箱'}/")
    assert res.exit_code == 2 and "nianbao collect" in res.output and "*.xlsx" in res.output and "//" not in res.output


def test_rule_codes_only_with_verbose(tmp_path):
    d = sample(year=YEAR)
    synth.unbalance(d.spec, d, 1)
    src = tmp_path / "x.xlsx"
    src.write_bytes(workbook(d))
    assert "[T3_BALANCE]" not in run("check", src).output
    assert "[T3_BALANCE]" in run("check", src, "--verbose").output
    assert json.loads(run("check", src, "--json").output)[0]["findings"][0]["rule"]


def test_guide_tells_the_totals_apart_and_reads_as_guidance(tmp_path):
    out = tmp_path / "t.xlsx"
    run("template", "--year", YEAR, "-o", out)
    text = [str(r[0]) for r in openpyxl.load_workbook(out)["填报说明"].iter_rows(values_only=True) if r[0]]
    t4 = [t for t in text if t.split("：", 1)[0].endswith("表四")]
    assert len(t4) == 3 and len(set(t4)) == 3
    assert any("行政复议" in t for t in t4) and any("未经复议直接起诉" in t for t in t4) and any("复议后起诉" in t for t in t4)
    assert not any("逐项适用" in t for t in text)
    assert all(len(t) < 260 for t in text), max(text, key=len)


def test_imbalance_names_the_likely_wrong_row():
    spec = for_year(YEAR)
    d = synth.synthetic(spec, "某局", YEAR, random.Random(1))
    cols = ("natural_person", "commercial_enterprise", "research_institution")
    for c in cols:
        d.values[f"denied_third_party.{c}"] = d.values.get(f"denied_third_party.{c}", 0) + 2
    _, result = check_bytes(workbook(d), "x.xlsx")
    balance = [f for f in result.errors if f.rule == "T3_BALANCE"]
    assert len(balance) == len(cols)
    cells = {spec.layout.values[f"denied_third_party.{c}"].cell for c in cols}
    for f in balance:
        assert "4.保护第三方合法权益" in f.message and f.related[0] in cells, f.message


def test_report_pdf_without_libreoffice_still_writes_the_docx(tmp_path):
    src = tmp_path / "x.xlsx"
    src.write_bytes(workbook(sample(year=YEAR)))
    out = tmp_path / "x.docx"
    res = run("report", src, "-o", out, "--pdf", env={"PATH": str(tmp_path / "没有")})
    assert res.exit_code == 0 and out.exists(), res.output
    assert not out.with_suffix(".pdf").exists()
    assert "Windows" in res.output and "Linux" in res.output and "apt-get" in res.output and "另存为" in res.output
    assert str(out.resolve()) in res.output and "下一步" in res.output


def test_collect_and_distribute_name_units_paths_and_the_next_step(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n" + "".join(f"{i},某市第{i}局\n" for i in range(1, 14)), "utf-8")
    res = run("distribute", roster, "--year", YEAR, "-o", tmp_path / "下发")
    assert res.exit_code == 0 and str((tmp_path / "下发").resolve()) in res.output and "下一步" in res.output
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    d = synth.synthetic(for_year(YEAR), "某市第1局", YEAR, random.Random(1))
    synth.unbalance(d.spec, d, 1)
    (inbox / "1.xlsx").write_bytes(workbook(d))
    out = tmp_path / "结果"
    res = run("collect", inbox, "--roster", roster, "--year", YEAR, "-o", out)
    assert res.exit_code == 1
    assert "未提交（12）：某市第2局、" in res.output and "等 12 个" in res.output
    assert "有错误、未计入汇总（1）：某市第1局" in res.output
    assert str((out / "汇总表.xlsx").resolve()) in res.output and str((out / "退回").resolve()) in res.output
    assert re.search(r"下一步：.*退回.*收件箱.*collect", res.output)
    assert os.sep in res.output
