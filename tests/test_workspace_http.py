"""The workspace over real HTTP against ``nianbao serve`` (waitress, worker processes, SQLite on disk):
the JSON contracts, every refusal, kill -9 and restart, 8 concurrent clients × 40 workbooks."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from webserver import get_json, make_workspace, multipart, post_file, request, serving, unit_book, unit_urls, units

from tool.workspace import store
from tool.workspace.space import Workspace


@pytest.fixture(scope="module")
def site(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = make_workspace(tmp_path_factory.mktemp("ws"))
    with serving(folder) as srv:
        yield folder, srv, unit_urls(folder, srv.base)


def test_upload_answers_the_verdict_as_json(site) -> None:  # type: ignore[no-untyped-def]
    folder, _srv, urls = site
    us = units()
    status, body = post_file(urls["2"], unit_book(us[1], broken=True), "教育局.xlsx")
    assert status == 200
    assert body["unit"] == "测试市教育局" and body["status"] == "有错误"
    f = body["findings"][0]
    assert {"rule", "level", "sheet", "cell", "expected", "actual", "message"} <= set(f)
    assert f["sheet"] == "表三" and f["cell"] == "D30" and f["level"] == "error"
    # the same findings as check --json
    from tool.check import check_bytes

    assert body["findings"] == check_bytes(unit_book(us[1], broken=True), "x.xlsx")[1].to_dict()["findings"]
    ok_status, ok = post_file(urls["3"], unit_book(us[2]))
    assert ok_status == 200 and ok["status"] == "通过" and ok["findings"] == []
    # bound to the hash: the ledger holds the file under it and the verdict with it
    ws = Workspace.open(folder)
    row = ws.ledger.row("SELECT sha256, status FROM submissions WHERE id = ?", body["submission"])
    assert row["sha256"] == body["sha256"] == store.sha256(unit_book(us[1], broken=True))
    assert store.intact(ws.files, row["sha256"]) and row["status"] == "failed"


def test_unreadable_and_wrong_year_are_verdicts(site) -> None:  # type: ignore[no-untyped-def]
    _, _, urls = site
    status, body = post_file(urls["4"], b"PK\x03\x04 not really a zip", "坏文件.xlsx")
    assert status == 200 and body["status"] == "无法读取" and "损坏" in body["findings"][0]["message"]
    status, body = post_file(urls["4"], unit_book(units()[3], year=2023), "去年的表.xlsx")
    assert status == 200 and body["status"] == "有错误"
    assert body["findings"][0]["rule"] == "COLLECT_WRONG_YEAR" and "2023" in body["findings"][0]["message"]


def test_another_units_workbook_is_refused_naming_both(site) -> None:  # type: ignore[no-untyped-def]
    folder, srv, urls = site
    before = get_json(srv.office + "api/status")
    status, body = post_file(urls["1"], unit_book(units()[4]), "卫健委.xlsx")
    assert status == 422
    assert "测试市卫生健康委员会" in body["error"] and "测试市财政局" in body["error"]
    assert get_json(srv.office + "api/status") == before  # nothing recorded as a submission
    status, html = post_file(urls["1"], unit_book(units()[4]), "卫健委.xlsx", accept="text/html")
    assert status == 422 and "测试市卫生健康委员会" in html and "<main" in html
    refused = Workspace.open(folder).ledger.rows("SELECT detail FROM events WHERE kind = 'refused'")
    assert refused and json.loads(refused[0]["detail"])["other"] == "测试市卫生健康委员会"


def test_returned_copy_is_accepted_as_the_resubmission(site) -> None:  # type: ignore[no-untyped-def]
    """The 退回 copy (written by annotate) that a unit corrects and sends back is its submission."""
    import io

    import openpyxl

    from tool.format import for_year

    _, srv, urls = site
    status, body = post_file(urls["5"], unit_book(units()[4], broken=True))
    sid = body["submission"]
    code, headers, marked = request(f"{urls['5']}submissions/{sid}/marked")
    assert code == 200 and marked.startswith(b"PK") and "attachment" in headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(marked))
    assert "校验结果" in wb.sheetnames
    # correct D30 the way the finding says (a department editing the marked-up copy)
    spec = for_year(2024)
    place = spec.layout.values["carried_forward.natural_person"]
    ws = wb[place.sheet]
    ws[place.cell] = int(body["findings"][0]["expected"])
    buf = io.BytesIO()
    wb.save(buf)
    status, again = post_file(urls["5"], buf.getvalue(), "5_测试市卫生健康委员会_退回.xlsx")
    assert status == 200 and again["status"] in ("通过", "通过（有警告）"), again["findings"]
    units_now = {u["seq"]: u for u in get_json(srv.office + "api/status")["units"]}
    assert units_now["5"]["submissions"] == 2 and units_now["5"]["errors"] == 0


def test_status_api_contract(site) -> None:  # type: ignore[no-untyped-def]
    _, srv, _ = site
    data = get_json(srv.office + "api/status")
    assert [u["seq"] for u in data["units"]] == ["1", "2", "3", "4", "5"]
    for u in data["units"]:
        assert {"seq", "name", "status", "submissions", "last_upload", "errors", "warnings"} <= set(u)
    by = {u["seq"]: u for u in data["units"]}
    assert by["1"]["status"] == "未提交" and by["1"]["last_upload"] is None and by["1"]["submissions"] == 0
    assert by["3"]["status"] == "通过" and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", by["3"]["last_upload"])


def test_wrong_or_missing_tokens_get_nothing(site) -> None:  # type: ignore[no-untyped-def]
    _, srv, urls = site
    office_token = srv.office.rstrip("/").rsplit("/", 1)[1]
    unit_token = urls["2"].rstrip("/").rsplit("/", 1)[1]
    for path in ("/", "/o/", "/u/", f"/o/{office_token[:-1]}x/", f"/o/{office_token[:-1]}x/api/status",
                 f"/u/{unit_token[:-1]}x/", "/o/../u/x/", f"/u/{office_token}/", f"/o/{unit_token}/api/status"):
        status, _, raw = request(srv.base + path)
        assert status == 404, path
        assert "测试市" not in raw.decode("utf-8", "replace"), path
    # a unit reaches its own uploads only: unit 3's submission through unit 2's link
    sub3 = get_json(srv.office + "api/status")["units"][2]["submissions"]
    assert sub3
    sid = Workspace.open(site[0]).ledger.row("SELECT id FROM submissions WHERE seq = '3'")["id"]
    for tail in ("", "/marked", "/file"):
        assert request(f"{urls['2']}submissions/{sid}{tail}")[0] == 404
    assert request(f"{urls['3']}submissions/{sid}/file")[0] == 200


def test_size_limit_is_413_in_chinese(site) -> None:  # type: ignore[no-untyped-def]
    _, _, urls = site
    big = b"PK" + b"\0" * (21 * 1024 * 1024)
    status, body = post_file(urls["2"], big, "大文件.xlsx")
    assert status == 413 and "20 MB" in body["error"]
    status, html = post_file(urls["2"], big, "大文件.xlsx", accept="text/html")
    assert status == 413 and "20 MB" in html and 'id="upload-form"' in html  # the page again, drop zone and all


def test_missing_file_field_and_methods(site) -> None:  # type: ignore[no-untyped-def]
    _, _, urls = site
    body, ctype = multipart(b"x", "a.xlsx", field="other")
    status, _, raw = request(urls["2"] + "upload", "POST", body, {"Content-Type": ctype, "Accept": "application/json"})
    assert status == 400 and "file" in json.loads(raw)["error"]
    assert request(urls["2"] + "upload")[0] == 405


def test_upload_names_never_become_paths(site) -> None:  # type: ignore[no-untyped-def]
    folder, _, urls = site
    before = {p for p in folder.rglob("*")}
    status, body = post_file(urls["4"], unit_book(units()[3]), "../../../etc/evil\x00name.xlsx")
    assert status == 200 and body["file"] == "evilname.xlsx"
    made = {p for p in folder.rglob("*")} - before
    assert all(p.name.endswith(".bin") or p.is_dir() for p in made) and not any("evil" in str(p) for p in made)


def test_office_posts_need_the_csrf_token_and_same_site(site) -> None:  # type: ignore[no-untyped-def]
    _, srv, _ = site
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = request(srv.office + "units/1/return", "POST", "reason=不对".encode(), form)
    assert status == 403
    _, _, page = request(srv.office + "units/1")
    token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    cross = {**form, "Origin": "http://evil.example"}
    status, _, _ = request(srv.office + "units/1/return", "POST", f"csrf={token}&reason=x".encode(), cross)
    assert status == 403
    status, _, _ = request(srv.office + "units/1/return", "POST", f"csrf={token}&reason=x".encode(),
                           {**form, "Sec-Fetch-Site": "cross-site"})
    assert status == 403


def test_return_with_reason_and_the_unit_sees_it(site) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    _, srv, urls = site
    _, _, page = request(srv.office + "units/2")
    token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    reason = "表三数字与台账不符，请核实"
    status, _, _ = request(srv.office + "units/1/return", "POST",
                                 f"csrf={token}&reason={quote(reason)}".encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded", "Origin": srv.base})
    assert status == 303
    by = {u["seq"]: u for u in get_json(srv.office + "api/status")["units"]}
    assert by["2"]["status"] == "已退回"
    _, _, unit_page = request(urls["2"])
    assert reason in unit_page.decode()


def test_pages_carry_no_traceback_and_safe_headers(site) -> None:  # type: ignore[no-untyped-def]
    _, srv, urls = site
    for url in (srv.office, srv.office + "chase", srv.office + "runs", srv.office + "chase/print", urls["3"]):
        status, headers, raw = request(url)
        assert status == 200, url
        assert headers["referrer-policy"] == "no-referrer" and "frame-ancestors 'none'" in headers[
            "content-security-policy"]
        text = raw.decode()
        assert "Traceback" not in text and "<script>" not in text
    status, headers, raw = request(srv.office + "chase/letters.docx")
    assert status == 200 and raw.startswith(b"PK") and "docx" in headers["content-disposition"]


def test_publication_url_and_date_are_checked(site) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import urlencode

    _, srv, urls = site
    _, _, page = request(urls["3"])
    token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": srv.base}

    def publish(url: str, when: str) -> tuple[int, str]:
        status, _, raw = request(urls["3"] + "publish", "POST",
                                 urlencode({"csrf": token, "url": url, "date": when}).encode(), form)
        return status, raw.decode()

    status, text = publish("www.example.gov.cn", "2024-06-01")
    assert status == 422 and "不是有效的网址" in text and "报告年度结束" in text
    status, text = publish("https://www.example.gov.cn/ndbg/2024.html", "2025-02-15")
    assert status == 200 and "晚于公布期限 2025-01-31" in text
    by = {u["seq"]: u for u in get_json(srv.office + "api/status")["units"]}
    assert by["3"]["status"] == "已发布" and by["3"]["published_url"].endswith("2024.html")


def test_kill_9_and_restart_lose_no_acknowledged_upload(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path)
    us = units()
    books = {u.seq: unit_book(u) for u in us}
    acked: list[tuple[str, int, str]] = []
    stop = threading.Event()
    with serving(folder) as srv:
        urls = unit_urls(folder, srv.base)

        def client(u) -> None:  # type: ignore[no-untyped-def]
            n = 0
            while not stop.is_set() and n < 200:
                n += 1
                try:
                    status, body = post_file(urls[u.seq], books[u.seq], f"{u.name}.xlsx", timeout=20)
                except (OSError, http.client.HTTPException):
                    return  # the server is gone (refused, reset, or cut mid-answer): never acknowledged
                if status == 200:
                    acked.append((u.seq, body["submission"], body["sha256"]))

        threads = [threading.Thread(target=client, args=(u,)) for u in us]
        for t in threads:
            t.start()
        while len(acked) < 15:
            threading.Event().wait(0.05)
        os.kill(srv.process.pid, signal.SIGKILL)
        srv.process.wait(10)
        stop.set()
        for t in threads:
            t.join(30)
    assert len(acked) >= 15
    with serving(folder) as srv2:
        ws = Workspace.open(folder)
        ids = {r["id"]: (r["seq"], r["sha256"]) for r in ws.ledger.rows("SELECT id, seq, sha256 FROM submissions")}
        for seq, sid, sha in acked:
            assert ids.get(sid) == (seq, sha), sid
            assert store.intact(ws.files, sha)
        counts = {u["seq"]: u["submissions"] for u in get_json(srv2.office + "api/status")["units"]}
        assert sum(counts.values()) == len(ids) >= len(acked)
        status, body = post_file(unit_urls(folder, srv2.base)["1"], books["1"])
        assert status == 200 and body["submission"] > max(ids)
    con = sqlite3.connect(folder / "台账.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_eight_concurrent_clients_forty_workbooks(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path, n=8)
    us = units(8)
    jobs = [(u, i % 3 == 0) for i in range(5) for u in us]  # 40 workbooks, some with an error
    with serving(folder) as srv:
        urls = unit_urls(folder, srv.base)

        def one(job):  # type: ignore[no-untyped-def]
            u, broken = job
            return u.seq, broken, post_file(urls[u.seq], unit_book(u, broken=broken), f"{u.name}.xlsx")

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(one, jobs))
        assert len(answers) == 40
        for _seq, broken, (status, body) in answers:
            assert status == 200
            assert body["status"] == ("有错误" if broken else "通过")
        data = get_json(srv.office + "api/status")
        assert sum(u["submissions"] for u in data["units"]) == 40
        assert all(u["submissions"] == 5 for u in data["units"])
    ws = Workspace.open(folder)
    assert len({r["id"] for r in ws.ledger.rows("SELECT id FROM submissions")}) == 40


def test_killed_workers_are_replaced(tmp_path: Path) -> None:
    """A reader process killed from outside (the OOM killer, say): the next uploads still get verdicts."""
    folder = make_workspace(tmp_path)
    with serving(folder) as srv:
        url = unit_urls(folder, srv.base)["1"]
        assert post_file(url, unit_book(units()[0]))[1]["status"] == "通过"
        children = Path(f"/proc/{srv.process.pid}/task/{srv.process.pid}/children")
        if not children.exists():
            pytest.skip("/proc children listing not available")
        for pid in children.read_text().split():
            os.kill(int(pid), signal.SIGKILL)
        answers = [post_file(url, unit_book(units()[0])) for _ in range(3)]
        assert [a[1]["status"] for a in answers] == ["通过"] * 3


def test_serve_refuses_a_busy_port_and_a_folder_that_is_no_workspace(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    folder = make_workspace(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = subprocess.run([sys.executable, "-m", "tool.cli", "serve", str(folder), "--port", str(port),
                              "--no-browser"], capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 2 and "端口" in res.stderr and "Traceback" not in res.stderr
    res = subprocess.run([sys.executable, "-m", "tool.cli", "serve", str(tmp_path), "--no-browser"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 2 and "不是工作台文件夹" in res.stderr


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    """Unit names are data: escaped in pages, strings in 链接.xlsx, never a formula."""
    import openpyxl

    from tool.collect.roster import Unit, roster_csv
    from tool.workspace.setup import init_workspace, write_links

    hostile = ['<script>alert("x")</script>局', '=HYPERLINK("http://evil.example","点我")']
    roster = tmp_path / "名单.csv"
    roster.write_bytes(roster_csv([Unit(str(i), n) for i, n in enumerate(hostile, 1)]))
    folder = tmp_path / "工作台"
    init_workspace(folder, roster=roster, year=2024, org="测试市<b>人民政府</b>")
    with serving(folder) as srv:
        _, _, raw = request(srv.office)
        html = raw.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<b>人民政府" not in html
        write_links(Workspace.open(folder), None, srv.base)
    ws = openpyxl.load_workbook(folder / "链接.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert any(c.value == hostile[1] for c in cells)
