"""Issue 12: text that is not ready, the preflight of what graders score, and the reference report.

Through real workbooks (the product's writer, read back by the reader) where the cell matters.
"""

from __future__ import annotations

from builders import sample, workbook

from tool.check import check_bytes
from tool.demo.run import sample as reference
from tool.format import load
from tool.format.interchange import ReportData
from tool.text import text_findings


def findings(data: ReportData, prefix: tuple[str, ...] = ("TEXT_", "REPORT_")) -> list:
    _, res = check_bytes(workbook(data), "x.xlsx")
    return [f for f in res.findings if f.rule.startswith(prefix)]


def rules(data: ReportData) -> list[str]:
    return [f.rule for f in findings(data)]


def test_reference_report_sum_298_vs_266():
    data = reference()
    [f] = [f for f in findings(data) if f.rule == "TEXT_SUM_MISMATCH"]
    assert (f.actual, f.expected, f.sheet, f.cell) == (298, 266, "文字部分", "B6")
    assert "165 + 95 + 6" in f.message and f.quote.startswith("2019年共公开298条政府信息，其中")
    title = next(f for f in findings(data) if f.rule == "REPORT_TITLE")
    assert "“年度”出现了两次" in title.message and title.cell == "B8"


def test_balanced_sample_has_no_text_finding():
    for version in ("2019", "2021"):
        for kind in ("department", "government"):
            assert findings(sample(version, kind=kind, seed=7)) == []


def test_placeholders_error_for_a_department_warning_for_government():
    data = sample()
    data.text["overall"] = "XX局认真落实条例。\n本年度共有【填写数字】条信息。"
    data.text["problems"] += "\n下一步，某某科室将待补充。"
    got = {(f.rule, f.level, f.cell, f.actual) for f in findings(data) if f.rule == "TEXT_PLACEHOLDER"}
    assert got == {("TEXT_PLACEHOLDER", "error", "B4", "XX"), ("TEXT_PLACEHOLDER", "error", "B5", "【填写数字】"),
                   ("TEXT_PLACEHOLDER", "error", "B67", "某某")}
    data.info["kind"] = "government"
    assert {f.level for f in findings(data) if f.rule == "TEXT_PLACEHOLDER"} == {"warning"}


def test_brackets_and_latin_that_are_not_placeholders():
    data = sample()
    data.text["overall"] += "\n开设【政策解读】专栏，提供XXL尺寸图解，网址 http://xx.gov.cn/。"
    assert [f for f in findings(data) if f.rule == "TEXT_PLACEHOLDER"] == []


def test_wrong_year_and_statistics_period():
    data = sample(year=2024)
    data.text["overall"] = "2023年，本局认真贯彻条例。\n" + data.text["overall"]
    data.text["preface"] = "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。本报告在本局门户网站公布。"
    data.text["problems"] += "\n2025年，本局将进一步加强工作。"  # next year's plan: fine in 五
    got = {(f.rule, f.actual) for f in findings(data) if f.rule in ("TEXT_WRONG_YEAR", "TEXT_PERIOD")}
    assert got == {("TEXT_WRONG_YEAR", 2023), ("TEXT_PERIOD", "2023年1月1日起至2023年12月31日")}


def test_obsolete_outline_and_older_format_wording_in_a_2021_report():
    data = sample("2021")
    data.text["overall"] += "\n四、政府信息公开的收费及减免情况\n本年新制作数量较多。"
    got = [(f.rule, f.actual) for f in findings(data) if f.rule == "TEXT_OBSOLETE_WORDING"]
    assert got == [("TEXT_OBSOLETE_WORDING", "政府信息公开的收费及减免情况"),
                   ("TEXT_OBSOLETE_WORDING", "本年新制作数量")]
    older = sample("2019")
    older.text["overall"] += "\n本年新制作数量较多。"
    assert [f for f in findings(older) if f.rule == "TEXT_OBSOLETE_WORDING"] == []


def test_section_five_needs_problems_and_improvements():
    data = sample()
    data.text["problems"] = "本年度工作取得一定成效。"
    got = sorted(f.message.split("未写明")[1].split("（")[0] for f in findings(data)
                 if f.rule == "TEXT_SECTION_CONTENT")
    assert got == ["存在的问题", "改进措施"]


def test_government_report_needs_article_50_4():
    data = sample(kind="government")
    assert "REPORT_ART50_CONTENT" not in rules(data)
    data.text["overall"] = data.text["overall"].replace("考核、社会评议", "")
    [f] = [f for f in findings(data) if f.rule == "REPORT_ART50_CONTENT"]
    assert "工作考核、社会评议和责任追究结果情况" in f.message and f.level == "warning"


def test_fee_statement_in_six_against_table_two():
    data = sample("2021")
    data.text["other_matters"] = "无其他需要报告的事项。"
    assert "REPORT_FEE_STATEMENT" in rules(data)
    data.values["art20_8.admin_fees.fee_amount"] = 3
    data.text["other_matters"] = "本年度未收取任何费用。"
    [f] = [f for f in findings(data) if f.rule == "TEXT_NUMBER_MISMATCH"]
    assert (f.actual, f.expected, f.cell) == (0, 3, "B126")
    data.text["other_matters"] = "本年度依申请提供政府信息，未收取任何费用。"  # the 信息处理费: not 表二（八）
    assert "TEXT_NUMBER_MISMATCH" not in rules(data)


def test_title_and_preface_preflight():
    data = sample()
    data.info["title"] = "2024年度政府信息公开工作年度报告"
    data.text["preface"] = "本报告全文共五部分。"
    got = {f.rule: f for f in findings(data, ("REPORT_",))}
    assert set(got) == {"REPORT_TITLE", "REPORT_PREFACE_PERIOD", "REPORT_PREFACE_URL", "REPORT_PREFACE_PARTS"}
    assert got["REPORT_TITLE"].expected == "测试局2024年政府信息公开工作年度报告"
    data.info["title"] = "测试局2023年政府信息公开工作年度报告"
    assert "年份不是报告年度" in next(f for f in findings(data) if f.rule == "REPORT_TITLE").message


def test_unreadable_cells_are_not_judged():
    data = sample()
    spec = load("2021")
    values = spec.compute(data.values)
    key = "new_requests.natural_person"
    data.values[key] += 5  # the text now disagrees …
    assert [f.rule for f in text_findings(data, spec)] == ["TEXT_NUMBER_MISMATCH"]
    assert text_findings(data, spec, skip={key}) == []  # … unless that cell could not be read
    assert values  # (computed from the inputs the text was written for)


def test_returned_copy_marks_the_text_cell(tmp_path):
    from click.testing import CliRunner

    from tool.cli import cli

    data = sample()
    data.text["overall"] = data.text["overall"].replace("申请254件", "申请250件")
    src = tmp_path / "财政局.xlsx"
    src.write_bytes(workbook(data))
    res = CliRunner().invoke(cli, ["check", str(src), "--annotate", str(tmp_path / "退回")])
    assert res.exit_code == 0 and "“本年度共收到政府信息公开申请250件”与表三 本年新收 254" in res.output
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "退回" / "财政局_退回.xlsx")
    cell = wb["文字部分"]["B5"]
    assert cell.value.startswith("（二）依申请公开方面。本年度共收到政府信息公开申请250件")
    assert "TEXT_NUMBER_MISMATCH" not in cell.comment.text and "与表三 本年新收 254" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFEB9C")
    listed = [r for r in wb["校验结果"].iter_rows(values_only=True) if r[2] == "B5"]
    assert listed and listed[0][1] == "文字部分"


def test_draft_command_prints_the_workbook_sentences(tmp_path):
    import json

    from click.testing import CliRunner

    from tool.cli import cli
    from tool.text.draft import sentences

    data = sample()
    src = tmp_path / "表.xlsx"
    src.write_bytes(workbook(data))
    res = CliRunner().invoke(cli, ["draft", str(src), "--json"])
    assert res.exit_code == 0
    got = json.loads(res.stdout)
    assert [(d["title"], d["text"]) for d in got] == sentences(data)
    assert got[0]["text"].startswith("本年度共收到政府信息公开申请254件") and "行政复议" in got[1]["text"]
    data.text["overall"] = data.text["overall"].replace("申请254件", "申请250件")
    src.write_bytes(workbook(data))
    res = CliRunner().invoke(cli, ["draft", str(src), "--claims"])
    assert "✘ 文字部分 B5（一、总体情况 第2段）：“本年度共收到政府信息公开申请250件”≠ 表三 本年新收 254" in res.output
    assert "✔ 文字部分 B5（一、总体情况 第2段）：“上年结转政府信息公开申请7件”＝ 表三 上年结转 7" in res.output
    res = CliRunner().invoke(cli, ["draft", str(tmp_path / "没有.xlsx")])
    assert res.exit_code == 2 and "找不到文件" in res.output


def test_custom_template_headings_are_preflighted(tmp_path):
    import io

    import docx
    from click.testing import CliRunner

    from tool.cli import cli
    from tool.report.template import default_template

    doc = docx.Document(io.BytesIO(default_template("2021")))
    para = next(p for p in doc.paragraphs if p.text == "五、存在的主要问题及改进情况")
    para.runs[0].text = "五、存在的主要问题及改进举措"
    for r in para.runs[1:]:
        r.text = ""
    tpl = tmp_path / "我局模板.docx"
    doc.save(tpl)
    src = tmp_path / "表.xlsx"
    src.write_bytes(workbook(sample()))
    res = CliRunner().invoke(cli, ["report", str(src), "--template", str(tpl), "-o", str(tmp_path / "r.docx"),
                                   "--verbose"])
    assert res.exit_code == 0, res.output
    assert "找不到部分标题“五、存在的主要问题及改进情况”（模板中是“五、存在的主要问题及改进举措”）" in res.output
    assert "REPORT_HEADING" in res.output and (tmp_path / "r.docx").exists()


def test_hostile_text_is_read_in_bounded_time():
    """Runs of digits, letters and claim words tens of thousands long (as a hostile or broken cell can
    hold): every pattern is bounded, so this finishes (a quadratic pattern would take minutes)."""
    data = sample()
    data.text["overall"] = "\n".join([
        "9" * 30000 + "件", "a" * 30000 + ".gov.cn", "予以公开1件、" * 4000, "（" * 20000 + "一是" * 5000,
        "第" + "一" * 30000 + "条", "未发生" + "行政复议、" * 5000, "共1件，其中" + "1件、" * 8000,
        "x@" * 20000, "电话" + " " * 30000 + "1",
    ])
    spec = load("2021")
    found = text_findings(data, spec)
    assert all(f.rule != "TEXT_NUMBER_MISMATCH" or len(f.quote) <= 60 for f in found)
