"""Issue 13 end to end: ``collect --last-year`` over ten units with real-sized texts — a near copy, five
units sharing one 五, a unit that copied last year's report, an all-zero late unit — and ``check
--last-year`` on one file. The 雷同, 同比 and 分析 sheets are read back with openpyxl and their numbers
compared with values computed here; the returned copy highlights the shared sentences."""

from __future__ import annotations

import io
import json
import os
import random
import zipfile
from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner
from test_compare import coverage, near_copy

from tool.cli import cli
from tool.compare.prep import prepare
from tool.demo import synth
from tool.format import common, for_year
from tool.workbook import build_workbook

YEAR = 2024
SPEC, LAST = for_year(YEAR), for_year(YEAR - 1)
GROUP = (4, 5, 6, 7, 8)
ZERO = 10
COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org",
        "other_org")


def _last_year_of(d, i: int):  # type: ignore[no-untyped-def]
    """Last year's report of the unit, its 结转下年度 equal to this year's 上年结转 (no cross-year error)."""
    p = synth.synthetic(LAST, d.org, YEAR - 1, random.Random(1000 + i))
    p.info["unit_id"] = d.info["unit_id"]
    full = LAST.compute(p.values)
    for c in COLS:
        p.values[f"carried_forward.{c}"] = d.values.get(f"carried_over.{c}", 0)
        p.values[f"carried_over.{c}"] = 0
        p.values[f"new_requests.{c}"] = full[f"results_total.{c}"] + p.values[f"carried_forward.{c}"]
    return p


def _zero(d) -> None:  # type: ignore[no-untyped-def]
    for k in SPEC.inputs:
        d.values[k] = 0 if SPEC.fields[k].type != "decimal" else type(d.values[k])(0)
    d.text = synth.narrative(SPEC, d)


@pytest.fixture(scope="module")
def run(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("across")
    inbox, last = root / "收件箱", root / "上年"
    inbox.mkdir()
    last.mkdir()
    datas, prevs = {}, {}
    for i in range(1, 11):
        d = synth.synthetic(SPEC, f"测试市第{i}局", YEAR, random.Random(i))
        d.info["unit_id"] = f"U{i:02d}"
        datas[i] = d
    datas[2].text["overall"] = near_copy(datas[1].text["overall"], datas[1].org, datas[2].org)
    for i in GROUP[1:]:
        datas[i].text["problems"] = datas[GROUP[0]].text["problems"].replace(datas[GROUP[0]].org, datas[i].org)
    _zero(datas[ZERO])
    datas[ZERO].info["sign_date"] = f"{YEAR + 1}-03-15"
    for i, d in datas.items():
        prevs[i] = _last_year_of(d, i)
    prevs[9].text = dict(datas[9].text)  # unit 9 copied last year's report
    for i in datas:
        (inbox / f"{i:02d}.xlsx").write_bytes(build_workbook(datas[i], written_by="distribute"))
        (last / f"{i:02d}.xlsx").write_bytes(build_workbook(prevs[i], written_by="distribute"))
    out = root / "输出"
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--org", "测试市人民政府", "--year", str(YEAR),
                                   "--last-year", str(last), "-o", str(out), "--jobs", "2"])
    assert res.exit_code in (0, 1), res.output
    found = {e["unit"]: e["findings"] for e in json.loads((out / "findings.json").read_text("utf-8"))}
    book = openpyxl.load_workbook(out / common().outputs["status"])
    return {"datas": datas, "prevs": prevs, "out": out, "found": found, "book": book, "said": res.output}


def _rules(found: list[dict], rule: str) -> list[dict]:
    return [f for f in found if f["rule"] == rule]


def test_copies_are_flagged_with_the_other_units_and_distinct_texts_are_not(run):
    found, datas = run["found"], run["datas"]
    flagged = {name for name, fs in found.items() if _rules(fs, "TEXT_SIMILAR_UNIT")}
    assert flagged == {datas[i].org for i in (1, 2, *GROUP)}
    near = _rules(found[datas[2].org], "TEXT_SIMILAR_UNIT")
    assert len(near) == 1 and near[0]["level"] == "warning" and near[0]["key"] == "text.overall"
    assert datas[1].org in near[0]["message"] and "一、总体情况" in near[0]["message"]
    for i in GROUP:
        (g,) = _rules(found[datas[i].org], "TEXT_SIMILAR_UNIT")
        assert g["key"] == "text.problems" and "与 5 个单位的文字高度雷同" in g["message"]


def test_collect_says_how_many_units_copied(run):
    assert f"7 个单位的文字与其他单位雷同（见 {common().outputs['status']} 的“{common().sheets['similar']}”）" in run["said"]


def test_similar_sheet_numbers(run):
    datas = run["datas"]
    ws = run["book"][common().sheets["similar"]]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert [r[1] for r in rows] == [datas[i].org for i in (1, 2, *GROUP)]
    by = {r[1]: r for r in rows}
    a, b = prepare(datas[1], SPEC)["overall"], prepare(datas[2], SPEC)["overall"]
    assert by[datas[2].org][3] == round(coverage(b.key, a.key) * 100) / 100
    assert by[datas[1].org][3] == round(coverage(a.key, b.key) * 100) / 100
    assert by[datas[2].org][4] == datas[1].org and by[datas[2].org][5] == 2
    assert all(by[datas[i].org][5] == 5 and by[datas[i].org][3] == 1 for i in GROUP)
    assert by[datas[2].org][6] and by[datas[2].org][6] in datas[2].text["overall"]


def test_last_year_copied_text_and_repeated_problems(run):
    found, datas = run["found"], run["datas"]
    sim = _rules(found[datas[9].org], "TEXT_SIMILAR_LAST_YEAR")
    assert {f["key"] for f in sim} == {"text.overall", "text.problems"} and all(f["actual"] == "100%" for f in sim)
    assert _rules(found[datas[9].org], "TEXT_PROBLEMS_REPEATED")
    others = [n for n, fs in found.items() if n != datas[9].org and _rules(fs, "TEXT_SIMILAR_LAST_YEAR")]
    assert others == []  # every other unit wrote its text anew


def test_yoy_sheet_numbers(run):
    datas, prevs = run["datas"], run["prevs"]
    ws = run["book"][common().sheets["yoy"]]
    assert ws.cell(3, 3).value == "新收申请" and [ws.cell(4, c).value for c in range(3, 7)] == ["上年", "本年", "增减", "增减率"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    fee_col = next(c.column - 1 for c in ws[3] if c.value and str(c.value).startswith("收费"))
    starts = [c.column - 1 for c in ws[4] if c.value == "序号"]  # every printed page: its own 序号 and 单位名称
    assert len(starts) == 5 and all(ws.cell(4, j + 2).value == "单位名称" for j in starts)
    assert all(len({r[j + 1] for j in starts}) == 1 for r in ws.iter_rows(min_row=5, values_only=True))
    assert ws.print_title_rows and not ws.print_title_cols
    passing = []
    for i, d in datas.items():
        cur = SPEC.compute(d.values)["new_requests.total"]
        prev = LAST.compute(prevs[i].values)["new_requests.total"]
        r = rows[d.org]
        assert r[2:6] == (prev, cur, cur - prev, pytest.approx((cur - prev) / prev) if prev else None)
        fee = SPEC.compute(d.values)["art20_8.admin_fees.fee_amount"]
        assert r[fee_col + 1] == pytest.approx(float(fee))  # 收费（万元）, the 14th figure, found by its header
        if all(f["level"] != "error" for f in run["found"][d.org]):
            passing.append(i)
    total = rows[common().words["consolidated_row"]]
    assert passing
    assert total[3] == sum(SPEC.compute(datas[i].values)["new_requests.total"] for i in passing)
    assert total[2] == sum(LAST.compute(prevs[i].values)["new_requests.total"] for i in passing)


def test_analysis_sheet(run):
    datas = run["datas"]
    ws = run["book"][common().sheets["analysis"]]
    cells = list(ws.iter_rows(values_only=True))
    head = common().headers("analysis")
    assert list(cells[2][:len(head)]) == head
    ranking = [r for r in cells[3:] if isinstance(r[0], int)]
    want = sorted(datas.values(), key=lambda d: -SPEC.compute(d.values)["new_requests.total"])
    assert [r[2] for r in ranking] == [d.org for d in want]
    for r in ranking:
        d = next(x for x in datas.values() if x.org == r[2])
        v = SPEC.compute(d.values)
        assert r[4] == v["new_requests.total"] and r[5] == v["results_total.total"]
        denied = sum(v[k] for k in SPEC.fields if k.startswith("denied_") and k.endswith(".total"))
        assert r[7] == (pytest.approx(denied / v["results_total.total"]) if v["results_total.total"] else None)
    titles = ("答复结果占比偏高", "表格全部为 0", "落款日期晚于期限", "复议、诉讼纠错率偏高")
    flags = [(r[0], r[1], r[2], r[3][1:r[3].index("】")], r[3]) for r in cells
             if isinstance(r[3], str) and r[3].startswith("【") and r[3][1:r[3].index("】")] in titles]
    zero = datas[ZERO].org
    assert {r[3] for r in flags if r[2] == zero} == {"表格全部为 0", "落款日期晚于期限"}
    assert next(r for r in ranking if r[2] == zero)[3].startswith("表格全部为 0；落款日期晚于期限")
    assert all(r[1] in ("警告", "提示") for r in flags)
    high = set()
    for d in datas.values():
        v = SPEC.compute(d.values)
        denied = sum(v[k] for k in SPEC.fields if k.startswith("denied_") and k.endswith(".total"))
        if v["results_total.total"] >= 10 and denied / v["results_total.total"] > 0.2:
            high.add(d.org)
    assert {r[2] for r in flags if r[3] == "答复结果占比偏高" and "不予公开" in r[4]} == high
    with zipfile.ZipFile(run["out"] / common().outputs["status"]) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and "分析" in chart


def test_returned_copy_highlights_the_shared_sentences(run):
    datas = run["datas"]
    back = next((run["out"] / common().outputs["returns"]).glob(f"*_{datas[2].org}_*"))
    wb = openpyxl.load_workbook(back, rich_text=True)
    ws = wb[common().sheets["text"]]
    cell = ws[SPEC.layout.text["overall"].cell]
    runs = [(getattr(r, "font", None), getattr(r, "text", r)) for r in cell.value]
    red = "".join(t for f, t in runs if f is not None and f.color is not None and f.color.type == "rgb"
                  and f.color.rgb == "FFC00000" and f.u == "single")
    assert red and red in datas[2].text["overall"]
    assert "".join(t for _, t in runs) == datas[2].text["overall"].split("\n")[0]


def test_check_last_year_on_one_file(tmp_path, run):
    this, same, fresh = tmp_path / "本年.xlsx", tmp_path / "上年.xlsx", tmp_path / "上年改写.xlsx"
    d, p = run["datas"][9], run["prevs"][9]
    this.write_bytes(build_workbook(d))
    same.write_bytes(build_workbook(p))
    p2 = synth.synthetic(LAST, d.org, YEAR - 1, random.Random(77))
    p2.values = dict(p.values)
    fresh.write_bytes(build_workbook(p2))
    res = CliRunner().invoke(cli, ["check", str(this), "--last-year", str(same), "--json", "--annotate", str(tmp_path / "退回")])
    rules = [f["rule"] for f in json.loads(res.stdout)[0]["findings"]]
    assert "TEXT_SIMILAR_LAST_YEAR" in rules and "TEXT_PROBLEMS_REPEATED" in rules
    back = next((tmp_path / "退回").glob("*.xlsx"))
    cell = openpyxl.load_workbook(back, rich_text=True)[common().sheets["text"]][SPEC.layout.text["overall"].cell]
    assert not isinstance(cell.value, str)  # a rich string: the copied sentences are marked
    res = CliRunner().invoke(cli, ["check", str(this), "--last-year", str(fresh), "--json"])
    rules = [f["rule"] for f in json.loads(res.stdout)[0]["findings"]]
    assert "TEXT_SIMILAR_LAST_YEAR" not in rules
    rules_file = tmp_path / "本地.toml"
    rules_file.write_text('[thresholds]\nsimilar_last_year = "100%"\n[levels]\nTEXT_PROBLEMS_REPEATED = "关闭"\n', "utf-8")
    res = CliRunner().invoke(cli, ["check", str(this), "--last-year", str(same), "--json", "--rules", str(rules_file)])
    rules = [f["rule"] for f in json.loads(res.stdout)[0]["findings"]]
    assert "TEXT_SIMILAR_LAST_YEAR" in rules and "TEXT_PROBLEMS_REPEATED" not in rules


def test_local_rule_threshold_changes_what_collect_flags(tmp_path, run):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in (1, 2, 3):
        (inbox / f"{i}.xlsx").write_bytes(build_workbook(run["datas"][i], written_by="distribute"))
    rules = tmp_path / "r.toml"
    rules.write_text('[thresholds]\nsimilar_unit = "95%"\n', "utf-8")
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--year", str(YEAR), "--rules", str(rules),
                                   "-o", str(tmp_path / "out")])
    assert res.exit_code in (0, 1), res.output
    found = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert not [f for e in found for f in e["findings"] if f["rule"] == "TEXT_SIMILAR_UNIT"]
    ws = openpyxl.load_workbook(io.BytesIO((tmp_path / "out" / "汇总表.xlsx").read_bytes()))["雷同"]
    assert "95%" in ws["A2"].value and ws.max_row <= 3


def test_analysis_names_units_later_than_the_office_deadline(tmp_path):
    """With --deadline, 分析 flags the units whose file came in after it (file time); without, none."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    on_time, late = datetime(YEAR + 1, 1, 10, 9, 30).timestamp(), datetime(YEAR + 1, 1, 20, 16, 5).timestamp()
    for i in (1, 2, 3):
        d = synth.synthetic(SPEC, f"测试市第{i}局", YEAR, random.Random(i))
        path = inbox / f"{i}.xlsx"
        path.write_bytes(build_workbook(d, written_by="distribute"))
        os.utime(path, (late, late) if i == 3 else (on_time, on_time))

    def flagged(*extra: str) -> list[str]:
        out = tmp_path / f"out{len(extra)}"
        res = CliRunner().invoke(cli, ["collect", str(inbox), "--year", str(YEAR), "-o", str(out), *extra])
        assert res.exit_code in (0, 1), res.output
        ws = openpyxl.load_workbook(out / common().outputs["status"])[common().sheets["analysis"]]
        return [str(r[3]) for r in ws.iter_rows(values_only=True) if r[3] and "晚于办公室规定的报送期限" in str(r[3])]

    [text] = flagged("--deadline", f"{YEAR + 1}-01-15")
    assert "测试市第3局" in text and f"{YEAR + 1}-01-20 16:05" in text and f"{YEAR + 1}-01-15" in text
    assert flagged() == []  # no office deadline: the statutory one is judged on the 落款日期 (SIGN_DATE_LATE)
