"""Issue 12, local rules: levels, deadlines and limits changed by a TOML file on check, distribute,
collect and report; a broken file is named with its line; the sample that rules-template writes is
valid; the rules travel in the distributed workbooks."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from builders import sample, workbook
from click.testing import CliRunner

from tool.check import check_bytes
from tool.cli import cli
from tool.format.localrules import from_text, load_rules, sample_text
from tool.workbook import build_workbook


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def rules_file(tmp_path: Path, text: str, name: str = "本地规则.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def wrong_text():
    d = sample()
    d.text["overall"] = d.text["overall"].replace("本年度共收到政府信息公开申请", "本年度共收到政府信息公开申请1", 1)
    return d


def test_sample_is_valid_and_means_what_it_says(tmp_path):
    out = tmp_path / "r.toml"
    res = run("rules-template", "-o", out)
    assert res.exit_code == 0 and out.read_text("utf-8") == sample_text()
    r = load_rules(str(out))
    assert r.deadlines == {"department": (1, 20)} and r.max_chars == {"overall": 1000}
    assert r.levels == {"TEXT_NUMBER_MISMATCH": "error"} and r.require[0]["any"] == ["工作要点"]


def test_level_raised_and_switched_off(tmp_path):
    wb = tmp_path / "表.xlsx"
    wb.write_bytes(workbook(wrong_text()))
    assert run("check", wb).exit_code == 0  # a warning by default
    raised = rules_file(tmp_path, '[levels]\nTEXT_NUMBER_MISMATCH = "错误"\n')
    res = run("check", wb, "--rules", raised, "--json")
    assert res.exit_code == 1
    [f] = [f for f in json.loads(res.stdout)[0]["findings"] if f["rule"] == "TEXT_NUMBER_MISMATCH"]
    assert f["level"] == "error"
    off = rules_file(tmp_path, '[levels]\nTEXT_NUMBER_MISMATCH = "关闭"\n', "off.toml")
    res = run("check", wb, "--rules", off, "--json")
    assert "TEXT_NUMBER_MISMATCH" not in res.stdout and res.exit_code == 0


def test_earlier_deadline(tmp_path):
    d = sample(year=2024)
    d.info["sign_date"] = "2025-01-25"
    blob = workbook(d)
    assert [f for f in check_bytes(blob, "x")[1].findings if f.rule == "SIGN_DATE_LATE"] == []
    rules = from_text('[deadline]\n"部门" = "1月20日"\n', "r.toml")
    [f] = [f for f in check_bytes(blob, "x", rules=rules)[1].findings if f.rule == "SIGN_DATE_LATE"]
    assert f.expected == "2025-01-20" and "次年1月20日前" in f.message


def test_length_limits_and_required_words(tmp_path):
    d = sample()
    n = len("".join(d.text["overall"].split()))
    rules = from_text(f'[max_chars]\n"总体情况" = {n - 1}\n[min_chars]\nproblems = 500\n'
                      '[[require]]\nsection = "overall"\nname = "工作要点落实情况"\nany = ["工作要点"]\n', "r.toml")
    got = {f.rule: f for f in check_bytes(workbook(d), "x", rules=rules)[1].findings if f.rule.startswith("TEXT_")}
    assert set(got) == {"TEXT_TOO_LONG", "TEXT_TOO_SHORT", "TEXT_REQUIRED_WORDS"}
    assert (got["TEXT_TOO_LONG"].actual, got["TEXT_TOO_LONG"].expected) == (n, n - 1)
    assert "工作要点落实情况" in got["TEXT_REQUIRED_WORDS"].message
    assert check_bytes(workbook(d), "x", rules=from_text(f"[max_chars]\noverall = {n}\n", "r"))[1].warnings == []


@pytest.mark.parametrize(("text", "line", "what"), [
    ('name = "x"\n[levels]\nTEXT_NUMBER_MISMATCH = "严重"\n', 3, "级别应为"),
    ('[deadline]\ndepartment = "1月20日"\ngovernment = "2月30日"\n', 3, "期限应写成"),
    ('[max_chars]\n"总体情况" = 1000\n"第七部分" = 10\n', 3, "没有这个文字部分"),
    ('[levels]\nNO_SUCH_CODE = "错误"\n', 2, "没有这个结果代码"),
    ('[deadline]\ndepartment = 1月20日\n', 2, "格式错误"),
    ('colour = "red"\n', 1, "未知的设置"),
    ('[[require]]\nsection = "总体情况"\nany = []\n', 1, "非空的文字列表"),
])
def test_broken_file_is_named_with_its_line(tmp_path, text, line, what):
    p = rules_file(tmp_path, text)
    res = run("check", "任意.xlsx", "--rules", p)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"第{line}行" in res.output and what in res.output and str(p) in res.output


def test_rules_file_problems_before_any_work(tmp_path):
    res = run("check", "x.xlsx", "--rules", tmp_path / "没有.toml")
    assert res.exit_code == 2 and "找不到规则文件" in res.output
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[levels]\nREPORT_PREFACE_URL = "关闭"\n# 记事本保存的\n'.encode("gbk"))
    assert load_rules(str(gbk)).levels == {"REPORT_PREFACE_URL": "off"}


def test_distributed_workbooks_carry_the_rules(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n1,某市财政局\n", "utf-8")
    rules = rules_file(tmp_path, '[levels]\nTEXT_NUMBER_MISMATCH = "错误"\n')
    res = run("distribute", roster, "--year", 2024, "--rules", rules, "-o", tmp_path / "下发")
    assert res.exit_code == 0, res.output
    [sent] = (tmp_path / "下发").glob("*.xlsx")
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(sent)["_meta"].iter_rows(values_only=True)}
    assert meta["rules"] == rules.read_text("utf-8")
    # the department fills it in (same rules in the metadata) and checks it without --rules
    d = wrong_text()
    d.org = "某市财政局"
    filled = tmp_path / "填好.xlsx"
    filled.write_bytes(build_workbook(d, written_by="distribute", rules_text=meta["rules"]))
    assert run("check", filled).exit_code == 1
    national = rules_file(tmp_path, "# 全国规则\n", "national.toml")
    assert run("check", filled, "--rules", national).exit_code == 0  # a file given wins
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(build_workbook(d, written_by="distribute", rules_text="[levels\n"))
    res = run("check", broken, "--json")
    codes = [f["rule"] for f in json.loads(res.stdout)[0]["findings"]]
    assert "RULES_EMBEDDED_INVALID" in codes and res.exit_code == 0


def test_collect_and_report_take_the_rules(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    d = wrong_text()
    (inbox / "a.xlsx").write_bytes(workbook(d))
    rules = rules_file(tmp_path, '[levels]\nTEXT_NUMBER_MISMATCH = "错误"\n')
    res = run("collect", inbox, "-o", tmp_path / "out", "--json", "--rules", rules)
    assert res.exit_code == 1 and json.loads(res.stdout)["units"][0]["status"] == "failed"
    res = run("collect", inbox, "-o", tmp_path / "out2", "--json")
    assert json.loads(res.stdout)["units"][0]["status"] == "warned"
    cons = next((tmp_path / "out2").glob("*（汇总）.xlsx"))
    assert "本年度共收到政府信息公开申请" in check_bytes(cons.read_bytes(), cons.name)[0].data.text["overall"]
    res = run("report", inbox / "a.xlsx", "-o", tmp_path / "a.docx", "--rules", rules, "--verbose")
    assert res.exit_code == 1 and "TEXT_NUMBER_MISMATCH" in res.output
    res = run("report", inbox / "a.xlsx", "-o", tmp_path / "a.docx", "--verbose")
    assert res.exit_code == 0 and "警告" in res.output and "TEXT_NUMBER_MISMATCH" in res.output  # the preflight
