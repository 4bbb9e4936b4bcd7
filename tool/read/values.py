"""Cell values as people type them: numbers with units or thousands separators, full-width
digits, blank tokens (—, 无 …), years, dates. Pure functions; the token lists come from common.json."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from ..format import Number, common, norm


def shown(raw: Any) -> str:
    """A raw cell value as the user typed it, for messages."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


@cache
def _tokens() -> tuple[frozenset[str], tuple[str, ...]]:
    common_ = common()
    blanks = frozenset(norm(t) for t in common_["blank_tokens"])
    suffixes = tuple(sorted((norm(s) for s in common_["number_suffixes"]), key=len, reverse=True))
    return blanks, suffixes


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


MAX_ABS = 1e15  # beyond what a spreadsheet holds exactly; no count or amount of a report is near it
MAX_TEXT = 40  # characters of a number typed as text


def parse_number(raw: Any) -> tuple[str, Number | None]:
    """Classify a value cell: ("number", n), ("blank", None), ("token", None), ("bad", None) or
    ("huge", None) for a number no report can hold (1e308, 5,000 digits): it is never read as one.

    Accepts numbers, numbers stored as text, full-width digits, thousands separators, a
    trailing unit (件/项/元 …) and spaces; blank tokens (—, -, /, 无 …) count as 0.
    """
    if type(raw) is float and -MAX_ABS < raw < MAX_ABS:  # the hot path: calamine's numbers (NaN fails too)
        return "number", int(raw) if raw.is_integer() else Decimal(repr(raw))
    if raw is None or raw == "":
        return "blank", None
    if isinstance(raw, bool) or isinstance(raw, (date, datetime)):
        return "bad", None
    if isinstance(raw, int):
        return ("number", raw) if -MAX_ABS < raw < MAX_ABS else ("huge", None)
    if isinstance(raw, float):
        return "huge" if raw == raw else "bad", None
    text = norm(raw).replace("−", "-")
    if len(text) > MAX_TEXT:
        return ("huge" if re.fullmatch(r"[+-]?[\d,.]+(e\d+)?", text, re.IGNORECASE) else "bad"), None
    blanks, suffixes = _tokens()
    if not text:
        return "blank", None
    if text in blanks:
        return "token", None
    for s in suffixes:
        if text.endswith(s) and len(text) > len(s):
            text = text[: -len(s)]
            break
    if "," in text:
        if not _THOUSANDS.fullmatch(text):
            return "bad", None
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return "bad", None
    try:
        d = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        return "bad", None
    if not -MAX_ABS < d < MAX_ABS:
        return "huge", None
    return "number", int(d) if d == d.to_integral_value() else d


def parse_year(raw: Any) -> int | None:
    kind, n = parse_number(raw.removesuffix("年") if isinstance(raw, str) else raw)
    if kind == "number" and isinstance(n, int) and 1990 <= n <= 2200:
        return n
    return None


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(raw: Any) -> str:
    """ISO date for a date cell or text such as 2025年1月20日, 2025/1/20; else the text as is."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = unicodedata.normalize("NFKC", shown(raw)).strip()
    m = _DATE.fullmatch(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return text
    return text


def cell_text(raw: Any) -> str:
    if isinstance(raw, (datetime, date)):
        return parse_date(raw)
    return shown(raw).strip() if raw not in (None, "") else ""


def brief(value: Any, limit: int = 40) -> Any:
    """A value as a message quotes it: text cut to ``limit`` characters (a 200 KB cell is not repeated)."""
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"…（共 {len(value)} 字）"
    return value
