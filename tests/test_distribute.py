"""distribute: one prefilled workbook per unit; --last-year carries 四 → 二 and adds 上年参考.
collect: --last-year cross-year rules; the majority decides the year; a wrong-year file fails.
"""

from __future__ import annotations

import json
import random
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


def _roster(tmp: Path, n: int = 3) -> Path:
    p = tmp / "名单.csv"
    rows = ["序号,单位名称,单位代码,曾用名,联系人,联系电话,邮箱"]
    rows += [f"{i},某市第{i}局,{'X' + str(i) if i == 2 else ''},,张{i},0{i},a{i}@x.cn" for i in range(1, n + 1)]
    p.write_text("\n".join(rows) + "\n", "utf-8")
    return p


def _carry(spec: specmod.Spec) -> list[tuple[str, str]]:
    """(this year's key, last year's key) of the single-term cross-year equalities."""
    return [(i.lhs[0].key, i.rhs[0].key) for i in spec.instances
            if i.cross_year and i.kind == "equal" and len(i.rhs) == 1 and i.rhs[0].prev]


def _last_year(tmp: Path, year: int, n: int = 3) -> tuple[Path, dict[int, dict]]:
    folder = tmp / f"{year}年收回"
    folder.mkdir()
    spec = specmod.for_year(year)
    truth = {}
    for i in range(1, n):  # unit n has no last-year workbook
        d = synth.synthetic(spec, f"某市第{i}局", year, random.Random(100 + i))
        truth[i] = d.all_values()
        (folder / f"{i}.xlsx").write_bytes(build_workbook(d))
    return folder, truth


def _agree_with_last_year(spec: specmod.Spec, values: dict, prev: dict) -> None:
    """Make every cross-year relation hold by setting its blamed input (and ≤ bounds by clipping)."""
    for inst in spec.instances:
        if not inst.cross_year:
            continue
        rhs = sum(t.sign * (prev[t.key] if t.prev else values.get(t.key, 0)) for t in inst.rhs)
        if inst.kind == "equal":
            values[inst.blame] = max(rhs, 0)
        elif inst.kind == "le":
            values[inst.blame] = max(min(values.get(inst.blame, 0), rhs), 0)


def test_distribute_names_prefills_and_locks(tmp_path):
    res = CliRunner().invoke(cli, ["distribute", str(_roster(tmp_path)), "--year", "2024", "-o", str(tmp_path / "下发")])
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in (tmp_path / "下发").glob("*.xlsx"))
    assert files == [f"{i}_某市第{i}局_2024年政府信息公开工作年度报告填报表.xlsx" for i in (1, 2, 3)]
    sub, _ = check_bytes((tmp_path / "下发" / files[1]).read_bytes(), files[1])
    assert (sub.data.org, sub.data.year, sub.data.format) == ("某市第2局", 2024, "2021")
    assert sub.meta["unit_id"] == "X2" and sub.meta["written_by"] == "distribute"
    assert sub.data.info["contact"] == "张2"
    lay = layout("2021")
    for f, locked in ((files[1], ("org", "unit_id", "year", "kind")), (files[0], ("org", "year", "kind"))):
        wb = openpyxl.load_workbook(tmp_path / "下发" / f)
        for key in locked:
            p = lay.info[key]
            assert wb[p.sheet][p.cell].protection.locked, key
        assert not wb[lay.info["contact"].sheet][lay.info["contact"].cell].protection.locked
    assert sub.meta["unit_id"] == "X2" and sub.data.info["unit_id"] == "X2"
    sub1, _ = check_bytes((tmp_path / "下发" / files[0]).read_bytes(), files[0])
    # no 单位代码 in the roster: the 序号 is the identity in the metadata, the 单位代码 cell stays blank and open
    assert sub1.meta["unit_id"] == "1" and sub1.data.info["unit_id"] == ""
    p = lay.info["unit_id"]
    assert not openpyxl.load_workbook(tmp_path / "下发" / files[0])[p.sheet][p.cell].protection.locked


@pytest.mark.parametrize("last_year", [2023, 2020])  # last year in the same format, and in the 2019 format
def test_distribute_last_year_carries_over(tmp_path, last_year):
    folder, truth = _last_year(tmp_path, last_year)
    res = CliRunner().invoke(cli, ["distribute", str(_roster(tmp_path)), "--year", "2024", "--last-year", str(folder),
                                   "-o", str(tmp_path / "下发")])
    assert res.exit_code == 0, res.output
    assert "2 个单位已预填上年结转数" in res.output and "某市第3局" in res.output
    spec = specmod.for_year(2024)
    pairs = _carry(spec)
    assert pairs
    for i in (1, 2):
        [f] = (tmp_path / "下发").glob(f"{i}_*.xlsx")
        sub, _ = check_bytes(f.read_bytes(), f.name)
        for this, last in pairs:
            assert sub.data.values.get(this, 0) == truth[i][last], (i, this)
        wb = openpyxl.load_workbook(f)
        assert "上年参考" in wb.sheetnames and wb["上年参考"].protection.sheet


def test_collect_last_year_and_wrong_year(tmp_path):
    """Cross-year rules in collect; last year's file sent back by mistake is that unit's failure."""
    folder, truth = _last_year(tmp_path, 2023)
    spec = specmod.for_year(2024)
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in (1, 2):
        d = synth.synthetic(spec, f"某市第{i}局", 2024, random.Random(i))
        _agree_with_last_year(spec, d.values, truth[i])
        if i == 2:  # unit 2's 上年结转 does not match last year's 结转下年度
            d.values[_carry(spec)[0][0]] += 1
        for inst in spec.instances:  # re-balance this year's in-year relations
            if not inst.cross_year and inst.kind == "equal":
                synth._balance(spec, d.values, inst)
        d.text = synth.narrative(spec, d)  # the words follow the changed numbers
        (inbox / f"{i}.xlsx").write_bytes(build_workbook(d))
    (inbox / "3.xlsx").write_bytes(build_workbook(synth.synthetic(specmod.for_year(2023), "某市第3局", 2023,
                                                                  random.Random(3))))
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--roster", str(_roster(tmp_path)), "--last-year",
                                   str(folder), "-o", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 1, res.output
    status = {u["name"]: u for u in json.loads(res.stdout)["units"]}
    assert status["某市第1局"]["status"] == "passed"
    assert status["某市第2局"]["status"] == "failed"
    assert status["某市第3局"]["status"] == "failed"
    findings = {f["file"]: f for f in json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))}
    assert any(x["rule"] == "T3_CROSS_YEAR_CARRY" for x in findings["2.xlsx"]["findings"])
    wrong = [x for x in findings["3.xlsx"]["findings"] if x["rule"] == "COLLECT_WRONG_YEAR"]
    assert wrong and "2024" in wrong[0]["message"] and "2023" in wrong[0]["message"]
