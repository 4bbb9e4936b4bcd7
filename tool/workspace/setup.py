"""``nianbao workspace init`` and ``workspace links``: make a workspace, hand out its links.

``init`` reads the roster (the same checks as ``distribute``), makes the key file, the ledger
with one row per unit (the hash of its link only) and, with ``--last-year``, keeps each unit's
last-year figures for the cross-year rules. ``links`` gives the office link and every unit's
link for a base URL, as 链接.xlsx or as JSON; ``distributed`` writes the units' workbooks with
their links in 填报说明.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..collect.roster import NAME_SEPARATORS, Unit, read_roster
from ..core.errors import UsageError
from ..core.files import write_atomic
from ..format import common, for_year
from ..format.localrules import load_rules
from . import ledger as ledger_mod
from . import tokens
from .space import Workspace, names


@dataclass
class Created:
    workspace: Workspace
    units: int
    last_year: int  # units with last year's figures
    rules: Path | None


def init_workspace(folder: str | Path, *, roster: str | Path, year: int, org: str, rules: str | None = None,
                   last_year: str | None = None, base_url: str | None = None) -> Created:
    """Create the workspace in ``folder`` (new or empty)."""
    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{root} 已存在且不是空文件夹；工作台只能建在新的或空的文件夹中（已有的工作台不会被覆盖）")
    if not org.strip():
        raise UsageError("请用 --org 给出本级单位名称，如 某某市人民政府")
    units = read_roster(roster)
    spec = for_year(year)
    last = _last_year(units, last_year) if last_year else {}
    rules_src = Path(rules) if rules else None
    checked = load_rules(rules)  # a broken rules file is refused here, with its line, before anything is made
    url = normal_base_url(base_url) if base_url else ""
    root.mkdir(parents=True, exist_ok=True)
    n = names()
    key = tokens.new_key(root / n["key"])
    (root / n["files"]).mkdir()
    ledger = ledger_mod.create(root / n["ledger"])
    kept_rules = None
    if rules_src is not None:
        kept_rules = root / f"{n['rules']}{rules_src.suffix}"
        kept_rules.write_text(checked.text, "utf-8")
    with ledger.write() as con:
        ledger.set_meta(con, year=year, org=org.strip(), format=spec.id, created=ledger_mod.now(),
                        office_hash=tokens.digest(tokens.derive(key, "office")), office_generation=0,
                        base_url=url, rules=kept_rules.name if kept_rules else "")
        for pos, u in enumerate(units):
            con.execute("INSERT INTO units(seq, pos, name, unit_id, former_names, contact, phone, email, token_hash,"
                        " last_year) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (u.seq, pos, u.name, u.unit_id, NAME_SEPARATORS[0].join(u.former_names), u.contact, u.phone,
                         u.email, tokens.digest(tokens.derive(key, "unit", u.seq)), last.get(u.seq)))
        ledger.add_event(con, None, "created", units=len(units), roster=str(roster), year=year, org=org)
    return Created(Workspace(root, ledger), len(units), len(last), kept_rules)


def _last_year(units: list[Unit], folder: str) -> dict[str, str]:
    """Roster seq → last year's figures of that unit (interchange JSON), matched like ``distribute``."""
    from ..collect.distribute import match_last_year, read_folder

    return {seq: json.dumps(ly.data.to_json(), ensure_ascii=False)
            for seq, ly in match_last_year(units, read_folder(Path(folder))).items()}


def normal_base_url(url: str) -> str:
    """http(s)://host[:port][/prefix] without a trailing slash, or UsageError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise UsageError(f"网址“{url}”无效：应为 http://主机:端口 的形式，如 http://192.168.1.10:8000")
    return url.strip().rstrip("/")


# -- links -------------------------------------------------------------------------------------------

def office_url(ws: Workspace, base: str) -> str:
    return f"{base}/o/{ws.office_token()}/"


def unit_url(ws: Workspace, base: str, u: Any) -> str:
    return f"{base}/u/{ws.unit_token(u)}/"


def links(ws: Workspace, base_url: str | None = None) -> dict[str, Any]:
    """``{"office": URL, "units": [{"seq", "name", "url"}]}``; remembers the base URL for ``distribute``."""
    base = _base(ws, base_url)
    return {"office": office_url(ws, base),
            "units": [{"seq": u.seq, "name": u.name, "url": unit_url(ws, base, u)} for u in ws.units()]}


def _base(ws: Workspace, base_url: str | None) -> str:
    if base_url:
        base = normal_base_url(base_url)
        if ws.meta().get("base_url") != base:
            with ws.ledger.write() as con:
                ws.ledger.set_meta(con, base_url=base)
        return base
    base = ws.meta().get("base_url", "")
    if not base:
        raise UsageError("还没有设定工作台的网址：请加 --base-url http://本机地址:端口（各单位的电脑能访问到的地址）")
    return base


def renew(ws: Workspace, seqs: list[str], office: bool = False) -> list[str]:
    """Issue new links (the old ones stop working at once); returns the units renewed."""
    key = ws._need_key()
    known = {u.seq: u for u in ws.units()}
    unknown = [s for s in seqs if s not in known]
    if unknown:
        raise UsageError(f"工作台中没有序号为 {'、'.join(unknown)} 的单位")
    with ws.ledger.write() as con:
        for s in seqs:
            gen = known[s].generation + 1
            con.execute("UPDATE units SET generation = ?, token_hash = ? WHERE seq = ?",
                        (gen, tokens.digest(tokens.derive(key, "unit", s, gen)), s))
            ws.ledger.add_event(con, s, "renewed")
        if office:
            gen = int(ws.meta().get("office_generation", "0")) + 1
            ws.ledger.set_meta(con, office_generation=gen,
                               office_hash=tokens.digest(tokens.derive(key, "office", "", gen)))
            ws.ledger.add_event(con, None, "renewed", office=True)
    return seqs


def links_workbook(ws: Workspace, base_url: str | None = None) -> bytes:
    """链接.xlsx: one row per unit (序号, 单位名称, 联系人, 电话, 邮箱, 链接), text only."""
    import xlsxwriter

    data = links(ws, base_url)
    url_of = {u["seq"]: u["url"] for u in data["units"]}
    cols = common().columns("links")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws_ = wb.add_worksheet(names()["links"].removesuffix(".xlsx"))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws_.write_string(0, 0, f"{ws.org}{ws.year}年度政府信息公开工作年度报告 报送链接（每个链接只发给对应单位，勿外传）")
    for j, c in enumerate(cols):
        ws_.write_string(1, j, c["label"], head)
        ws_.set_column(j, j, c["width"])
    for i, u in enumerate(ws.units(), start=2):
        row = {"seq": u.seq, "name": u.name, "contact": u.contact, "phone": u.phone, "email": u.email,
               "url": url_of[u.seq]}
        for j, c in enumerate(cols):
            ws_.write_string(i, j, row[c["key"]])
    ws_.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()


def write_links(ws: Workspace, output: str | Path | None, base_url: str | None = None) -> Path:
    target = Path(output) if output else ws.root / names()["links"]
    return write_atomic(target, links_workbook(ws, base_url))


def distributed(ws_dir: str | Path, roster: str | Path, year: int, outdir: Path, **kw: Any) -> Any:
    """``distribute --workspace DIR``: the units' workbooks, each with its own link in 填报说明."""
    from ..collect.distribute import run_distribute

    ws = Workspace.open(ws_dir)
    if year != ws.year:
        raise UsageError(f"工作台 {ws.root} 是 {ws.year} 年度的，本次下发的是 {year} 年度")
    urls = {u["seq"]: u["url"] for u in links(ws)["units"]}
    names_in = {u.seq: u.name for u in ws.units()}
    strangers = [u.name for u in read_roster(roster) if names_in.get(u.seq) != u.name]
    if strangers:
        raise UsageError(f"名单中这些单位不在工作台 {ws.root} 中（或序号不同）：{'、'.join(strangers)}；"
                         "请用建工作台时的名单下发")
    return run_distribute(roster, year, outdir, links=urls, **kw)
