"""`nianbao demo` runs the whole chain on the built-in sample data (README's first command)."""

import json

from click.testing import CliRunner

from tool.cli import cli
from tool.demo.run import sample


def test_demo_writes_every_step(tmp_path):
    out = tmp_path / "示例"
    res = CliRunner().invoke(cli, ["demo", "-o", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert "校验：通过" in res.output
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"空白填报表_2019格式.xlsx", "空白填报表_2021格式.xlsx", "忻州市信访局2019年填报表（示例）.xlsx",
            "忻州市信访局2019年政府信息公开工作年度报告.docx",
            "多部门/汇总结果/汇总表.xlsx", "多部门/汇总结果/示例市人民政府2024年政府信息公开工作年度报告.docx",
            "多部门/汇总结果/退回/2_示例市教育局_退回.xlsx"} <= names
    assert "nianbao serve" in res.output and "多部门/工作台/台账.sqlite" in names
    from tool.workspace.space import Workspace
    from tool.workspace.status import api_status

    got = [u["status"] for u in api_status(Workspace.open(out / "多部门/工作台"))["units"]]
    assert got == ["通过", "有错误", "通过", "通过", "未提交"]
    status = json.loads((out / "多部门/汇总结果/manifest.json").read_text("utf-8"))
    assert [u["status"] for u in status["units"]] == ["passed", "failed", "passed", "passed", "missing"]
    # issue 12: the reference report's own 298 vs 266 is shown; the demo's reports have no contradiction
    assert "中所列各项之和为 266" in res.output and "与所写的 298 不符" in res.output  # TEXT_SUM_MISMATCH
    assert "校验文字与表格：本级政府报告 0 处不一致，3 个通过校验的单位 0 处不一致" in res.output


def test_demo_government_report_says_what_its_tables_say(tmp_path):
    import docx

    out = tmp_path / "示例"
    assert CliRunner().invoke(cli, ["demo", "-o", str(out), "--no-pdf"]).exit_code == 0
    cons = next((out / "多部门/汇总结果").glob("*（汇总）.xlsx"))
    from tool.check import check_bytes

    sub, _ = check_bytes(cons.read_bytes(), cons.name)
    total = sub.data.all_values()["new_requests.total"]
    doc = docx.Document(out / "多部门/汇总结果/示例市人民政府2024年政府信息公开工作年度报告.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"本年度共收到政府信息公开申请{total}件" in text
    assert "工作考核、社会评议" in text  # 条例第五十条第四项, in a 本级政府 report


def test_sample_is_the_reference_report():
    d = sample()
    assert (d.format, d.year, d.org) == ("2019", 2019, "忻州市信访局")
    assert d.values["art20_9.central_procurement.procurement_items"] == 11
