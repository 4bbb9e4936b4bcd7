"""Issue 11 (1): the 退回 loop closes, end to end.

distribute → a department returns a workbook with an imbalance → collect writes its 退回 copy →
the department corrects that copy (with openpyxl here, with real LibreOffice in the office test;
renamed or not, and typing its real 单位代码) and self-checks it → collect again: the corrected
copy is that unit's valid submission, while collect's own outputs in its output folder (which
sits inside the inbox here) are skipped and listed with the reason, on the console and in 汇总表.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import layout, year_for
from click.testing import CliRunner

from tool.cli import cli
from tool.demo import synth
from tool.format import for_year, latest

YEAR = year_for(latest())
WRONG = 2  # the unit whose first return does not balance
KEY = "carried_forward.natural_person"
REAL_CODE = "11140900MB1234567X"


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args])


def _fill(path: Path, target: Path, values: dict, text: dict | None = None) -> None:
    """Fill a workbook as a script would (openpyxl) and save it under ``target``."""
    lay = layout(for_year(YEAR).id)
    wb = openpyxl.load_workbook(path)
    for k, v in values.items():
        p = lay.places[k]
        wb[p.sheet][p.cell] = float(v) if isinstance(v, Decimal) else v
    for k, body in (text or {}).items():
        p = lay.text[k]
        for i, para in enumerate(body.split("\n")):
            wb[p.sheet].cell(row=p.row + i, column=p.col, value=para)
    wb.save(target)


@pytest.fixture
def first_round(tmp_path):  # type: ignore[no-untyped-def]
    spec = for_year(YEAR)
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称,单位代码\n1,某市第1局,D001\n2,某市第2局,\n3,某市第3局,D003\n", "utf-8")
    assert run("distribute", roster, "--year", YEAR, "-o", tmp_path / "下发").exit_code == 0
    sent = {int(p.name.split("_")[0]): p for p in (tmp_path / "下发").glob("*.xlsx")}
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    truth = {}
    for i in (1, 2, 3):
        data = synth.synthetic(spec, f"某市第{i}局", YEAR, random.Random(i))
        values = dict(data.values)
        truth[i] = dict(values)
        if i == WRONG:
            values[KEY] += 1
        values["info.sign_date"] = data.info["sign_date"]
        _fill(sent[i], inbox / sent[i].name, values, {k: v for k, v in data.text.items() if k != "preface"})
    os.utime(inbox / sent[WRONG].name, (1_600_000_000, 1_600_000_000))
    out = inbox / "汇总结果"  # the output folder inside the inbox: its files must be told apart
    args = ("collect", inbox, "--roster", roster, "--org", "某市人民政府", "--year", YEAR, "-o", out)
    res = run(*args, "--json")
    assert res.exit_code == 1, res.output
    assert {u["seq"]: u["status"] for u in json.loads(res.stdout)["units"]} == {"1": "passed", "2": "failed", "3": "passed"}
    [back] = (out / "退回").glob("*.xlsx")
    return {"inbox": inbox, "out": out, "args": args, "back": back, "truth": truth, "roster": roster}


def _second_round(r: dict) -> None:  # type: ignore[type-arg]
    res = run(*r["args"])
    assert res.exit_code == 0, res.output  # every unit passes now
    assert "跳过" in res.output and "汇总表.xlsx" in res.output and "不是单位报送" in res.output
    assert "汇总结果/退回/" in res.output  # the first round's 退回 copy, collect's own: listed, not read
    assert str(r["out"].resolve()) in res.output  # absolute paths of what was written
    wb = openpyxl.load_workbook(r["out"] / "汇总表.xlsx", read_only=True)
    skipped = [row for row in wb["跳过的文件"].iter_rows(min_row=3, values_only=True)]
    wb.close()
    names = {row[0] for row in skipped}
    assert "汇总结果/汇总表.xlsx" in names and any(n.startswith("汇总结果/退回/") for n in names)
    assert all("collect" in row[1] for row in skipped)
    assert r["corrected"].relative_to(r["inbox"]).as_posix() not in names
    assert not (r["out"] / "退回").exists()  # no unit needs a 退回 copy now: the stale one went with its set
    res = run(*r["args"], "--json")
    doc = json.loads(res.stdout)
    assert {s["code"] for s in doc["skipped"]} == {"COLLECT_SKIP_OWN_OUTPUT"}  # 汇总表 and the consolidated one
    status = {u["seq"]: u for u in doc["units"]}
    assert {k: u["status"] for k, u in status.items()} == {"1": "passed", "2": "passed", "3": "passed"}
    assert status["2"]["file"] == r["corrected"].relative_to(r["inbox"]).as_posix()


def test_corrected_return_saved_by_a_script_is_the_units_submission(first_round):
    r = first_round
    corrected = r["inbox"] / r["back"].name  # returned under the name it was sent with
    lay = layout(for_year(YEAR).id)
    _fill(r["back"], corrected, {KEY: r["truth"][WRONG][KEY], "info.unit_id": REAL_CODE})
    res = run("check", corrected)
    assert res.exit_code == 0 and "校验通过" in res.output, res.output
    r["corrected"] = corrected
    _second_round(r)
    # its 单位代码 cell holds the real code now; the roster identity from the metadata matched it
    assert openpyxl.load_workbook(corrected)[lay.info["unit_id"].sheet][lay.info["unit_id"].cell].value == REAL_CODE


def test_returned_again_replaces_the_stale_checks_sheet(first_round):
    r = first_round
    corrected = r["inbox"] / "第2局改过的.xlsx"
    other = "granted.natural_person"
    _fill(r["back"], corrected, {KEY: r["truth"][WRONG][KEY], other: r["truth"][WRONG][other] + 3})
    res = run("check", corrected)
    assert res.exit_code == 1 and "相差 3" in res.output
    assert run(*r["args"]).exit_code == 1
    [back] = (r["out"] / "退回").glob("2_*.xlsx")
    wb = openpyxl.load_workbook(back)
    assert wb.sheetnames.count("校验结果") == 1
    messages = " ".join(str(row[3]) for row in wb["校验结果"].iter_rows(min_row=4, values_only=True) if row[3])
    assert "相差 3" in messages and "相差 1" not in messages  # this return's problem, not the first one's


def test_annotate_never_overwrites_a_corrected_return_among_its_inputs(first_round, tmp_path):
    """收件/ holds 财政局.xlsx (the first, wrong return) and 财政局_退回.xlsx (the department's corrected
    copy, still with a problem): marking both up into 收件/ writes new names, never over either input."""
    r = first_round
    folder = tmp_path / "收件"
    folder.mkdir()
    original = folder / "财政局.xlsx"
    original.write_bytes(next(r["inbox"].glob(f"{WRONG}_*.xlsx")).read_bytes())
    corrected = folder / "财政局_退回.xlsx"
    _fill(r["back"], corrected, {"granted.natural_person": r["truth"][WRONG]["granted.natural_person"] + 3})
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    res = run("check", original, corrected, "--annotate", folder)
    assert res.exit_code == 1, res.output
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (original, corrected)} == before
    made = sorted(p.name for p in folder.glob("*.xlsx") if p.name not in before)
    assert made == ["财政局_退回（2）.xlsx", "财政局_退回（3）.xlsx"]
    assert all(str(folder / m) in res.output for m in made)


@pytest.mark.office
def test_corrected_return_saved_by_libreoffice_renamed(first_round):
    from office_harness import office_session, require_office

    require_office()
    r = first_round
    lay = layout(for_year(YEAR).id)
    p, u = lay.places[KEY], lay.info["unit_id"]
    corrected = r["inbox"] / "教育局改好了.xlsx"
    with office_session() as office:
        office.job(str(r["back"]), [
            {"op": "set", "sheet": p.sheet, "values": {p.cell: r["truth"][WRONG][KEY]}},
            {"op": "set", "sheet": u.sheet, "values": {u.cell: REAL_CODE}},
            {"op": "recalc"}, {"op": "save", "path": str(corrected)}])
    res = run("check", corrected)
    assert res.exit_code == 0 and "校验通过" in res.output, res.output
    r["corrected"] = corrected
    _second_round(r)
