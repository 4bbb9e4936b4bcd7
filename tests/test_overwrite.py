"""Issue 11 (2): nothing filled is lost silently. Every command that writes a file refuses (exit 2,
naming the file and --overwrite) to replace a file that is not what nianbao last wrote there; its
own unchanged outputs are replaced freely; --overwrite replaces anything."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import openpyxl
import pytest
from builders import layout, sample, workbook, year_for
from click.testing import CliRunner

from tool.cli import cli
from tool.core.ledger import LEDGER_NAME, Ledger
from tool.demo import synth
from tool.format import for_year, latest

YEAR = year_for(latest())


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args])


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(res, path: Path) -> None:  # type: ignore[no-untyped-def]
    assert res.exit_code == 2, res.output
    assert str(path.resolve()) in res.output and "--overwrite" in res.output and "Traceback" not in res.output


def fill(path: Path, values: dict[tuple[str, str], object]) -> None:
    wb = openpyxl.load_workbook(path)
    for (sheet, cell), v in values.items():
        wb[sheet][cell] = v
    wb.save(path)


def test_roster_template_never_over_a_filled_roster(tmp_path):
    roster = tmp_path / "名单.xlsx"
    assert run("roster-template", "-o", roster).exit_code == 0
    assert run("roster-template", "-o", roster).exit_code == 0  # its own, unchanged: replaced freely
    fill(roster, {("单位名单", "A2"): "1", ("单位名单", "B2"): "某市财政局"})
    before = sha(roster)
    refused(run("roster-template", "-o", roster), roster)
    assert sha(roster) == before
    res = run("roster-template", "-o", roster, "--overwrite")
    assert res.exit_code == 0 and sha(roster) != before


def test_distribute_never_over_a_filled_workbook(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n1,某市第1局\n2,某市第2局\n", "utf-8")
    out = tmp_path / "下发"
    assert run("distribute", roster, "--year", YEAR, "-o", out).exit_code == 0
    assert run("distribute", roster, "--year", YEAR, "-o", out).exit_code == 0
    [first, _] = sorted(out.glob("*.xlsx"))
    p = layout(for_year(YEAR).id).info["contact"]
    fill(first, {(p.sheet, p.cell): "张三"})
    roster.write_text("序号,单位名称\n1,某市第1局\n2,某市第2局\n3,某市第3局\n", "utf-8")
    before = tree(out)
    refused(run("distribute", roster, "--year", YEAR, "-o", out), first)
    assert tree(out) == before  # refused before writing anything: no third workbook either
    assert run("distribute", roster, "--year", YEAR, "-o", out, "--overwrite").exit_code == 0
    assert len(list(out.glob("*.xlsx"))) == 3 and sha(first) != before[first.name]


def test_template_never_over_a_filled_workbook_but_identical_bytes_are_fine(tmp_path):
    out = tmp_path / "填报表.xlsx"
    assert run("template", "--year", YEAR, "--org", "某局", "-o", out).exit_code == 0
    (tmp_path / LEDGER_NAME).unlink()  # no record, yet the same bytes would be written: nothing to lose
    assert run("template", "--year", YEAR, "--org", "某局", "-o", out).exit_code == 0
    out.write_bytes(workbook(sample(year=YEAR, org="某局")))  # a filled one, not written by this command
    refused(run("template", "--year", YEAR, "--org", "某局", "-o", out), out)


def test_report_never_over_an_edited_report(tmp_path):
    import docx

    src = tmp_path / "财政局.xlsx"
    src.write_bytes(workbook(sample(year=YEAR, org="某市财政局")))
    out = tmp_path / "年报.docx"
    assert run("report", src, "-o", out).exit_code == 0
    assert run("report", src, "-o", out).exit_code == 0
    d = docx.Document(str(out))
    d.add_paragraph("办公室手工补充的一段")
    d.save(str(out))
    before = sha(out)
    refused(run("report", src, "-o", out), out)
    assert sha(out) == before
    assert run("report", src, "-o", out, "--overwrite").exit_code == 0 and sha(out) != before


def test_export_and_docx_template_never_over_edited_files(tmp_path):
    src = tmp_path / "财政局.xlsx"
    src.write_bytes(workbook(sample(year=YEAR)))
    js = tmp_path / "财政局.json"
    assert run("export", src, "-o", js).exit_code == 0
    js.write_text(js.read_text("utf-8").replace("测试局", "改过的名称"), "utf-8")
    refused(run("export", src, "-o", js), js)
    tpl = tmp_path / "我局模板.docx"
    assert run("docx-template", "-o", tpl).exit_code == 0
    tpl.write_bytes(tpl.read_bytes() + b"\0")
    refused(run("docx-template", "-o", tpl), tpl)


@pytest.fixture
def collected(tmp_path):  # type: ignore[no-untyped-def]
    spec = for_year(YEAR)
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in (1, 2):
        data = synth.synthetic(spec, f"某市第{i}局", YEAR, random.Random(i))
        (inbox / f"{i}.xlsx").write_bytes(workbook(data))
    out = tmp_path / "结果"
    args = ("collect", inbox, "--org", "某市人民政府", "--year", YEAR, "-o", out)
    res = run(*args)
    assert res.exit_code == 0, res.output
    return out, args


def test_collect_never_over_a_consolidated_workbook_the_office_filled(collected):
    out, args = collected
    assert run(*args).exit_code == 0  # a rerun over its own unchanged outputs
    [cons] = out.glob("*（汇总）.xlsx")
    p = layout(for_year(YEAR).id).text["overall"]
    fill(cons, {(p.sheet, p.cell): "办公室写好的总体情况"})
    before = tree(out)
    refused(run(*args), cons)
    assert tree(out) == before
    assert run(*args, "--overwrite").exit_code == 0 and sha(cons) != before[cons.name]
    assert Ledger(out).ours(cons)
