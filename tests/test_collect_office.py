"""Returns filled, recalculated and saved by real LibreOffice are collected like any other:
distribute → LibreOffice fills four units (one with an imbalance) → collect → statuses and sums."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from builders import year_for
from click.testing import CliRunner

from tool.check import check_bytes
from tool.cli import cli
from tool.demo import synth
from tool.format import latest

pytestmark = pytest.mark.office

UNITS = 4
BROKEN = 3


def _ops(values: dict, text: dict, lay) -> list[dict]:  # type: ignore[no-untyped-def]
    by_sheet: dict[str, dict] = {}
    for k, v in values.items():
        p = lay.values[k]
        by_sheet.setdefault(p.sheet, {})[p.cell] = float(v) if isinstance(v, Decimal) else v
    for k, body in text.items():
        if k in lay.text:
            p = lay.text[k]
            for i, para in enumerate(body.split("\n")):
                by_sheet.setdefault(p.sheet, {})[f"B{p.row + i}"] = para
    p = lay.info["sign_date"]
    by_sheet.setdefault(p.sheet, {})[p.cell] = "2025-01-20"  # a blank 落款日期 would be a warning
    return [{"op": "set", "sheet": s, "values": v} for s, v in by_sheet.items()]


def test_returns_saved_by_libreoffice_are_collected(tmp_path: Path) -> None:
    from office_harness import office_session, require_office

    require_office()
    spec = latest()
    year = year_for(spec)
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n" + "".join(f"{i},测试市第{i}局\n" for i in range(1, UNITS + 1)), "utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["distribute", str(roster), "--year", str(year), "-o", str(tmp_path / "下发")])
    assert res.exit_code == 0, res.output
    files = {int(p.name.split("_")[0]): p for p in (tmp_path / "下发").glob("*.xlsx")}
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    truth, jobs = {}, []
    for i in range(1, UNITS + 1):
        data = synth.synthetic(spec, f"测试市第{i}局", year, random.Random(i))
        values = dict(data.values)
        if i == BROKEN:
            values["carried_forward.natural_person"] += 1
        truth[i] = values
        text = {k: v for k, v in data.text.items() if k != "preface"}
        jobs.append({"path": str(files[i]), "ops": [*_ops(values, text, spec.layout), {"op": "recalc"},
                                                     {"op": "save", "path": str(inbox / files[i].name)}]})
    with office_session() as office:
        office.run(jobs)
    out = tmp_path / "结果"
    res = runner.invoke(cli, ["collect", str(inbox), "--roster", str(roster), "--org", "测试市人民政府",
                              "--year", str(year), "-o", str(out), "--json"])
    assert res.exit_code == 1, res.output
    status = {int(u["seq"]): u["status"] for u in json.loads(res.stdout)["units"]}
    assert status == {i: "failed" if i == BROKEN else "passed" for i in range(1, UNITS + 1)}
    [cons] = out.glob("*（汇总）.xlsx")
    sub, result = check_bytes(cons.read_bytes(), cons.name)
    assert result.ok
    want = spec.compute({k: sum((truth[i].get(k, 0) for i in truth if i != BROKEN), 0) for k in spec.inputs})
    got = sub.data.all_values()
    assert {k: Decimal(str(got[k])) for k in spec.inputs} == {k: Decimal(str(want[k])) for k in spec.inputs}
    assert [p.name.split("_")[0] for p in (out / "退回").glob("*.xlsx")] == [str(BROKEN)]
