"""The workspace as a library and through its commands: init (links as hashes only), links (xlsx and
the JSON contract), renew, distribute --workspace, last year's cross-year check on upload, the
statuses, 催报 letters, publication dates, and a 汇总 run (with PDF when LibreOffice is there)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from webserver import ORG, YEAR, make_workspace, unit_book, units

from tool.cli import cli
from tool.core.errors import UsageError
from tool.workspace import store, tokens
from tool.workspace.chase import letters, notices, return_unit
from tool.workspace.examine import examine
from tool.workspace.gather import gather
from tool.workspace.intake import WrongUnit, receive, shown_name
from tool.workspace.publish import check_publication
from tool.workspace.setup import init_workspace, links, renew
from tool.workspace.space import Workspace
from tool.workspace.status import api_status, states

BASE = "http://192.168.1.10:8000"


def test_init_stores_only_hashes_of_random_links(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path)
    ws = Workspace.open(folder)
    data = links(ws, BASE)
    all_tokens = [data["office"].split("/")[-2], *(u["url"].split("/")[-2] for u in data["units"])]
    assert len(set(all_tokens)) == 6 and all(len(t) >= 22 for t in all_tokens)  # ≥ 128 bits in base64url
    raw = (folder / "台账.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in folder.iterdir() if p.name.startswith("台账.sqlite-"))
    for t in all_tokens:
        assert t.encode() not in raw
        assert tokens.digest(t).encode() in raw or ws.unit_by_token(t) or ws.is_office(t)
    assert ws.is_office(all_tokens[0]) and ws.unit_by_token(all_tokens[1]).name == "测试市财政局"
    assert not ws.is_office(all_tokens[1]) and ws.unit_by_token(all_tokens[0]) is None
    if os.name == "posix":
        assert stat.S_IMODE(ws.key_path.stat().st_mode) == 0o600
    con = sqlite3.connect(folder / "台账.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # a second init over it is refused, nothing touched
    before = (folder / "台账.sqlite").read_bytes()
    with pytest.raises(UsageError, match="不是空文件夹"):
        init_workspace(folder, roster=tmp_path / "名单.csv", year=YEAR, org=ORG)
    assert (folder / "台账.sqlite").read_bytes() == before


def test_links_json_contract_and_workbook(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path)
    res = CliRunner().invoke(cli, ["workspace", "links", str(folder), "--base-url", BASE + "/", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"office", "units"} and data["office"].startswith(BASE + "/o/")
    assert [set(u) for u in data["units"]] == [{"seq", "name", "url"}] * 5
    assert data["units"][1]["name"] == "测试市教育局" and data["units"][1]["url"].startswith(BASE + "/u/")
    res = CliRunner().invoke(cli, ["workspace", "links", str(folder)])  # the base URL is remembered
    assert res.exit_code == 0 and "链接表" in res.output
    wb = openpyxl.load_workbook(folder / "链接.xlsx")
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][:2] == ("序号", "单位名称") and rows[2][1] == "测试市财政局"
    assert rows[2][-1] == data["units"][0]["url"]
    bad = CliRunner().invoke(cli, ["workspace", "links", str(folder), "--base-url", "ftp://x"])
    assert bad.exit_code == 2 and "网址" in bad.output


def test_renew_replaces_a_link(tmp_path: Path) -> None:
    ws = Workspace.open(make_workspace(tmp_path))
    old = links(ws, BASE)["units"][2]["url"].split("/")[-2]
    renew(ws, ["3"])
    new = links(ws)["units"][2]["url"].split("/")[-2]
    assert old != new and ws.unit_by_token(old) is None and ws.unit_by_token(new).seq == "3"


def test_distribute_writes_each_units_link_into_its_guide(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path)
    ws = Workspace.open(folder)
    url = links(ws, BASE)["units"][1]["url"]
    res = CliRunner().invoke(cli, ["distribute", str(tmp_path / "名单.csv"), "--year", str(YEAR),
                                   "--workspace", str(folder), "-o", str(tmp_path / "下发")])
    assert res.exit_code == 0, res.output
    book = next((tmp_path / "下发").glob("2_*.xlsx"))
    guide = [c for r in openpyxl.load_workbook(book)["填报说明"].iter_rows(values_only=True) for c in r if c]
    assert url in guide and any("网上报送" in str(c) for c in guide)
    others = [c for p in (tmp_path / "下发").glob("1_*.xlsx")
              for r in openpyxl.load_workbook(p)["填报说明"].iter_rows(values_only=True) for c in r if c]
    assert url not in others
    wrong_year = CliRunner().invoke(cli, ["distribute", str(tmp_path / "名单.csv"), "--year", "2023",
                                          "--workspace", str(folder), "-o", str(tmp_path / "x")])
    assert wrong_year.exit_code == 2 and "2024 年度" in wrong_year.output


def test_receive_judges_and_records(tmp_path: Path) -> None:
    ws = Workspace.open(make_workspace(tmp_path))
    us, rows = units(), ws.units()
    r = receive(ws, rows[0], unit_book(us[0]), "C:\\Users\\财政局\\桌面\\填报表.xlsx", examine)
    assert r.status == "passed" and r.file == "填报表.xlsx" and store.intact(ws.files, r.sha256)
    with pytest.raises(WrongUnit) as e:
        receive(ws, rows[0], unit_book(us[1]), "教育局.xlsx", examine)
    assert "测试市教育局" in e.value.message and "测试市财政局" in e.value.message
    # a name no roster unit has: accepted, with an error at 单位名称
    r = receive(ws, rows[2], unit_book(us[2], org="某某不认识的局", unit_id=""), "x.xlsx", examine)
    assert r.status == "failed" and r.result["findings"][0]["rule"] == "WS_UNIT_MISMATCH"
    assert r.result["findings"][0]["sheet"] == "基本信息" and r.result["findings"][0]["cell"]
    assert [s.status for s in states(ws)] == ["passed", "missing", "failed", "missing", "missing"]
    assert shown_name("") == "未命名.xlsx" and "/" not in shown_name("a/b/../c.xlsx")


def test_last_year_is_checked_on_upload(tmp_path: Path) -> None:
    from tool.format import for_year

    last = tmp_path / "上年"
    last.mkdir()
    us = units()
    (last / "财政局2023.xlsx").write_bytes(unit_book(us[0], year=2023))
    ws = Workspace.open(make_workspace(tmp_path, last_year=str(last)))
    row = ws.units()[0]
    assert row.last_year_data() is not None and ws.units()[1].last_year is None
    r = receive(ws, row, unit_book(us[0]), "财政局.xlsx", examine)
    cross = {rel.id for rel in for_year(YEAR).relations if rel.cross_year}
    assert cross & {f["rule"] for f in r.result["findings"]}  # last year's 结转 ≠ this year's 上年结转
    plain = receive(ws, ws.units()[1], unit_book(us[1]), "教育局.xlsx", examine)
    assert not cross & {f["rule"] for f in plain.result["findings"]}


def test_statuses_returns_and_letters(tmp_path: Path) -> None:
    import docx

    ws = Workspace.open(make_workspace(tmp_path))
    us, rows = units(), ws.units()
    receive(ws, rows[0], unit_book(us[0]), "a.xlsx", examine)
    receive(ws, rows[1], unit_book(us[1], broken=True), "b.xlsx", examine)
    with pytest.raises(UsageError):
        return_unit(ws, "3", "还没交")
    with pytest.raises(UsageError):
        return_unit(ws, "1", "   ")
    return_unit(ws, "1", "数字与台账不符")
    got = {u["seq"]: u["status"] for u in api_status(ws)["units"]}
    assert got == {"1": "已退回", "2": "有错误", "3": "未提交", "4": "未提交", "5": "未提交"}
    found = notices(ws)
    assert [n.state.unit.seq for n in found] == ["1", "2", "3", "4", "5"]
    assert "数字与台账不符" in found[0].text and "D30" in found[1].text and "尚未提交" in found[2].text
    doc = docx.Document(io.BytesIO(letters(ws)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count("关于报送2024年度\n政府信息公开工作年度报告的提醒") == 5 and ORG in text
    receive(ws, rows[0], unit_book(us[0]), "a2.xlsx", examine)  # a new upload ends the 退回
    assert states(ws, "1")[0].status == "passed"


def test_publication_date_rules(tmp_path: Path) -> None:
    ws = Workspace.open(make_workspace(tmp_path))
    today = date(2025, 3, 1)
    url = "https://www.example.gov.cn/a.html"
    assert check_publication(ws, url, "2025-01-20", today) == ([], "2025-01-20")
    assert check_publication(ws, url, "2025年1月20日", today)[1] == "2025-01-20"
    rules = lambda u, d: [f.rule for f in check_publication(ws, u, d, today)[0]]  # noqa: E731
    assert rules(url, "2024-12-31") == ["PUBLISH_DATE_EARLY"]
    assert rules(url, "2025-02-10") == ["PUBLISH_DATE_LATE"]
    assert rules(url, "2025-04-01") == ["PUBLISH_DATE_FUTURE"]
    assert rules(url, "明天") == ["PUBLISH_DATE_INVALID"]
    assert rules("javascript:alert(1)", "2025-01-20") == ["PUBLISH_URL_INVALID"]


@pytest.mark.office
def test_gather_runs_collect_and_reports_with_pdf(tmp_path: Path) -> None:
    import shutil

    if not shutil.which("soffice") and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice not installed")
    ws = Workspace.open(make_workspace(tmp_path))
    us, rows = units(), ws.units()
    for i in (0, 2):
        receive(ws, rows[i], unit_book(us[i]), f"{i}.xlsx", examine)
    receive(ws, rows[1], unit_book(us[1], broken=True), "b.xlsx", examine)
    summary, files = gather(ws, ws.runs / "0001", pdf=True)
    labels = [f["label"] for f in files]
    assert labels[0] == "汇总表.xlsx" and any(x.endswith("（汇总）.xlsx") for x in labels)
    assert sum(x.endswith(".docx") for x in labels) == 3 and sum(x.endswith(".pdf") for x in labels) == 3
    assert "1 份有错误" in summary
    assert "草稿" in summary  # the consolidated report before the office writes its text: a marked draft, said so
    status = openpyxl.load_workbook(tmp_path / "工作台" / files[0]["path"])["提交情况"]
    got = {r[1]: r[2] for r in status.iter_rows(min_row=2, values_only=True) if r[1]}
    assert got["测试市财政局"] == "通过" and got["测试市教育局"] == "有错误" and got["测试市生态环境局"] == "未提交"


def test_gather_keeps_upload_times_and_names_late_units(tmp_path: Path) -> None:
    """汇总 shows each unit's upload time (not when 汇总 ran), and with the office's deadline set, 分析
    names the units that uploaded after it; without a deadline set, none."""
    from tool.workspace.chase import save_settings
    from tool.workspace.ledger import shown_time

    ws = Workspace.open(make_workspace(tmp_path))
    us, rows = units(), ws.units()
    for i, day in ((0, 10), (2, 20)):  # received on 1月10日 and 1月20日 (set in the ledger, local time)
        receive(ws, rows[i], unit_book(us[i]), f"{i}.xlsx", examine)
        at = datetime(YEAR + 1, 1, day, 9, 30).astimezone().isoformat(timespec="seconds")
        with ws.ledger.write() as con:
            con.execute("UPDATE submissions SET received_at = ? WHERE seq = ?", (at, rows[i].seq))

    def gathered(run: str) -> openpyxl.Workbook:
        _, files = gather(ws, ws.runs / run, pdf=False)
        return openpyxl.load_workbook(tmp_path / "工作台" / files[0]["path"])

    def late(book: openpyxl.Workbook) -> list[str]:
        return [str(r[3]) for r in book["分析"].iter_rows(values_only=True) if r[3] and "晚于办公室规定" in str(r[3])]

    book = gathered("0001")
    head = [c.value for c in book["提交情况"][2]]
    shown = {r[1]: r[head.index("文件修改时间")] for r in book["提交情况"].iter_rows(min_row=3, values_only=True) if r[1]}
    uploads = {s.unit.name: shown_time(s.last.received_at) for s in states(ws) if s.last}
    assert sorted(uploads.values()) == [f"{YEAR + 1}-01-10 09:30", f"{YEAR + 1}-01-20 09:30"]
    assert all(shown[name] == at for name, at in uploads.items())
    assert late(book) == []
    save_settings(ws, f"{YEAR + 1}-01-15", "王老师", "0351-1234567")
    [flagged] = late(gathered("0002"))
    assert rows[2].name in flagged and f"{YEAR + 1}-01-20 09:30" in flagged and f"{YEAR + 1}-01-15" in flagged


def test_the_offices_local_rules_judge_uploads(tmp_path: Path) -> None:
    """--rules at init: checked (a broken file is refused with its line) and applied to every upload."""
    broken = tmp_path / "坏规则.toml"
    broken.write_text("[levels]\nSIGN_DATE_LATE = \n", "utf-8")
    (tmp_path / "a").mkdir()
    with pytest.raises(UsageError, match="第2行"):
        make_workspace(tmp_path / "a", rules=str(broken))
    assert not (tmp_path / "a" / "工作台").exists()
    rules = tmp_path / "本地规则.toml"
    rules.write_text('[deadline]\ndepartment = "1月5日"\n[levels]\nSIGN_DATE_LATE = "错误"\n', "utf-8")
    (tmp_path / "b").mkdir()
    ws = Workspace.open(make_workspace(tmp_path / "b", rules=str(rules)))
    u = ws.units()[0]
    blob = unit_book(units()[0])
    plain = examine(blob, "财政局.xlsx").result
    local = examine(blob, "财政局.xlsx", None, ws.rules_text).result
    assert plain.ok and not [f for f in plain.findings if f.rule == "SIGN_DATE_LATE"]
    [late] = [f for f in local.findings if f.rule == "SIGN_DATE_LATE"]
    assert late.level == "error" and not local.ok
    receipt = receive(ws, u, blob, "财政局.xlsx", lambda b, n, p: examine(b, n, p, ws.rules_text))
    assert receipt.status == "failed"
