"""Where every unit stands, derived from the ledger (nothing is stored twice).

A unit is 未提交 without an upload; 已退回 while the office's latest 退回 refers to its latest
upload; 已发布 once it has given its published URL and its latest upload passes; otherwise the
verdict of its latest upload (通过 / 通过（有警告） / 有错误 / 无法读取).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..format import common
from .ledger import shown_time
from .space import UnitRow, Workspace

PASSING = ("passed", "warned")
ORDER = ("missing", "unreadable", "failed", "returned", "warned", "passed", "published")


@dataclass
class Submission:
    id: int
    seq: str
    sha256: str
    file: str
    received_at: str
    status: str
    errors: int
    warnings: int
    checker: str
    raw: str = field(repr=False, default="{}")

    @property
    def label(self) -> str:
        return common().statuses[self.status]

    @property
    def shown_at(self) -> str:
        return shown_time(self.received_at)

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.raw)["result"]

    def by_sheet(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Findings grouped by sheet, in the order ``check`` gives them (whole-file ones first)."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for f in self.result["findings"]:
            groups.setdefault(f["sheet"] or common().words["whole_file"], []).append(f)
        return list(groups.items())


_SUB = ("SELECT id, seq, sha256, file_name AS file, received_at, status, errors, warnings, checker, result AS raw "
        "FROM submissions")


def submission(ws: Workspace, sid: int, seq: str | None = None) -> Submission | None:
    """One upload (of unit ``seq`` only, when given: a unit never reaches another's)."""
    r = ws.ledger.row(f"{_SUB} WHERE id = ?" + (" AND seq = ?" if seq is not None else ""),
                      *([sid, seq] if seq is not None else [sid]))
    return Submission(**dict(r)) if r else None


def history(ws: Workspace, seq: str) -> list[Submission]:
    return [Submission(**dict(r)) for r in ws.ledger.rows(f"{_SUB} WHERE seq = ? ORDER BY id DESC", seq)]


def events(ws: Workspace, seq: str, kinds: tuple[str, ...] = ("returned", "published", "refused")) -> list[dict[str, Any]]:
    rows = ws.ledger.rows(f"SELECT id, at, kind, submission, detail FROM events WHERE seq = ? AND kind IN "
                          f"({','.join('?' * len(kinds))}) ORDER BY id DESC", seq, *kinds)
    return [{**json.loads(r["detail"]), "id": r["id"], "at": r["at"], "shown_at": shown_time(r["at"]),
             "kind": r["kind"], "submission": r["submission"]} for r in rows]


@dataclass
class UnitState:
    unit: UnitRow
    status: str
    submissions: int = 0
    last: Submission | None = None
    returned: dict[str, Any] | None = None  # the 退回 in force: reason, at
    published: dict[str, Any] | None = None  # the latest publication: url, date, at

    @property
    def label(self) -> str:
        return common().statuses[self.status]

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.unit.seq, "name": self.unit.name, "status": self.label, "status_key": self.status,
                "submissions": self.submissions, "last_upload": self.last.received_at if self.last else None,
                "errors": self.last.errors if self.last else 0, "warnings": self.last.warnings if self.last else 0,
                "contact": self.unit.contact, "phone": self.unit.phone,
                "published_url": (self.published or {}).get("url")}


def _latest_events(ws: Workspace, kind: str, seq: str | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    only = " AND seq = ?" if seq is not None else ""
    for r in ws.ledger.rows(f"SELECT seq, at, submission, detail FROM events WHERE kind = ?{only} ORDER BY id",
                            kind, *([seq] if seq is not None else [])):
        out[r["seq"]] = {**json.loads(r["detail"]), "at": r["at"], "shown_at": shown_time(r["at"]),
                         "submission": r["submission"]}
    return out


def states(ws: Workspace, seq: str | None = None) -> list[UnitState]:
    """Every unit in roster order, or unit ``seq`` alone (one pass over the ledger, however many units)."""
    only = " WHERE seq = ?" if seq is not None else ""
    args = [seq] if seq is not None else []
    latest = {r["seq"]: (Submission(**{k: r[k] for k in r.keys() if k != "n"}), r["n"]) for r in ws.ledger.rows(
        f"{_SUB.replace('FROM submissions', ', n FROM submissions')} JOIN "
        f"(SELECT MAX(id) AS last_id, COUNT(*) AS n FROM submissions{only} GROUP BY seq) ON id = last_id", *args)}
    returned, published = _latest_events(ws, "returned", seq), _latest_events(ws, "published", seq)
    out = []
    for u in ([ws.unit(seq)] if seq is not None else ws.units()):
        if u is None:
            continue
        last, n = latest.get(u.seq, (None, 0))
        ret = returned.get(u.seq)
        ret = ret if ret and last and ret["submission"] == last.id else None
        pub = published.get(u.seq)
        if last is None:
            status = "missing"
        elif ret:
            status = "returned"
        elif pub and last.status in PASSING:
            status = "published"
        else:
            status = last.status
        out.append(UnitState(u, status, n, last, ret, pub))
    return out


def unit_state(ws: Workspace, seq: str) -> UnitState:
    return states(ws, seq)[0]


def counts(all_states: list[UnitState]) -> dict[str, int]:
    return {k: sum(1 for s in all_states if s.status == k) for k in ORDER}


def api_status(ws: Workspace) -> dict[str, Any]:
    """``GET <office>/api/status``."""
    return {"units": [s.to_json() for s in states(ws)]}
