"""Validation findings as records, and the result of checking one file.

A finding carries where (file, sheet, cell, field key, label path), what (rule id, level,
expected, actual, the other cells involved) and a Chinese message rendered from those fields
by the catalog (``CATALOG``: rule id → template). Nothing here does I/O.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LEVELS = ("error", "warning", "info")
LEVEL_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# rule id → Chinese message template. Tokens: {where} (表三 D30（…）), {expected}, {actual},
# {detail}, {title}, plus any ``params``. Filled in by the rules; a missing token renders "".
CATALOG: dict[str, str] = {}


class _Tolerant(string.Formatter):
    """Formatting never fails: a missing token renders as an empty string."""

    def get_value(self, key: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        return kwargs.get(key, "") if isinstance(key, str) else super().get_value(key, args, kwargs)


def fmt_number(v: Any) -> str:
    """Numbers as a person writes them: 12, 161804.8 (no trailing zeros, no exponent)."""
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return s
    if isinstance(v, float):
        return fmt_number(Decimal(repr(v)))
    return str(v)


def render(template: str, **tokens: Any) -> str:
    shown = {k: fmt_number(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
             else v for k, v in tokens.items()}
    return _Tolerant().format(template, **shown)


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str  # error | warning | info
    message: str
    sheet: str = ""
    cell: str = ""
    key: str = ""
    label_path: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None
    related: tuple[str, ...] = ()  # other cells involved, e.g. the terms of a sum

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "level": self.level, "sheet": self.sheet, "cell": self.cell,
                "key": self.key, "label_path": " › ".join(self.label_path),
                "expected": _plain(self.expected), "actual": _plain(self.actual),
                "related": list(self.related), "message": self.message}


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def make(rule: str, level: str, *, template: str | None = None, **fields: Any) -> Finding:
    """The one way to create a finding: the message is rendered from the catalog."""
    tpl = template if template is not None else CATALOG.get(rule, "{detail}")
    known = {k: fields.pop(k) for k in list(fields) if k in Finding.__dataclass_fields__}
    msg = render(tpl, **{**known, **fields})
    return Finding(rule, level, msg, **known)


@dataclass
class CheckResult:
    """The findings for one file."""

    file: str
    format: str | None = None
    year: int | None = None
    org: str = ""
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True  # False: the file could not be read as our workbook (exit 2)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def ok(self) -> bool:
        return self.readable and not self.errors

    @property
    def exit_code(self) -> int:
        return 2 if not self.readable else (1 if self.errors else 0)

    def flatten(self, spec: list[str]) -> list[list[Any]]:
        """Rows of chosen finding attributes, the idiom tests compare against."""
        return [[getattr(f, k) for k in spec] for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "ok": self.ok, "format": self.format, "year": self.year,
                "org": self.org, "findings": [f.to_dict() for f in self.findings]}
