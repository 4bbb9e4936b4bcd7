"""A new format version is one data file: a "2026" version (the newest format plus one row in 表二 and
one relation) written into a copy of the format folder works through template, check, report,
distribute and collect, with no other change."""

from __future__ import annotations

import copy
import io
import json
import random
from pathlib import Path

import docx
import openpyxl
import pytest
from builders import format_data
from click.testing import CliRunner

from tool import format as fmt
from tool.check import check_bytes
from tool.cli import cli
from tool.demo.synth import synthetic
from tool.workbook import build_workbook

NEW_KEY = "art20_6.inspection.decisions"
NEW_LABEL = "行政检查"
NEW_RULE = "T2_PENALTY_NOT_ABOVE_INSPECTION"


def _new_version(base: dict, first: int) -> dict:
    data = copy.deepcopy(base)
    data["id"], data["years"] = str(first), {"first": first}
    rows = data["tables"]["active_disclosure"]["rows"]
    at = next(i for i, r in enumerate(rows) if any(c.get("value") == "art20_6.coercion.decisions" for c in r))
    rows.insert(at + 1, [{"row_header": NEW_LABEL}, {"value": NEW_KEY, "colspan": 3}])
    data["relations"].append({"id": NEW_RULE, "kind": "le", "level": "warning", "table": "active_disclosure",
                              "title": "行政处罚决定数不超过行政检查数", "lhs": ["art20_6.penalty.decisions"],
                              "rhs": [NEW_KEY], "blame": "art20_6.penalty.decisions"})
    return data


@pytest.fixture
def version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    newest = fmt.latest()
    first = newest.first_year + 5
    folder = tmp_path / "formats"
    folder.mkdir()
    for p in fmt.data_dir().glob("*.json"):
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / f"{first}.json").write_text(json.dumps(_new_version(format_data(newest.id), first),
                                                     ensure_ascii=False), "utf-8")
    monkeypatch.setenv(fmt.registry.ENV, str(folder))
    fmt.reset()
    yield fmt.load(str(first))
    monkeypatch.delenv(fmt.registry.ENV)
    fmt.reset()


def _run(*args: str) -> tuple[int, str]:
    """(exit code, standard output): JSON goes to stdout, progress bars to stderr."""
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stdout


def test_template_check_report(version, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    year = version.first_year
    assert fmt.for_year(year).id == version.id and fmt.for_year(year - 1).id != version.id
    code, out = _run("template", "--year", str(year), "--org", "测试局", "-o", str(tmp_path / "t.xlsx"))
    assert code == 0 and f"{version.id} 格式" in out, out
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    place = version.layout.values[NEW_KEY]
    sheet = version.tables["active_disclosure"].sheet
    assert wb[sheet].cell(place.row, place.col - 1).value == NEW_LABEL
    assert place.name in wb.defined_names
    # a filled, balanced workbook passes; breaking the new relation is its finding
    data = synthetic(version, "测试局", year, random.Random(3))
    data.values[NEW_KEY] = 5
    data.values["art20_6.penalty.decisions"] = 2
    good = tmp_path / "good.xlsx"
    good.write_bytes(build_workbook(data))
    assert check_bytes(good.read_bytes(), good.name)[1].ok
    data.values["art20_6.penalty.decisions"] = 9
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(build_workbook(data))
    code, out = _run("check", str(bad), "--json")
    [f] = [f for f in json.loads(out)[0]["findings"] if f["rule"] == NEW_RULE]
    assert (f["cell"], f["actual"], f["level"]) == (version.layout.values["art20_6.penalty.decisions"].cell, 9,
                                                    "warning")
    # the report: the default template is generated for the new version
    code, out = _run("report", str(good), "-o", str(tmp_path / "r.docx"))
    assert code == 0, out
    doc = docx.Document(tmp_path / "r.docx")
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert NEW_LABEL in cells and "5" in cells


def test_distribute_collect_report_all(version, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    year = version.first_year
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n1,测试市第1局\n2,测试市第2局\n3,测试市第3局\n", "utf-8")
    code, out = _run("distribute", str(roster), "--year", str(year), "-o", str(tmp_path / "下发"))
    assert code == 0, out
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i, sent in enumerate(sorted((tmp_path / "下发").glob("*.xlsx")), start=1):
        meta = openpyxl.load_workbook(sent)[version.common.sheets["meta"]]
        assert {r[0].value: r[1].value for r in meta.iter_rows(max_col=2)}["format"] == version.id
        data = synthetic(version, f"测试市第{i}局", year, random.Random(i))
        data.values[NEW_KEY] = data.values["art20_6.penalty.decisions"] + i
        (inbox / sent.name).write_bytes(build_workbook(data, written_by="distribute"))
    code, out = _run("collect", str(inbox), "--roster", str(roster), "--org", "测试市人民政府", "--year", str(year),
                     "-o", str(tmp_path / "结果"), "--json")
    assert code == 0, out
    assert json.loads(out)["format"] == version.id
    [cons] = (tmp_path / "结果").glob("*（汇总）.xlsx")
    sub, result = check_bytes(cons.read_bytes(), cons.name)
    assert result.ok and sub.data.values[NEW_KEY] > 0
    code, out = _run("report", "--all", str(tmp_path / "结果"))
    assert code == 1 and "已生成 3 份" in out, out  # the consolidated one: its 文字部分 and 落款日期 are the office's to write
    code, out = _run("report", "--all", str(tmp_path / "结果"), "--force")
    assert code == 0, out
    made = sorted((tmp_path / "结果" / "报告").glob("*.docx"))
    assert len(made) == 4
    text = [c.text for t in docx.Document(io.BytesIO(made[0].read_bytes())).tables for r in t.rows for c in r.cells]
    assert NEW_LABEL in text
