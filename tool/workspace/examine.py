"""What a worker process does with an uploaded workbook: read and check it (the same as ``check``,
with last year's figures when the workspace has them), and build its marked-up copy.

Runs in the worker processes of ``workers`` (a file that crashes the reader takes a worker
down, not the server). Returns plain picklable records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from ..check.run import result_of, unreadable_result, year_findings
from ..core.errors import UnreadableError
from ..core.findings import CheckResult, Finding
from ..format.interchange import ReportData, from_json
from ..format.localrules import LocalRules, from_text
from ..read import Submission, read_bytes

LAST_YEAR_NAME = "上年数据"
RULES_NAME = "工作台的本地规则"


@dataclass(frozen=True)
class Ident:
    """Who and when a workbook says it is (for matching it to the link's unit and the period)."""

    org: str = ""
    unit_id: str = ""
    year: int | None = None
    format: str = ""
    readable: bool = False
    meta_id: str = ""  # the roster identity distribute wrote into the metadata (the 单位代码 cell may differ)

    def to_dict(self) -> dict[str, object]:
        return {"org": self.org, "unit_id": self.unit_id, "year": self.year, "format": self.format,
                "readable": self.readable, "meta_id": self.meta_id}


@dataclass
class Examined:
    result: CheckResult
    ident: Ident = field(default_factory=Ident)


@lru_cache(maxsize=64)
def _prev(prev_json: str) -> ReportData:
    return from_json(json.loads(prev_json), source=LAST_YEAR_NAME)


@lru_cache(maxsize=8)
def _rules(text: str) -> LocalRules | None:
    """The office's local rules kept in the workspace (checked when the workspace was made)."""
    return from_text(text, RULES_NAME) if text else None


def _read(blob: bytes, name: str, prev_json: str | None, rules_text: str = "") -> tuple[Submission | None, CheckResult]:
    try:
        sub = read_bytes(blob, name)
    except UnreadableError as e:
        return None, unreadable_result(name, e)
    prev = _prev(prev_json) if prev_json else None
    notes = year_findings(sub.data, prev, LAST_YEAR_NAME) if prev else []
    return sub, result_of(sub, prev=prev, prev_findings=notes, rules=_rules(rules_text))


def examine(blob: bytes, name: str, prev_json: str | None = None, rules_text: str = "") -> Examined:
    """Read and check an upload as ``check`` would, with last year's figures and the office's local rules."""
    sub, result = _read(blob, name, prev_json, rules_text)
    if sub is None:
        return Examined(result)
    d = sub.data
    return Examined(result, Ident(d.org, d.info.get("unit_id", ""), d.year, d.format, True,
                                  sub.meta.get("unit_id", "")))


def marked(blob: bytes, name: str, prev_json: str | None, extra: list[Finding], rules_text: str = "") -> bytes | None:
    """The marked-up copy (as ``check --annotate`` writes it), or None when there is nothing to mark."""
    from ..check.annotate import SHOWN, annotated

    sub, result = _read(blob, name, prev_json, rules_text)
    shown = [f for f in [*extra, *result.findings] if f.level in SHOWN]
    if sub is None or not shown:
        return None
    return annotated(sub, shown, original=blob)


FUNCTIONS = {"examine": examine, "marked": marked}
