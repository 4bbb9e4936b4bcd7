"""Validation findings as records, and the result of checking one file.

A finding carries where (file, sheet, cell, field key, label path), what (code, level,
expected, actual, the other cells involved) and a Chinese message rendered from those fields
by the catalog. ``make`` (catalog codes) and ``make_relation`` (relation codes of the format
data) are the only constructors. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .catalog import CATALOG, LEVEL_ZH, LEVELS, RELATION_TEMPLATES, fmt_number, render
from .isolate import Failed

__all__ = ["LEVELS", "LEVEL_ZH", "CheckResult", "Finding", "failed", "fmt_number", "make", "make_relation", "unreadable"]


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
    quote: str = ""  # the words of the text a finding is about (text checks)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "level": self.level, "sheet": self.sheet, "cell": self.cell,
                "key": self.key, "label_path": " › ".join(self.label_path),
                "expected": _plain(self.expected), "actual": _plain(self.actual),
                "related": list(self.related), "quote": self.quote, "message": self.message}


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


_RECORD = frozenset(Finding.__dataclass_fields__) - {"rule", "level", "message"}


def _build(code: str, level: str, template: str, fields: dict[str, Any]) -> Finding:
    known = {k: fields[k] for k in fields if k in _RECORD}
    return Finding(code, level, render(template, fields), **known)


def make(code: str, *, level: str | None = None, variant: str = "", **fields: Any) -> Finding:
    """A finding of a catalog code; ``level`` overrides the catalog's (context, local rules),
    ``variant`` picks one of the code's other templates."""
    entry = CATALOG[code]
    lv = level or entry.level
    return _build(code, lv, entry.template_for(lv, variant), fields)


def make_relation(code: str, level: str, kind: str, **fields: Any) -> Finding:
    """A finding of a relation of the format data (its id, level, and the template of its kind)."""
    return _build(code, level, RELATION_TEMPLATES[kind], fields)


@dataclass
class CheckResult:
    """The findings for one file."""

    file: str
    format: str | None = None
    year: int | None = None
    org: str = ""
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True  # False: the file could not be read as our workbook (exit 2)
    marks: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (sheet, cell) → copied
    # sentences a returned copy highlights in that cell (not part of the JSON: the findings quote them)

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


def failed_code(f: Failed) -> tuple[str, dict[str, Any]]:
    """The catalog code and parameters of work that crashed, raised or ran out of time in a worker."""
    if f.why == "timeout":
        return "FILE_TIMEOUT", {"seconds": f.detail}
    return "FILE_CRASHED", {"cause": "内存不足" if f.detail == "MemoryError" else f.detail}


def failed(name: str, f: Failed) -> CheckResult:
    """The result of a file whose reading crashed, raised or ran out of time in its worker."""
    return unreadable(name, *failed_code(f))


def unreadable(name: str, code: str, params: dict[str, Any] | None = None) -> CheckResult:
    """The result of a file that could not be read: one finding of the cause's code."""
    return CheckResult(name, findings=[make(code, **{"file": name, **(params or {})})], readable=False)
