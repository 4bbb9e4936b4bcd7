"""An upload through a unit's link: check it, decide whose it is, store it, record the verdict.

``receive`` is the whole job, without the web: the server calls it, the demo and the tests too.
The file is stored under its SHA-256 and flushed to disk first; the submission row (hash, name
as sent, time, status, findings, the checker's version) is then committed in one transaction,
and only then does ``receive`` return: an answer the unit sees is an upload the ledger holds.

A workbook that says it belongs to another unit of the roster is refused (``WrongUnit``: nothing
is stored, the refusal is logged); one of this unit but of another year or format, or naming no
unit of the roster, is accepted with an error at the cell to correct.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..collect.roster import Matcher
from ..core.errors import NianbaoError
from ..core.findings import CheckResult, Finding, make
from ..format import common
from . import store
from .examine import Examined, Ident
from .ledger import now
from .space import UnitRow, Workspace

Examine = Callable[[bytes, str, "str | None"], Examined]
MAX_NAME = 120


class WrongUnit(NianbaoError):
    """The workbook is another unit's (HTTP 422; the message names both units)."""

    exit_code = 1

    def __init__(self, finding: Finding, other: str):
        super().__init__(finding.message)
        self.finding = finding
        self.other = other


@dataclass
class Receipt:
    """What the unit is told: the verdict of one stored upload."""

    id: int
    unit: str
    seq: str
    status: str  # a key of common.json statuses
    result: dict[str, Any]  # CheckResult.to_dict()
    sha256: str
    file: str
    received_at: str

    @property
    def status_label(self) -> str:
        return common().statuses[self.status]

    def to_json(self) -> dict[str, Any]:
        found = self.result["findings"]
        return {"unit": self.unit, "status": self.status_label, "findings": found, "submission": self.id,
                "status_key": self.status, "file": self.file, "sha256": self.sha256,
                "received_at": self.received_at, "errors": sum(f["level"] == "error" for f in found),
                "warnings": sum(f["level"] == "warning" for f in found)}


def shown_name(raw: str | None) -> str:
    """The name a file was sent under, for display only: no folders, no control characters, bounded."""
    text = unicodedata.normalize("NFC", raw or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()
    if len(text) > MAX_NAME:
        stem, dot, suffix = text.rpartition(".")
        text = (stem[: MAX_NAME - 10] + "…" + dot + suffix[:8]) if dot else text[:MAX_NAME]
    return text or "未命名.xlsx"


def status_key(result: CheckResult) -> str:
    if not result.readable:
        return "unreadable"
    return "failed" if result.errors else ("warned" if result.warnings else "passed")


@cache
def _matcher(ws_root: str, units: tuple[Any, ...]) -> Matcher:
    return Matcher(list(units))


def judge(ws: Workspace, unit: UnitRow, ident: Ident, name: str) -> tuple[list[Finding], Finding | None, str]:
    """(findings to add, a refusal, the other unit's name): the link's unit against what the workbook says."""
    if not ident.readable:
        return [], None, ""
    found, how = _matcher(str(ws.root), tuple(u.unit for u in ws.units())).match(ident.unit_id, ident.org, ident.meta_id)
    if found is not None and found.seq != unit.seq:
        return [], make("WS_WRONG_UNIT", file=name, expected=unit.name, actual=found.name, how=how), found.name
    extra: list[Finding] = []
    if found is None and ident.org:
        sheet = common().sheets["info"]
        extra.append(make("WS_UNIT_MISMATCH", sheet=sheet, cell=ws.spec.layout.info["org"].cell, key="info.org",
                          label=common().info_label("org"), expected=unit.name, actual=ident.org))
    if ident.year != ws.year:
        extra.append(make("COLLECT_WRONG_YEAR", expected=ws.year, actual=ident.year or "（空）"))
    elif ident.format != ws.spec.id:
        extra.append(make("COLLECT_WRONG_FORMAT", expected=ws.spec.id, actual=ident.format))
    return extra, None, ""


def checker_version(ws: Workspace) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("nianbao")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        v = "?"
    return f"nianbao {v}; 格式 {ws.spec.id}"


def receive(ws: Workspace, unit: UnitRow, blob: bytes, raw_name: str | None, examine: Examine) -> Receipt:
    """Check, store and record one upload; raises WrongUnit for another unit's workbook."""
    name = shown_name(raw_name)
    ex = examine(blob, name, unit.last_year)
    extra, refusal, other = judge(ws, unit, ex.ident, name)
    sha = store.sha256(blob)
    if refusal is not None:
        with ws.ledger.write() as con:
            ws.ledger.add_event(con, unit.seq, "refused", file=name, sha256=sha, other=other, size=len(blob))
        raise WrongUnit(refusal, other)
    result = ex.result
    result.findings[:0] = extra
    key = status_key(result)
    store.put(ws.files, blob)
    record = result.to_dict()
    record["file"] = name
    at = now()
    with ws.ledger.write() as con:
        con.execute("INSERT OR IGNORE INTO blobs(sha256, size, stored_at) VALUES (?, ?, ?)", (sha, len(blob), at))
        cur = con.execute(
            "INSERT INTO submissions(seq, sha256, file_name, received_at, status, errors, warnings, result, checker)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (unit.seq, sha, name, at, key, len(result.errors), len(result.warnings),
             json.dumps({"result": record, "ident": ex.ident.to_dict()}, ensure_ascii=False), checker_version(ws)))
        sid = int(cur.lastrowid or 0)
    return Receipt(sid, unit.name, unit.seq, key, record, sha, name, at)


def extra_findings(ws: Workspace, unit: UnitRow, row: Any) -> list[Finding]:
    """The findings ``judge`` added to a stored submission (for its marked-up copy)."""
    ident = Ident(**json.loads(row["result"])["ident"])
    return judge(ws, unit, ident, row["file_name"])[0]
