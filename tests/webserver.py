"""Workspaces and a real ``nianbao serve`` for the workspace tests.

``make_workspace(tmp)`` builds a roster of units and ``nianbao workspace init``s it; ``unit_book``
writes a unit's filled workbook (balanced, or with an error in 表三); ``serving(DIR)`` starts the
real server (waitress, worker processes) on a free loopback port and yields its office link;
``post_file`` sends a multipart upload with http.client (no client library between us and it).
"""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tool.collect.roster import Unit, roster_csv
from tool.demo.synth import synthetic, unbalance
from tool.format import for_year
from tool.workbook import build_workbook
from tool.workspace.setup import init_workspace, links

YEAR = 2024
ORG = "测试市人民政府"
NAMES = ("测试市财政局", "测试市教育局", "测试市自然资源和规划局", "测试市生态环境局", "测试市卫生健康委员会")


def units(n: int = len(NAMES)) -> list[Unit]:
    names = [*NAMES, *(f"测试市第{i}局" for i in range(len(NAMES) + 1, n + 1))][:n]
    return [Unit(str(i), name, contact=f"联系人{i}", phone=f"0351-555{i:04d}") for i, name in enumerate(names, 1)]


def make_workspace(tmp: Path, n: int = len(NAMES), **kw: Any) -> Path:
    roster = tmp / "名单.csv"
    roster.write_bytes(roster_csv(units(n)))
    folder = tmp / "工作台"
    init_workspace(folder, roster=roster, year=YEAR, org=ORG, **kw)
    return folder


def unit_book(u: Unit, *, broken: bool = False, year: int = YEAR, org: str | None = None, seed: int | None = None,
              unit_id: str | None = None) -> bytes:
    spec = for_year(year)
    data = synthetic(spec, org or u.name, year, random.Random(seed if seed is not None else int(u.seq)))
    data.info.update(unit_id=u.ident if unit_id is None else unit_id, contact=u.contact, phone=u.phone)
    if broken:
        unbalance(spec, data, 2)
    return build_workbook(data, written_by="distribute")


def unit_urls(folder: Path, base: str) -> dict[str, str]:
    """seq → the unit's link on the server at ``base``."""
    from tool.workspace.space import Workspace

    return {u["seq"]: u["url"] for u in links(Workspace.open(folder), base)["units"]}


@dataclass
class Server:
    base: str
    office: str
    process: subprocess.Popen[str]
    output: list[str]

    @property
    def port(self) -> int:
        return int(urlsplit(self.base).port or 80)


@contextmanager
def serving(folder: Path, *extra: str) -> Iterator[Server]:
    """``nianbao serve DIR --port 0`` in a child process, until the block ends."""
    proc = subprocess.Popen([sys.executable, "-m", "tool.cli", "serve", str(folder), "--port", "0", "--no-browser",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: list[str] = []
    office = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if "办公室链接" in line:
            office = line.split("：", 1)[1].strip()
            break
    if not office:
        proc.wait(10)
        raise AssertionError("server did not start:\n" + "".join(lines))
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    parts = urlsplit(office)
    try:
        yield Server(f"{parts.scheme}://{parts.netloc}", office, proc, lines)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        reader.join(10)
        proc.stdout.close()


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        con.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers or {})
        res = con.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        con.close()


def multipart(data: bytes, name: str, field: str = "file") -> tuple[bytes, str]:
    b = uuid.uuid4().hex
    head = (f'--{b}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + f"\r\n--{b}--\r\n".encode(), f"multipart/form-data; boundary={b}"


def post_file(unit_url: str, data: bytes, name: str = "填报表.xlsx", accept: str = "application/json",
              timeout: float = 60) -> tuple[int, Any]:
    body, ctype = multipart(data, name)
    status, headers, raw = request(unit_url + "upload", "POST", body, {"Content-Type": ctype, "Accept": accept},
                                   timeout)
    if headers.get("content-type", "").startswith("application/json"):
        return status, json.loads(raw)
    return status, raw.decode("utf-8", "replace")


def get_json(url: str) -> Any:
    status, _, raw = request(url, headers={"Accept": "application/json"})
    assert status == 200, (status, raw[:300])
    return json.loads(raw)
