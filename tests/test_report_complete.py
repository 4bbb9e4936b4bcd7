"""Issue 11 (3): no incomplete report goes out unannounced. An empty required section (一、五; 六 too
for a 本级政府 report: Art. 50) or no 落款日期 refuses the report like an error (exit 1; --force makes a
草稿); report --all names each unit it left out and why; a blank 落款日期 is a check warning."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from builders import sample, workbook, year_for
from click.testing import CliRunner

from tool.check import check_bytes
from tool.cli import cli
from tool.demo import synth
from tool.format import for_year, latest
from tool.report.styles import DRAFT_MARK

YEAR = year_for(latest())


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args])


def docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    return "\n".join(p.text for p in d.paragraphs)


def government(text: dict[str, str], sign_date: str = "") -> bytes:
    d = sample(year=YEAR, org="某市人民政府", kind="government")
    d = replace(d, text={**{k: "" for k in d.text}, **text}, info={**d.info, "sign_date": sign_date})
    return workbook(d)


def test_empty_government_report_is_refused_and_forced_as_a_draft(tmp_path):
    src = tmp_path / "汇总.xlsx"
    src.write_bytes(government({}))
    out = tmp_path / "年报.docx"
    res = run("report", src, "-o", out)
    assert res.exit_code == 1 and not out.exists(), res.output
    for title in ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "落款日期"):
        assert title in res.output, title
    assert "--force" in res.output and "[TEXT_REQUIRED]" not in res.output
    res = run("report", src, "-o", out, "--force")
    assert res.exit_code == 0 and out.exists() and DRAFT_MARK in docx_text(out), res.output


def test_government_report_needs_section_six_a_department_does_not(tmp_path):
    filled = {"overall": "总体情况。", "problems": "存在的问题。"}
    src = tmp_path / "汇总.xlsx"
    src.write_bytes(government(filled, f"{YEAR + 1}-03-20"))
    res = run("report", src, "-o", tmp_path / "a.docx")
    assert res.exit_code == 1 and "六、其他需要报告的事项" in res.output and "第五十条" in res.output
    d = sample(year=YEAR, org="某局")
    d = replace(d, text={**d.text, "other_matters": ""})
    (tmp_path / "部门.xlsx").write_bytes(workbook(d))
    res = run("report", tmp_path / "部门.xlsx", "-o", tmp_path / "b.docx")
    assert res.exit_code == 0, res.output


def test_blank_sign_date_warns_in_check_and_refuses_a_report(tmp_path):
    d = sample(year=YEAR, org="某局")
    d = replace(d, info={**d.info, "sign_date": ""})
    blob = workbook(d)
    _, result = check_bytes(blob, "x.xlsx")
    assert result.ok and [f.rule for f in result.warnings] == ["SIGN_DATE_MISSING"]
    _, result = check_bytes(blob, "x.xlsx", stage="report")
    assert [f.rule for f in result.errors] == ["SIGN_DATE_MISSING"]
    (tmp_path / "x.xlsx").write_bytes(blob)
    res = run("report", tmp_path / "x.xlsx", "-o", tmp_path / "x.docx")
    assert res.exit_code == 1 and "落款日期为空" in res.output and not (tmp_path / "x.docx").exists()


def test_report_all_names_each_unit_left_out_and_why(tmp_path):
    spec = for_year(YEAR)
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n1,某市第1局\n2,某市第2局\n3,某市第3局\n", "utf-8")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in (1, 2):
        data = synth.synthetic(spec, f"某市第{i}局", YEAR, random.Random(i))
        if i == 2:
            synth.unbalance(spec, data, 1)
        (inbox / f"{i}.xlsx").write_bytes(workbook(data))
    out = tmp_path / "结果"
    run("collect", inbox, "--roster", roster, "--org", "某市人民政府", "--year", YEAR, "-o", out)
    res = run("report", "--all", out)
    assert res.exit_code == 1, res.output
    assert "已生成 1 份报告" in res.output
    lines = res.output.splitlines()
    assert any("某市第2局" in ln and "有错误" in ln for ln in lines)
    assert any("某市第3局" in ln and "未提交" in ln for ln in lines)
    assert any("某市人民政府" in ln and "不能生成正式报告" in ln and "落款日期" in ln for ln in lines)
    res = run("report", "--all", out, "--force")
    assert "已生成 2 份报告" in res.output and "草稿" in res.output
    [cons] = (out / "报告").glob("某市人民政府*.docx")
    assert DRAFT_MARK in docx_text(cons)
