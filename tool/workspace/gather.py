"""The office's 汇总 button: ``collect`` on every unit's latest accepted upload, then the reports.

A run is a row of ``runs`` and a folder ``汇总/0001/``: the uploads copied into ``收件/`` (one
per unit, named by 序号 and unit name: never by what was sent), the roster as CSV, last year's
figures as workbooks, and ``结果/`` with what ``collect`` and ``report --all`` write (汇总表.xlsx,
the consolidated workbook, 退回/, the reports, PDF when LibreOffice is there). It runs in its own
process (``python -m tool.workspace.gather DIR RUN``), so the server keeps answering uploads and a
crash of LibreOffice is a failed run, not a dead server. Units whose latest upload the office has
returned (已退回) are left out and named.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.errors import NianbaoError, UsageError
from ..core.files import safe_name, write_atomic
from ..format import common
from . import store
from .ledger import now
from .space import Workspace, names
from .status import states


def start_run(ws: Workspace, pdf: bool) -> int:
    """Record a new run and start its process; refuses while another run is going."""
    with ws.ledger.write() as con:
        if con.execute("SELECT id FROM runs WHERE state = 'running'").fetchone():
            raise UsageError("已有一次汇总正在进行，请稍候刷新页面")
        rid = int(con.execute("INSERT INTO runs(started_at, state, options) VALUES (?, 'running', ?)",
                              (now(), json.dumps({"pdf": pdf}))).lastrowid or 0)
    log = open(ws.root / names()["log"], "ab")
    proc = subprocess.Popen([sys.executable, "-m", "tool.workspace.gather", str(ws.root), str(rid)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=str(ws.root),
                            start_new_session=os.name == "posix")
    log.close()
    with ws.ledger.write() as con:
        con.execute("UPDATE runs SET options = ? WHERE id = ?", (json.dumps({"pdf": pdf, "pid": proc.pid}), rid))
    return rid


def abandon_stale(ws: Workspace) -> None:
    """Runs marked running whose process is gone (the machine restarted): failed, with a reason."""
    for r in ws.ledger.rows("SELECT id, options FROM runs WHERE state = 'running'"):
        pid = json.loads(r["options"]).get("pid")
        if pid and _alive(pid):
            continue
        with ws.ledger.write() as con:
            con.execute("UPDATE runs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                        (now(), "汇总进程意外中止（可能是服务器重启），请重新运行汇总", r["id"]))


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie (our own finished child) is not alive
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return True


def run(ws: Workspace, rid: int) -> None:
    """The run's work, in its own process; the ledger row says how it ended."""
    options = json.loads(ws.ledger.row("SELECT options FROM runs WHERE id = ?", rid)["options"])
    try:
        summary, files = gather(ws, ws.runs / f"{rid:04d}", bool(options.get("pdf")))
    except Exception as e:
        message = e.message if isinstance(e, NianbaoError) else f"程序内部错误（{type(e).__name__}），详见运行日志"
        traceback.print_exc()
        with ws.ledger.write() as con:
            con.execute("UPDATE runs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                        (now(), message, rid))
        return
    with ws.ledger.write() as con:
        con.execute("UPDATE runs SET state = 'done', finished_at = ?, summary = ?, files = ? WHERE id = ?",
                    (now(), summary, json.dumps(files, ensure_ascii=False), rid))


def gather(ws: Workspace, folder: Path, pdf: bool) -> tuple[str, list[dict[str, Any]]]:
    from ..collect.decide import decide, inspect_all
    from ..collect.intake import find_sources
    from ..collect.roster import roster_csv
    from ..collect.run import compare_all, write_outputs
    from ..collect.summary import summary
    from ..format.localrules import NATIONAL, from_text
    from ..report.make import make_all
    from ..report.office import has_office
    from ..workbook import build_workbook

    n = names()
    inbox, out = folder / n["inbox"], folder / n["results"]
    units = ws.units()
    left_out = []
    for s in states(ws):
        if s.last is None:
            continue
        if s.status == "returned":
            left_out.append(s.unit.name)
            continue
        suffix = Path(s.last.file).suffix.lower() or ".xlsx"
        suffix = suffix if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".et") else ".xlsx"
        path = write_atomic(inbox / f"{safe_name(s.unit.seq)}_{safe_name(s.unit.name)}{suffix}",
                            store.get(ws.files, s.last.sha256))
        at = datetime.fromisoformat(s.last.received_at).timestamp()
        os.utime(path, (at, at))  # the file's time is the upload's: 提交情况 shows it, 分析 judges lateness by it
    inbox.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "名单.csv", roster_csv([u.unit for u in units]))
    last_dir = folder / n["last_year"]
    for u in units:
        data = u.last_year_data()
        if data is not None:
            write_atomic(last_dir / f"{safe_name(u.seq)}.xlsx", build_workbook(data))
    rules = from_text(ws.rules_text, "工作台的本地规则") if ws.rules_text else NATIONAL
    entries = list(inspect_all(find_sources(inbox), rules=rules))
    for e in entries:  # every input is an upload of its unit: a corrected 退回 copy is a submission
        e.written_by = ""
    coll = decide(entries, [u.unit for u in units], org=ws.org, year=ws.year)
    coll.deadline = ws.meta().get("deadline") or None  # the office's own, when it set one (进度, 分析)
    compare_all(coll, rules, last_dir if last_dir.is_dir() else None)  # 雷同, and 同比 with last year's
    write_outputs(coll, out, parallel=(os.cpu_count() or 1) > 1, rules=rules)
    # a report of an incomplete workbook (the consolidated one before the office writes its 文字部分 and
    # 落款日期) is made as a marked 草稿 and named as such, never passed off as final (issue 11)
    made = make_all(out, pdf=pdf and has_office(), force=True)
    lines = [summary(coll), f"生成年度报告 {len(made.made)} 份" + (f"，PDF {len(made.pdfs)} 份" if made.pdfs else "") + "。"]
    drafts = [d.name for d in made.made if d.draft]
    if drafts:
        lines.append(f"其中 {len(drafts)} 份内容不全（必填部分为空或没有落款日期），是标注“草稿”的文档：{'、'.join(drafts)}。")
    lines += [f"未能生成报告：{d.name}：{d.error}" for d in made.failed]
    if left_out:
        lines.append(f"已退回的 {len(left_out)} 个单位未计入本次汇总：{'、'.join(left_out)}。")
    files = [{"label": str(p.relative_to(out)), "path": str(p.relative_to(ws.root)), "size": p.stat().st_size}
             for p in _ordered(out)]
    return "\n".join(lines), files


def _ordered(out: Path) -> list[Path]:
    """汇总表 first, then the consolidated workbook, the reports, the rest."""
    first = common().outputs["status"]
    found = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    return sorted(found, key=lambda p: (p.name != first, p.parent != out, p.suffix not in (".xlsx",),
                                        str(p.relative_to(out))))


def run_file(ws: Workspace, rid: int, index: int) -> Path | None:
    """The ``index``-th file of a finished run (by number: a request never names a path)."""
    r = ws.ledger.row("SELECT files FROM runs WHERE id = ? AND state = 'done'", rid)
    files = json.loads(r["files"]) if r else []
    if not 0 <= index < len(files):
        return None
    p = (ws.root / files[index]["path"]).resolve()
    return p if p.is_file() and ws.runs.resolve() in p.parents else None


def main(argv: list[str]) -> int:  # pragma: no cover - the run's process
    ws = Workspace.open(argv[0])
    run(ws, int(argv[1]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
