"""After publication a unit gives the URL and date of its published report (回填网址).

Checked against the report year (a report is published after its year ends, not in the future)
and the statutory deadline (common.json ``deadlines``: a late date is a warning, still recorded).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..core.findings import Finding, make
from ..format import common
from ..read.values import parse_date
from .space import Workspace

URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
MAX_URL = 500


def check_publication(ws: Workspace, url: str, when: str, today: date | None = None
                      ) -> tuple[list[Finding], str]:
    """(findings, the date as ISO text); any error finding means the entry is refused."""
    today = today or date.today()
    url, out = url.strip(), []
    if not URL.fullmatch(url) or len(url) > MAX_URL:
        out.append(make("PUBLISH_URL_INVALID", actual=url[:100]))
    iso = parse_date(when.strip())
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return [*out, make("PUBLISH_DATE_INVALID", actual=when.strip()[:40])], ""
    first = date(ws.year + 1, 1, 1)
    month, dd = common()["deadlines"]["department"]
    deadline = date(ws.year + 1, month, dd)
    if day < first:
        out.append(make("PUBLISH_DATE_EARLY", actual=iso, expected=first.isoformat(), year=ws.year))
    elif day > today:
        out.append(make("PUBLISH_DATE_FUTURE", actual=iso, expected=today.isoformat()))
    elif day > deadline:
        out.append(make("PUBLISH_DATE_LATE", actual=iso, expected=deadline.isoformat(),
                        kind_name=common().kinds["department"], deadline=f"{month}月{dd}日"))
    return out, iso


def record_publication(ws: Workspace, seq: str, submission: int | None, url: str, when: str,
                       today: date | None = None) -> tuple[bool, list[Finding]]:
    """Check and, when there is no error, record the publication; (recorded, findings)."""
    found, iso = check_publication(ws, url, when, today)
    if any(f.level == "error" for f in found):
        return False, found
    detail: dict[str, Any] = {"url": url.strip(), "date": iso, "notes": [f.message for f in found]}
    with ws.ledger.write() as con:
        ws.ledger.add_event(con, seq, "published", submission, **detail)
    return True, found
